import Foundation
import PDFRender
import XCTest

/// Real PDFs from public test corpora (Fixtures/real-pdfs, each file's source and licence in SOURCES.md),
/// each ingested and exported alone through the binary with words it shows registered on the case. Every
/// file must either export with none of those words legible (read back by OCR of the bundle at 200 dpi with
/// automatic page segmentation, and from its text layer) or be refused with the message its manifest
/// entry names, nothing written. Nothing may crash or hang.
///
/// `make test` runs the entries marked `quick`; `make soak` (CASEVAULT_REAL_PDFS=all) runs every file.
final class RealPDFCorpusTests: XCTestCase {
    struct Entry: Decodable {
        var file: String
        /// Words the file shows, registered as the case's custom terms: they must not be legible in the bundle.
        var terms: [String]
        /// "exported", or "refused" with `message` (a part of the error that is true for this file).
        var expect: String
        var message: String?
        var quick: Bool?
    }

    static let folder = packageRoot.appendingPathComponent("Tests/CLITests/Fixtures/real-pdfs")
    /// Generous: the analysis of one document has its own limit inside casevault; this only catches a hang.
    static let hangSeconds: TimeInterval = 240

    func testEveryRealPDFExportsSafelyOrIsRefusedWithATrueMessage() throws {
        let entries = try JSONDecoder().decode([Entry].self, from: Data(contentsOf: Self.folder.appendingPathComponent("corpus.json")))
        let all = ProcessInfo.processInfo.environment["CASEVAULT_REAL_PDFS"] == "all"
        let chosen = entries.filter { all || $0.quick == true }
        XCTAssertGreaterThanOrEqual(entries.count, 50, "the corpus lists every file")
        let listed = Set(entries.map(\.file))
        let onDisk = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".pdf") }
        XCTAssertEqual(Set(onDisk), listed, "every committed PDF has a manifest entry, and every entry a file")

        let ocr = OCREngine.make(environment: ProcessInfo.processInfo.environment)
        var exported = 0, refused = 0, crashed = 0, hung = 0
        var secondsPerPage: [Double] = []
        for entry in chosen {
            let sandbox = try Sandbox()
            let caseID = try prepare(sandbox)
            if !entry.terms.isEmpty {
                XCTAssertEqual(try sandbox.run(["redact", "terms", "add", "--case", caseID] + entry.terms).exitCode, 0)
            }
            let source = Self.folder.appendingPathComponent(entry.file)
            if entry.expect == "exported", !entry.terms.isEmpty {
                // The check below is only worth something if the terms can be read in the original.
                let original = try PDFSource(data: Array(try Data(contentsOf: source)))
                let text = try (0..<original.pageCount).map { try original.text(ofPage: $0) }.joined(separator: " ")
                for term in entry.terms {
                    XCTAssertTrue(Self.squeezed(text).contains(Self.squeezed(term)), "\(entry.file): '\(term)' is not in the original's text layer")
                }
            }
            try FileManager.default.copyItem(at: source, to: URL(fileURLWithPath: sandbox.path(entry.file)))
            let ingested = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", entry.file, "--json"])
            XCTAssertEqual(ingested.exitCode, 0, "\(entry.file): \(ingested.stderr)")
            let documentID = try XCTUnwrap(try Self.documentID(ingested), entry.file)
            let started = Date()
            let result = try sandbox.run(["export", "--case", caseID, "--meeting", "Local resolution meeting", "--for", "trust-X",
                                          "--docs", documentID, "--out", "bundle.pdf"], timeout: Self.hangSeconds)
            let seconds = Date().timeIntervalSince(started)
            if result.signalled {
                if seconds >= Self.hangSeconds { hung += 1 } else { crashed += 1 }
                XCTFail("\(entry.file): \(seconds >= Self.hangSeconds ? "hung" : "crashed (signal \(result.exitCode))")")
                continue
            }
            let written = FileManager.default.fileExists(atPath: sandbox.path("bundle.pdf"))
            // Only casevault's own messages: no library diagnostics (leptonica's "Error in …", poppler's).
            for line in result.stderr.split(separator: "\n") where !line.hasPrefix("casevault: ") && !line.hasPrefix("  ") && !line.isEmpty {
                XCTFail("\(entry.file): stray output on stderr: \(line)")
            }
            switch entry.expect {
            case "exported":
                XCTAssertEqual(result.exitCode, 0, "\(entry.file): \(result.stderr)")
                guard result.exitCode == 0 else { continue }
                exported += 1
                let bundle = try PDFSource(data: Array(try Data(contentsOf: URL(fileURLWithPath: sandbox.path("bundle.pdf")))))
                for page in 0..<bundle.pageCount {
                    var read = try bundle.text(ofPage: page)
                    if let ocr { read += "\n" + ocr.recognize(try bundle.render(page: page, dpi: 200), segmentation: .automatic).words.map(\.text).joined(separator: " ") }
                    for term in entry.terms {
                        XCTAssertFalse(Self.squeezed(read).contains(Self.squeezed(term)), "\(entry.file): '\(term)' is legible on bundle page \(page + 1)")
                    }
                }
                if let pages = try? PDFSource(data: Array(try Data(contentsOf: source))).pageCount, pages > 0 {
                    secondsPerPage.append(seconds / Double(pages))
                }
            default:
                XCTAssertNotEqual(result.exitCode, 0, "\(entry.file) should be refused")
                XCTAssertFalse(written, "\(entry.file): refused, yet a bundle was written")
                let message = try XCTUnwrap(entry.message, entry.file)
                XCTAssertTrue(result.stderr.contains(message), "\(entry.file): expected '\(message)' in: \(result.stderr)")
                XCTAssertFalse(result.stderr.contains("--include-unreviewed") && result.stderr.contains("damaged"), "\(entry.file): contradictory advice")
                if result.exitCode != 0 { refused += 1 }
            }
        }
        secondsPerPage.sort()
        func percentile(_ p: Double) -> Double { secondsPerPage.isEmpty ? 0 : secondsPerPage[min(secondsPerPage.count - 1, Int(Double(secondsPerPage.count) * p))] }
        print(String(format: "real-PDF corpus (%@): %d files: %d exported, %d refused with a true message, %d crashed, %d hung; "
                        + "seconds per page (exported, debug build) median %.2f, p95 %.2f",
                     all ? "all" : "quick", chosen.count, exported, refused, crashed, hung, percentile(0.5), percentile(0.95)))
    }

    static func documentID(_ result: CLIResult) throws -> String? {
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        if let dictionary = object as? [String: Any] {
            if let id = dictionary["id"] as? String { return id }
            for key in ["documents", "stored"] {
                if let list = dictionary[key] as? [[String: Any]], let id = list.first?["id"] as? String { return id }
            }
        }
        return (object as? [[String: Any]])?.first?["id"] as? String
    }

    /// Letters and digits only, lower case: "Crazy  Ones" and "crazyones" compare equal.
    static func squeezed(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}
