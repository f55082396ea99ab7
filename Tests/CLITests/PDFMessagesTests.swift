import Foundation
import PDFRender
import XCTest

/// Messages that fit the case (issue 23): a PDF with no pages, a password-protected PDF, a damaged one, and a
/// file whose content is not what its name says each get their own message and advice; the advice to add
/// --include-unreviewed is given only where it helps.
final class PDFMessagesTests: XCTestCase {
    // MARK: PDFs written byte by byte

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static func assemble(_ objects: [String], trailer: String = "") -> [UInt8] {
        var out = bytes("%PDF-1.4\n")
        var offsets: [Int] = []
        for (index, body) in objects.enumerated() {
            offsets.append(out.count)
            out += bytes("\(index + 1) 0 obj\n\(body)\nendobj\n")
        }
        let xref = out.count
        out += bytes("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n")
        for offset in offsets { out += bytes(String(format: "%010d 00000 n \n", offset)) }
        out += bytes("trailer\n<< /Size \(objects.count + 1) /Root 1 0 R \(trailer) >>\nstartxref\n\(xref)\n%%EOF\n")
        return out
    }

    /// Opens, and has an empty page tree.
    static let noPages = assemble(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"])

    /// The standard security handler with a user password (not the empty one): no reader opens it without it.
    static let passwordProtected = assemble([
        "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        "<< /Filter /Standard /V 1 /R 2 /P -44 /O <\(String(repeating: "5a", count: 32))> /U <\(String(repeating: "c3", count: 32))> >>",
    ], trailer: "/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]")

    /// A PDF header and then nothing a reader can use.
    static let damaged = bytes("%PDF-1.7\n1 0 obj << /Type /Catalog /Pa\u{1}\u{2} truncated in transit")

    // MARK: A case to put them in

    private func caseWith(_ sandbox: Sandbox, file name: String, bytes: [UInt8]) throws -> (caseID: String, documentID: String, ingest: CLIResult) {
        let caseID = try prepare(sandbox)
        try Data(bytes).write(to: URL(fileURLWithPath: sandbox.path(name)))
        let ingested = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", name, "--json"])
        XCTAssertEqual(ingested.exitCode, 0, ingested.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])
        return (caseID, try XCTUnwrap(rows.first?["id"] as? String), ingested)
    }

    private func export(_ sandbox: Sandbox, _ caseID: String, _ extra: [String]) throws -> CLIResult {
        try sandbox.run(["export", "--case", caseID, "--meeting", "Local resolution meeting", "--for", "trust-X", "--out", "bundle.pdf"] + extra,
                        environment: ["CASEVAULT_OCR": "off"])
    }

    /// Refused with `message` and `hint`, nothing written, and no advice that would not help.
    private func assertRefused(_ pdf: [UInt8], message: String, hint: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let sandbox = try Sandbox()
        let (caseID, documentID, _) = try caseWith(sandbox, file: "from-trust.pdf", bytes: pdf)
        for extra in [[], ["--include-unreviewed"], ["--docs", documentID, "--include-unreviewed"]] {
            let result = try export(sandbox, caseID, extra)
            XCTAssertEqual(result.exitCode, 1, "\(extra): \(result.stderr)", file: file, line: line)
            XCTAssertTrue(result.stderr.contains("document \(documentID) \(message)"), "\(extra): \(result.stderr)", file: file, line: line)
            XCTAssertTrue(result.stderr.contains("casevault: hint: \(hint)"), "\(extra): \(result.stderr)", file: file, line: line)
            for useless in ["--include-unreviewed", "verify --read-data", "every page needs"] {
                XCTAssertFalse(result.stderr.contains(useless), "\(extra): advice that does not help (\(useless)): \(result.stderr)", file: file, line: line)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("bundle.pdf")), "nothing is written", file: file, line: line)
        }
    }

    func testAPDFWithNoPagesSaysSo() throws {
        XCTAssertEqual(try PDFSource(data: Self.noPages).pageCount, 0, "the fixture opens and has no pages")
        try assertRefused(Self.noPages, message: "is a PDF with no pages", hint: "ask the sender for a complete copy")
    }

    func testAPasswordProtectedPDFAsksForAnUnprotectedCopy() throws {
        XCTAssertThrowsError(try PDFSource(data: Self.passwordProtected)) { XCTAssertEqual($0 as? PDFError, .passwordProtected) }
        try assertRefused(Self.passwordProtected, message: "is a password-protected PDF", hint: "ask the sender for an unprotected copy")
    }

    func testADamagedPDFIsDamagedBeyondReading() throws {
        try assertRefused(Self.damaged, message: "could not be read: the PDF is damaged beyond reading", hint: "the file itself is damaged")
    }

    // MARK: Advice that helps

    func testIncludeUnreviewedIsAdvisedOnlyWhenPagesWereLeftOut() throws {
        // A scan (a picture of text, no text layer) with OCR off: its page is left out, and adding the flag helps.
        let typed = try PDFComposer(title: "scan")
        typed.beginPage(size: .a4)
        typed.text("A statement about the ward, written by hand.", style: TextStyle(font: "DejaVu Sans 16"), x: 60, y: 80, width: 470)
        let picture = try PDFSource(data: try typed.finish()).render(page: 0, dpi: 100)
        let scan = try PDFComposer(title: "scan")
        scan.beginPage(size: .a4)
        scan.draw(picture, in: Box(x: 0, y: 0, width: PageSize.a4.width, height: PageSize.a4.height))
        let sandbox = try Sandbox()
        let (caseID, documentID, _) = try caseWith(sandbox, file: "scan.pdf", bytes: try scan.finish())

        let refused = try export(sandbox, caseID, ["--docs", documentID])
        XCTAssertEqual(refused.exitCode, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("every page needs a person to check it"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("casevault: hint: check the pages flagged") && refused.stderr.contains("add --include-unreviewed"),
                      refused.stderr)
        XCTAssertEqual(refused.stderr.components(separatedBy: "--include-unreviewed").count - 1, 1, "advised once, where it helps: \(refused.stderr)")

        let included = try export(sandbox, caseID, ["--docs", documentID, "--include-unreviewed"])
        XCTAssertEqual(included.exitCode, 0, included.stderr)
        XCTAssertTrue(included.stderr.contains("go in unchecked"), "the warning says what the flag did: \(included.stderr)")
        XCTAssertFalse(included.stderr.contains("unless --include-unreviewed"), included.stderr)
    }

    // MARK: A name that lies about the content

    func testAFileWhoseContentIsNotWhatItsNameSaysIsStoredAsOtherWithAWarning() throws {
        let sandbox = try Sandbox()
        let (caseID, documentID, ingested) = try caseWith(sandbox, file: "discharge-letter.pdf", bytes: Self.bytes("oops\n"))
        XCTAssertTrue(ingested.stderr.contains("casevault: warning: discharge-letter.pdf: its name ends in .pdf but its content is not a .pdf file; "
                                               + "it was stored as kind 'other'; ask the sender"), ingested.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])
        XCTAssertNotNil(rows.first?["warning"] as? String, "--json carries the warning too")
        let shown = try sandbox.json(try sandbox.run(["show", documentID, "--json"]))
        XCTAssertEqual(shown["kind"] as? String, "other", "not a letter")
        XCTAssertEqual(shown["media_type"] as? String, "application/octet-stream", "not a PDF")

        // It is not put into a bundle as a PDF: left out of the default export, refused when named.
        let named = try export(sandbox, caseID, ["--docs", documentID])
        XCTAssertEqual(named.exitCode, 1, named.stderr)
        XCTAssertTrue(named.stderr.contains("document \(documentID) is application/octet-stream, which cannot go into a bundle"), named.stderr)
        XCTAssertFalse(named.stderr.contains("--include-unreviewed"), named.stderr)

        // A PNG sent with a .pdf name is stored as the picture it is; a real PDF gets no warning.
        let png = try Raster(width: 4, height: 4, dpi: 72).pngData()
        try Data(png).write(to: URL(fileURLWithPath: sandbox.path("photo.pdf")))
        let picture = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", "photo.pdf", "--json"])
        XCTAssertTrue(picture.stderr.contains("its name ends in .pdf but its content is image/png"), picture.stderr)
        try Data(Self.noPages).write(to: URL(fileURLWithPath: sandbox.path("real.pdf")))
        let real = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", "real.pdf"])
        XCTAssertEqual(real.exitCode, 0, real.stderr)
        XCTAssertFalse(real.stderr.contains("its name ends in"), real.stderr)
    }
}
