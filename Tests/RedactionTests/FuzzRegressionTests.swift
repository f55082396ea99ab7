import DocumentText
import Foundation
import Redaction
import XCTest

/// Inputs the fuzzers found (kept in Fuzz/regressions/): each must now fail cleanly or extract, never crash.
final class FuzzRegressionTests: XCTestCase {
    static var regressions: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fuzz/regressions")
    }

    func testDocxCrashesFoundByTheFuzzer() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.regressions.path).filter { $0.hasPrefix("docx-") }
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let data = try Data(contentsOf: Self.regressions.appendingPathComponent(file))
            let result = Result { () throws(ExtractionError) -> ExtractedText in try TextExtractor.extract(data: data, format: .docx) }
            switch result {
            case .success(let text): _ = Redactor(context: RedactionContext()).spans(in: text.body)
            case .failure(let error): XCTAssertFalse(error.description.isEmpty, file)
            }
        }
    }
}

extension FuzzRegressionTests {
    /// ZIPFoundation's extract never returned on this (a deflate stream cut in half): ours reports it.
    func testATruncatedDeflateStreamIsMalformedNotAHang() throws {
        let data = try Data(contentsOf: Self.regressions.appendingPathComponent("docx-truncated-deflate"))
        XCTAssertThrowsError(try TextExtractor.extract(data: data, format: .docx)) {
            XCTAssertEqual($0 as? ExtractionError, .malformed("word/document.xml is not a complete deflate stream"))
        }
    }
}
