import DocumentText
import Foundation
import Redaction

// The .eml extractor and then every detector on its output: errors are fine, crashes and hangs are not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEmail(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let extracted = try? TextExtractor.extract(data: Data(bytes: data, count: size), format: .email) else { return 0 }
    let text = extracted.renderedText
    let redactor = Redactor(context: RedactionContext(people: [KnownPerson(id: "per-1", role: .relative, fullName: "Joanne Ellis",
                                                                          addresses: ["4 Mill Lane"], identifiers: ["07700 900461"])],
                                                      customTerms: ["Ward 7B"], allowList: ["PALS"]))
    for span in redactor.spans(in: text) {
        precondition(span.start <= span.end && span.end <= text.utf8.count, "span outside the text")
    }
    return 0
}
