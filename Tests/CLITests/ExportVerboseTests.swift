import Foundation
import PDFRender
import XCTest

/// `export --verbose`: seconds per document and per page on stderr (ids and numbers, never content), so the slow
/// pages of a real case can be found; stdout stays the normal report (one JSON document with --json).
final class ExportVerboseTests: XCTestCase {
    func testVerboseExportPrintsPerPageTimingAndNoContent() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let composer = try PDFComposer(title: "Summary")
        for line in ["Page one of the discharge summary.", "Page two: Peter Quenby visited."] {
            composer.beginPage(size: .a4)
            composer.text(line, style: TextStyle(font: "DejaVu Sans 12"), x: 60, y: 80, width: 470)
        }
        try Data(try composer.finish()).write(to: URL(fileURLWithPath: sandbox.path("summary.pdf")))
        _ = try write(sandbox, "letter.txt", "A letter about the ward.\n")
        let ingested = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", "summary.pdf", "letter.txt", "--json"])
        XCTAssertEqual(ingested.exitCode, 0, ingested.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])
        let pdfID = try XCTUnwrap(rows.first { ($0["path"] as? String)?.hasSuffix("summary.pdf") == true }?["id"] as? String)
        let letterID = try XCTUnwrap(rows.first { ($0["path"] as? String)?.hasSuffix("letter.txt") == true }?["id"] as? String)

        let base = ["export", "--case", caseID, "--meeting", "Local resolution meeting", "--for", "trust-X", "--verbose", "--json"]
        let result = try sandbox.run(base + ["--out", "bundle.pdf"], environment: ["CASEVAULT_OCR": "off"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        XCTAssertEqual(try sandbox.json(result)["pages"] as? Int, 5, "stdout is still one JSON document")
        let timing = result.stderr.split(separator: "\n").filter { $0.hasPrefix("casevault: timing:") }.map(String.init)
        XCTAssertTrue(timing.contains { $0.hasPrefix("casevault: timing: \(pdfID): ") && $0.hasSuffix(" s (2 pages)") }, "\(timing)")
        XCTAssertTrue(timing.contains { $0.hasPrefix("casevault: timing: \(letterID): ") && $0.contains("typeset text") }, "\(timing)")
        for page in [1, 2] {
            XCTAssertTrue(timing.contains { $0.hasPrefix("casevault: timing:   page \(page): ") && $0.contains("render ") && $0.contains("OCR 0.00 s") },
                          "page \(page): \(timing)")
        }
        XCTAssertTrue(timing.contains { $0.hasPrefix("casevault: timing: 2 page(s): median ") && $0.contains("p95") }, "\(timing)")
        XCTAssertTrue(timing.contains { $0.hasPrefix("casevault: timing: leak check: ") }, "\(timing)")
        XCTAssertFalse(result.stderr.contains("Quenby") || result.stderr.contains("discharge summary"), "no content in the timing")

        // A dry run times the analysis too (there is no leak check); without --verbose nothing is timed.
        let dry = try sandbox.run(base + ["--dry-run"], environment: ["CASEVAULT_OCR": "off"])
        XCTAssertEqual(dry.exitCode, 0, dry.stderr)
        XCTAssertTrue(dry.stderr.contains("casevault: timing:   page 2: "), dry.stderr)
        XCTAssertFalse(dry.stderr.contains("leak check:"), dry.stderr)
        let quiet = try sandbox.run(Array(base.filter { $0 != "--verbose" }) + ["--dry-run"], environment: ["CASEVAULT_OCR": "off"])
        XCTAssertFalse(quiet.stderr.contains("timing:"), quiet.stderr)
    }
}
