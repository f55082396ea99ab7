import DocumentText
import Foundation
import Redaction

// The .docx extractor (ZIP container + WordprocessingML) on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDocx(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let extracted = try? TextExtractor.extract(data: Data(bytes: data, count: size), format: .docx) else { return 0 }
    _ = Redactor(context: RedactionContext()).spans(in: extracted.body)
    return 0
}
