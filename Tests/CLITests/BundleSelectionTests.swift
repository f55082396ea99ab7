import Foundation
import PDFRender
import XCTest

/// What goes into a bundle by default, the policy presets, and how typed documents and odd-sized pages are
/// laid out — checked on the finished PDF as poppler reads it.
final class BundleSelectionTests: XCTestCase {
    private func export(_ sandbox: Sandbox, _ caseID: String, _ extra: [String]) throws -> CLIResult {
        try sandbox.run(["export", "--case", caseID, "--meeting", "Local resolution meeting", "--for", "trust-X"] + extra,
                        environment: ["CASEVAULT_OCR": "off"])
    }

    private func ingest(_ sandbox: Sandbox, _ caseID: String, _ name: String, _ text: String, kind: String? = nil) throws -> String {
        _ = try write(sandbox, name, text)
        let result = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", name, "--json"] + (kind.map { ["--kind", $0] } ?? []))
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        return try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
    }

    /// Every page's text as poppler reads it, and the page sizes.
    private func read(_ sandbox: Sandbox, _ name: String) throws -> (text: String, sizes: [PageSize]) {
        let pdf = try PDFSource(data: Array(try Data(contentsOf: URL(fileURLWithPath: sandbox.path(name)))))
        let text = try (0..<pdf.pageCount).map { try pdf.text(ofPage: $0) }.joined(separator: "\n")
        return (text, try (0..<pdf.pageCount).map { try pdf.size(ofPage: $0) })
    }

    private func flat(_ text: String) -> String { text.split(whereSeparator: \.isWhitespace).joined(separator: " ") }

    func testTheDefaultBundleHoldsOnlyTheComplaintDocumentsAndTheDryRunSaysWhy() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)  // its signed consent form is a consent_form document of the case
        let letter = try ingest(sandbox, caseID, "complaint-letter.txt", "Complaint letter LETTERMARK about the discharge.\n")
        let reply = try ingest(sandbox, caseID, "trust-response.txt", "The trust's reply REPLYMARK.\n", kind: "reply")
        let notes = try ingest(sandbox, caseID, "meeting-notes.md", "# Meeting with the trust\n\nNotes NOTESMARK.\n")
        let phone = try ingest(sandbox, caseID, "phone.txt", "Phone call PHONEMARK.\n", kind: "internal_note")
        let authority = try ingest(sandbox, caseID, "grant.txt", "Grant of probate AUTHMARK.\n", kind: "authority_evidence")
        // A file name with a newline and a terminal escape sequence.
        let crafted = try ingest(sandbox, caseID, "odd\u{1B}[2Jname\nline.txt", "Odd name ODDMARK.\n", kind: "internal_note")

        let result = try export(sandbox, caseID, ["--out", "bundle.pdf"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let text = try read(sandbox, "bundle.pdf").text
        XCTAssertTrue(text.contains("LETTERMARK") && text.contains("REPLYMARK"), text)
        for secret in ["NOTESMARK", "PHONEMARK", "AUTHMARK", "ODDMARK", "Consent form for"] { XCTAssertFalse(text.contains(secret), secret) }
        XCTAssertTrue(result.stderr.contains("\(notes) (meeting notes) left out") && result.stderr.contains("--include-kind meeting_notes"), result.stderr)

        // One kind added back; the others stay out.
        let more = try export(sandbox, caseID, ["--out", "more.pdf", "--include-kind", "meeting_notes"])
        XCTAssertEqual(more.exitCode, 0, more.stderr)
        let moreText = try read(sandbox, "more.pdf").text
        XCTAssertTrue(moreText.contains("LETTERMARK") && moreText.contains("NOTESMARK"), moreText)
        XCTAssertFalse(moreText.contains("PHONEMARK") || moreText.contains("AUTHMARK"))

        let dry = try export(sandbox, caseID, ["--dry-run"])
        XCTAssertEqual(dry.exitCode, 0, dry.stderr)
        let lines = dry.stdout.split(separator: "\n").map(String.init)
        func line(_ id: String) -> String { lines.first { $0.contains(id) } ?? "" }
        XCTAssertTrue(line(letter).hasPrefix("  in  \(letter) letter") && line(letter).contains("complaint letter, in by default"), line(letter))
        XCTAssertTrue(line(reply).hasPrefix("  in  \(reply) reply"), line(reply))
        XCTAssertTrue(line(notes).hasPrefix("  out \(notes) meeting_notes") && line(notes).contains("--include-kind meeting_notes"), line(notes))
        XCTAssertTrue(line(phone).hasPrefix("  out \(phone) internal_note"), line(phone))
        XCTAssertTrue(line(authority).hasPrefix("  out \(authority) authority_evidence"), line(authority))
        XCTAssertTrue(lines.contains { $0.hasPrefix("  out ") && $0.contains("consent_form") }, dry.stdout)
        XCTAssertFalse(dry.stdout.contains("\u{1B}"), "no escape sequence reaches the terminal")
        XCTAssertTrue(line(crafted).contains("odd\\u{1B}[2Jname\\u{A}line.txt"), line(crafted))

        let json = try sandbox.json(try export(sandbox, caseID, ["--dry-run", "--json"]))
        let rows = try XCTUnwrap(json["selection"] as? [[String: Any]])
        XCTAssertEqual(Set(rows.filter { $0["included"] as? Bool == true }.compactMap { $0["document_id"] as? String }), [letter, reply])

        // The form behind a record of authority is stored as evidence of authority, and stays out.
        let attorney = try XCTUnwrap(try sandbox.json(try sandbox.run(["person", "add", "--name", "Joanne Ellis", "--json"]))["id"] as? String)
        let client = try XCTUnwrap(try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))["client"] as? String)
        let form = try write(sandbox, "lpa.txt", "Lasting power of attorney LPAMARK.\n")
        let lpa = try sandbox.run(["consent", "record", "--case", caseID, "--person", client, "--kind", "lpa_health_welfare", "--grantee", attorney,
                                   "--registered", "--evidence", "opg_registration", "--matters", "health,complaints", "--form", form, "--json"])
        XCTAssertEqual(lpa.exitCode, 0, lpa.stderr)
        let lpaForm = try XCTUnwrap(try sandbox.json(lpa)["form_document"] as? String)
        let afterLPA = try export(sandbox, caseID, ["--dry-run"])
        XCTAssertTrue(afterLPA.stdout.contains("  out \(lpaForm) authority_evidence"), afterLPA.stdout)

        // Named with --docs, a private document goes in.
        let named = try export(sandbox, caseID, ["--out", "named.pdf", "--docs", phone])
        XCTAssertEqual(named.exitCode, 0, named.stderr)
        XCTAssertTrue(try read(sandbox, "named.pdf").text.contains("PHONEMARK"))
    }

    func testPresetsKeepThePatientForTheTrustAndRemoveEveryoneForAThirdParty() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)  // client Margaret Ellis, born 1946-03-14, NHS number 943 476 5919
        let neighbour = try XCTUnwrap(try sandbox.json(try sandbox.run(["person", "add", "--name", "Peter Quenby", "--json"]))["id"] as? String)
        XCTAssertEqual(try sandbox.run(["case", "add-person", caseID, neighbour, "--role", "third_party"]).exitCode, 0)
        _ = try ingest(sandbox, caseID, "letter.txt", """
            Patient: Margaret Ellis, date of birth 14/03/1946, NHS number 943 476 5919.
            Her neighbour Peter Quenby, date of birth 02/05/1951, saw her leave.
            """)

        let trust = try export(sandbox, caseID, ["--out", "trust.pdf", "--policy", "trust-meeting"])
        XCTAssertEqual(trust.exitCode, 0, trust.stderr)
        let kept = flat(try read(sandbox, "trust.pdf").text)
        for detail in ["Margaret Ellis", "14/03/1946", "943 476 5919"] { XCTAssertTrue(kept.contains(detail), "\(detail) kept for the trust: \(kept)") }
        for secret in ["Quenby", "02/05/1951"] { XCTAssertFalse(kept.contains(secret), secret) }

        let third = try export(sandbox, caseID, ["--out", "third.pdf", "--policy", "third-party"])
        XCTAssertEqual(third.exitCode, 0, third.stderr)
        let removed = flat(try read(sandbox, "third.pdf").text)
        for secret in ["Margaret Ellis", "Ellis", "14/03/1946", "943 476 5919", "Quenby", "02/05/1951"] { XCTAssertFalse(removed.contains(secret), secret) }

        // A policy file in the documented format is the same as the preset.
        _ = try write(sandbox, "trust.policy", "# for the trust\nkeep-client=name,date-of-birth,nhs-number\n")
        let fromFile = try export(sandbox, caseID, ["--out", "file.pdf", "--policy", sandbox.path("trust.policy")])
        XCTAssertEqual(fromFile.exitCode, 0, fromFile.stderr)
        XCTAssertTrue(flat(try read(sandbox, "file.pdf").text).contains("943 476 5919"))
        let unknown = try export(sandbox, caseID, ["--dry-run", "--policy", "trust-meting"])
        XCTAssertEqual(unknown.exitCode, 64)
        XCTAssertTrue(unknown.stderr.contains("trust-meeting"), "the presets are named: \(unknown.stderr)")
    }

    func testLettersAreReflowedMarkdownIsRenderedAndOddPagesBecomeA4Portrait() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let letter = try ingest(sandbox, caseID, "letter.txt", """
            Dear Complaints Team,

            The discharge letter was sent to the wrong address
            and nobody called to check on her afterwards at all.

            - first point
            - second point
            """)
        let notes = try ingest(sandbox, caseID, "meeting-notes.md", "# Meeting notes\n\nWe raised **the discharge** and _the follow-up_.\n\n- point one\n- point two\n")
        let composer = try PDFComposer(title: "scan")
        composer.beginPage(size: PageSize(width: 842, height: 595))
        composer.text("A landscape page of the ward rota", style: TextStyle(font: "DejaVu Sans 14"), x: 60, y: 60, width: 600)
        try Data(try composer.finish()).write(to: URL(fileURLWithPath: sandbox.path("rota.pdf")))
        let ingested = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-03", "--kind", "evidence", "rota.pdf"])
        XCTAssertEqual(ingested.exitCode, 0, ingested.stderr)

        let result = try export(sandbox, caseID, ["--out", "bundle.pdf", "--docs", letter, notes, "--include-kind", "evidence",
                                                  "--their-reference", "COMP-2025-0412", "--our-reference", "ADV/77", "--recipient-name", "Example NHS Trust"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let (text, sizes) = try read(sandbox, "bundle.pdf")
        XCTAssertTrue(text.contains("address and nobody"), "the hard-wrapped paragraph is one paragraph: \(text)")
        XCTAssertTrue(text.contains("- first point\n- second point"), "list items keep their lines: \(text)")
        XCTAssertTrue(text.contains("Meeting notes\n") && text.contains("We raised the discharge and the follow-up.") && text.contains("• point one\n• point two"), text)
        XCTAssertFalse(text.contains("# Meeting") || text.contains("**") || text.contains("_the"), "no Markdown marks are printed: \(text)")
        XCTAssertTrue(text.contains("Example NHS Trust") && text.contains("COMP-2025-0412") && text.contains("ADV/77"), "the cover: \(text)")
        // The landscape page is drawn from pixels (no text to read with OCR off): five pages, every one A4 portrait.
        XCTAssertEqual(sizes.count, 5)
        for (index, size) in sizes.enumerated() {
            XCTAssertEqual(size.width, PageSize.a4.width, accuracy: 1, "page \(index + 1) is A4 wide")
            XCTAssertEqual(size.height, PageSize.a4.height, accuracy: 1, "page \(index + 1) is A4 high")
        }
    }
}
