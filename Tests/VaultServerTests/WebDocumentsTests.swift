import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore

/// The upload page, the kind-and-date correction and the redaction preview over real HTTPS (curl), on Joan Hart's
/// case (the world's upload case, so the first case's documents stay as the other tests expect).
final class WebDocumentsTests: XCTestCase {
    static let letterName = "pals-letter.txt"
    /// Names the redaction finds but nobody registered, beside markup that must stay text.
    static let letterText = "Dear Mrs Hart,\nI met Dr Rupert Vance and Mr Daniel O'Brien on ward 7 about your care.\n"
        + "<script>window.__xss=1</script>\nYours sincerely,\nPatient Advice and Liaison Service\n"
    nonisolated(unsafe) static var letter = ""
    nonisolated(unsafe) static var pdf = ""
    /// One page, "Hello from the ward" in Helvetica (poppler rebuilds the cross-reference table it lacks).
    static let pdfBytes = Data("""
        %PDF-1.4
        1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
        2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
        3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj
        4 0 obj << /Length 52 >> stream
        BT /F1 18 Tf 30 100 Td (Hello from the ward) Tj ET
        endstream endobj
        5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
        trailer << /Root 1 0 R /Size 6 >>
        %%EOF

        """.utf8)
    static let shared = SharedServerWorld { world in
        let vault = try world.open(as: world.sam)
        let input = world.directory.appendingPathComponent(letterName)
        try Data(letterText.utf8).write(to: input)
        guard case .stored(let id, _) = try vault.ingest(caseID: CaseID(world.uploadCase), files: [.init(path: input.path)], options: .init()).first?.outcome
        else { throw XCTSkip("the letter was not stored") }
        letter = id.rawValue
        let pdfInput = world.directory.appendingPathComponent("discharge.pdf")
        try pdfBytes.write(to: pdfInput)
        guard case .stored(let pdfID, _) = try vault.ingest(caseID: CaseID(world.uploadCase), files: [.init(path: pdfInput.path)], options: .init()).first?.outcome
        else { throw XCTSkip("the PDF was not stored") }
        pdf = pdfID.rawValue
        try vault.writeCheckpoint()
    }

    func world() async throws -> ServerTestWorld { try await Self.shared.get() }

    override class func tearDown() {
        shared.stop()
        super.tearDown()
    }

    static func cookie(_ token: String) -> [String] { WebInterfaceTests.cookie(token) }
    static func formToken(_ html: String) -> String? { WebInterfaceTests.formToken(in: html) }

    /// A file of the test's own, for curl to send.
    func file(_ w: ServerTestWorld, _ name: String, _ text: String) throws -> String {
        let url = w.directory.appendingPathComponent("upload-input-\(UUID().uuidString)-\(name)")
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func upload(_ w: ServerTestWorld, token: String, formToken: String?, files: [(name: String, text: String, kind: String, date: String)]) async throws
        -> ServerTestWorld.Reply {
        var options = Self.cookie(token)
        if let formToken { options += ["--form-string", "form_token=\(formToken)"] }
        for (index, file) in files.enumerated() {
            options += ["-F", "file_\(index + 1)=@\(try self.file(w, file.name, file.text));filename=\(file.name)",
                        "--form-string", "kind_\(index + 1)=\(file.kind)", "--form-string", "date_\(index + 1)=\(file.date)"]
        }
        let posted = try await w.request("POST", "/cases/\(w.uploadCase)/upload?acknowledge=R-CON-9", curlOptions: options)
        // POST, redirect, GET: the result is a page of its own, so a reload sends no file again.
        guard posted.status == 303 else { return posted }
        let location = try XCTUnwrap(WebInterfaceTests.header("location", in: posted).first)
        XCTAssertTrue(location.hasPrefix("/uploads/"), location)
        return try await w.request("GET", location, curlOptions: Self.cookie(token))
    }

    func testReloadingTheUploadResultShowsItAgainAndStoresNothingTwice() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let page = try await w.request("GET", "/cases/\(w.uploadCase)/upload?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        var options = Self.cookie(token) + ["--form-string", "form_token=\(try XCTUnwrap(Self.formToken(page.text)))"]
        options += ["-F", "file_1=@\(try file(w, "reload.txt", "Reload me zq-reload-4410."));filename=reload.txt"]
        let posted = try await w.request("POST", "/cases/\(w.uploadCase)/upload?acknowledge=R-CON-9", curlOptions: options)
        XCTAssertEqual(posted.status, 303, posted.text)
        let location = try XCTUnwrap(WebInterfaceTests.header("location", in: posted).first)
        let count = try w.open(as: w.sam).documents(caseID: CaseID(w.uploadCase)).count
        for _ in 0..<2 {
            let shown = try await w.request("GET", location, curlOptions: Self.cookie(token))
            XCTAssertEqual(shown.status, 200, shown.text)
            XCTAssertTrue(shown.text.contains("1 stored.") && shown.text.contains("reload.txt"), shown.text)
        }
        XCTAssertEqual(try w.open(as: w.sam).documents(caseID: CaseID(w.uploadCase)).count, count, "a reload stored the file again")
        // Another session, even the same advocate's, does not see it; nor does a made-up id.
        let other = try await w.token(w.sam)
        for (path, cookie) in [(location, other), ("/uploads/0000", token)] {
            let hidden = try await w.request("GET", path, curlOptions: Self.cookie(cookie))
            XCTAssertEqual(hidden.status, 404, hidden.text)
            XCTAssertFalse(hidden.text.contains("reload.txt"))
            XCTAssertTrue(hidden.text.contains("listed on the case"), hidden.text)
        }
    }

    func testThreeFilesWithOneDuplicateStoreTwoListedByDateAndNothingInClearOnDisk() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let form = try await w.request("GET", "/cases/\(w.uploadCase)/upload?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        XCTAssertEqual(form.status, 200, form.text)
        XCTAssertTrue(form.text.contains("<label for=\"file_1\">") && form.text.contains("<label for=\"date_3\">"))
        let formToken = try XCTUnwrap(Self.formToken(form.text))
        let reply = "Thank you for your complaint of March; a marker for the disk scan: zq-reply-7731."
        let reply2 = try await upload(w, token: token, formToken: formToken, files: [
            ("pals-reply.txt", reply, "reply", "2025-03-01"),
            ("complaint.txt", "My complaint about ward 7, zq-complaint-2209.", "", "2024-11-05"),
            ("pals-reply (copy).txt", reply, "", ""),
        ])
        XCTAssertEqual(reply2.status, 200, reply2.text)
        XCTAssertTrue(reply2.text.contains("2 stored, 1 already in the case."), reply2.text)
        XCTAssertTrue(reply2.text.contains("pals-reply (copy).txt was not stored again: it has the same content as <a href=\"/documents/doc-"))
        XCTAssertTrue(reply2.text.contains(">pals-reply.txt</a>."), "the duplicate's original is named")
        // The case lists them by date: the complaint (2024-11-05) before the reply (2025-03-01).
        let casePage = try await w.request("GET", "/cases/\(w.uploadCase)?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        let complaint = try XCTUnwrap(casePage.text.range(of: ">complaint.txt</a>"), casePage.text)
        let answer = try XCTUnwrap(casePage.text.range(of: ">pals-reply.txt</a>"))
        XCTAssertLessThan(complaint.lowerBound, answer.lowerBound)
        XCTAssertTrue(casePage.text.contains("<td>2024-11-05</td>") && casePage.text.contains("<td>2025-03-01</td>"))
        XCTAssertFalse(casePage.text.contains("pals-reply (copy).txt"), "the duplicate was stored")
        XCTAssertTrue(casePage.text.contains("href=\"/cases/\(w.uploadCase)/upload?acknowledge=R-CON-9\">Add documents</a>"))
        // The uploads were held in memory: no file in the vault folder holds their text (blobs are encrypted).
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: w.root))
        while let path = enumerator.nextObject() as? String {
            guard let data = FileManager.default.contents(atPath: w.root + "/" + path) else { continue }
            XCTAssertNil(data.range(of: Data("zq-reply-7731".utf8)), "\(path) holds an upload in clear")
            XCTAssertNil(data.range(of: Data("zq-complaint-2209".utf8)), "\(path) holds an upload in clear")
        }
    }

    func testKindAndDateCanBeCorrectedAfterSaving() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let page = try await w.request("GET", "/cases/\(w.uploadCase)/upload?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        let formToken = try XCTUnwrap(Self.formToken(page.text))
        let stored = try await upload(w, token: token, formToken: formToken, files: [("notes.txt", "Meeting notes zq-notes-5120.", "", "")])
        XCTAssertTrue(stored.text.contains("1 stored."), stored.text)
        let action = try XCTUnwrap(stored.text.range(of: "action=\"/documents/"))
        let id = String(stored.text[action.upperBound...].prefix { $0 != "/" })
        let missing = try await w.request("POST", "/documents/\(id)/retag", curlOptions: Self.cookie(token) + ["--data", "kind=evidence"])
        XCTAssertEqual(missing.status, 403, "a correction without the form token")
        let retag = try await w.request("POST", "/documents/\(id)/retag", curlOptions: Self.cookie(token)
            + ["--data", "form_token=\(formToken)&acknowledge=R-CON-9&kind=meeting_notes&date=2024-06-30"])
        XCTAssertEqual(retag.status, 303, retag.text)
        XCTAssertEqual(WebInterfaceTests.header("location", in: retag), ["/cases/\(w.uploadCase)?acknowledge=R-CON-9"])
        let document = try w.open(as: w.sam).document(DocumentID(id))
        XCTAssertEqual(document.kind, "meeting_notes")
        XCTAssertEqual(document.documentDate, "2024-06-30")
        XCTAssertEqual(document.documentDateSource, "corrected by hand")
    }

    func testWithoutTheFormTokenNothingIsStoredOrChanged() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let before = try w.open(as: w.sam).documents(caseID: CaseID(w.uploadCase)).count
        let allowed = try w.open(as: w.sam).redactionTerms(caseID: CaseID(w.uploadCase)).caseTerms.allow
        let other = try await w.token(w.sam)
        let otherPage = try await w.request("GET", "/cases", curlOptions: Self.cookie(other))
        for formToken in [nil, "", try XCTUnwrap(Self.formToken(otherPage.text))] {
            let refused = try await upload(w, token: token, formToken: formToken, files: [("forged.txt", "zq-forged-0001", "", "")])
            XCTAssertEqual(refused.status, 403, "form token \(formToken ?? "none")")
            XCTAssertTrue(refused.text.contains("did not come from this site"), refused.text)
        }
        for path in ["/documents/\(Self.letter)/redaction/people", "/documents/\(Self.letter)/redaction/allow"] {
            let refused = try await w.request("POST", path, curlOptions: Self.cookie(token) + ["--data", "name=Rupert+Vance&term=Rupert+Vance&role=witness"])
            XCTAssertEqual(refused.status, 403, path)
        }
        XCTAssertEqual(try w.open(as: w.sam).documents(caseID: CaseID(w.uploadCase)).count, before)
        XCTAssertEqual(try w.open(as: w.sam).redactionTerms(caseID: CaseID(w.uploadCase)).caseTerms.allow, allowed)
    }

    func testThePreviewMarksWhatWouldBeRedactedAndRegistersOrAllowsAFoundName() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let path = "/documents/\(Self.letter)/redaction"
        let page = try await w.request("GET", path + "?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        XCTAssertEqual(page.status, 200, page.text)
        XCTAssertTrue(page.text.contains("<mark>"), "nothing is marked")
        XCTAssertFalse(page.text.contains("<script"), "the letter's markup became markup")
        XCTAssertTrue(page.text.contains("&lt;script&gt;window.__xss=1&lt;/script&gt;"))
        let names = Self.foundNames(page.text)
        XCTAssertGreaterThanOrEqual(names.count, 2, page.text)
        let formToken = try XCTUnwrap(Self.formToken(page.text))
        let register = try await w.request("POST", path + "/people", curlOptions: Self.cookie(token) + [
            "--data", "form_token=\(formToken)&acknowledge=R-CON-9&role=witness", "--data-urlencode", "name=\(names[0])"])
        XCTAssertEqual(register.status, 303, register.text)
        XCTAssertEqual(WebInterfaceTests.header("location", in: register), [path + "?done=registered&acknowledge=R-CON-9"])
        let vault = try w.open(as: w.sam)
        let people = try vault.casePeople(caseID: CaseID(w.uploadCase)).map { try vault.person(PersonID($0.personID)) }
        let registered = names[0].hasPrefix("Dr ") || names[0].hasPrefix("Mr ") ? String(names[0].dropFirst(3)) : names[0]
        XCTAssertTrue(people.contains { $0.name == registered }, "\(registered) was not registered: \(people.map(\.name))")
        let allow = try await w.request("POST", path + "/allow", curlOptions: Self.cookie(token) + [
            "--data", "form_token=\(formToken)&acknowledge=R-CON-9", "--data-urlencode", "term=\(names[1])"])
        XCTAssertEqual(allow.status, 303, allow.text)
        XCTAssertEqual(try vault.redactionTerms(caseID: CaseID(w.uploadCase)).caseTerms.allow, [names[1]])
        let after = try await w.request("GET", path + "?done=registered&acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        XCTAssertTrue(after.text.contains("registered as a person on the case"), "no notice")
        // A witness is redacted as a known person from now on (the default policy keeps only staff).
        let marked = "<mark>[^<]*" + NSRegularExpression.escapedPattern(for: registered.replacingOccurrences(of: "'", with: "&#39;"))
        XCTAssertNotNil(after.text.range(of: marked, options: .regularExpression), "the registered witness is no longer redacted: \(after.text)")
        let left = Self.foundNames(after.text)
        XCTAssertFalse(left.contains(names[0]) || left.contains(names[1]), "a registered or allowed name is still listed as unregistered: \(left)")
    }

    func testAnAdvocateOfAnotherOrganisationGets403AndNothingOfTheCase() async throws {
        let w = try await world()
        let alex = try await w.token(w.alex)
        let kind = try w.open(as: w.sam).document(DocumentID(Self.letter)).kind
        let page = try await w.request("GET", "/cases", curlOptions: Self.cookie(alex))
        let formToken = try XCTUnwrap(Self.formToken(page.text))
        var replies = [
            try await w.request("GET", "/cases/\(w.uploadCase)/upload?acknowledge=R-CON-9", curlOptions: Self.cookie(alex)),
            try await upload(w, token: alex, formToken: formToken, files: [("alex.txt", "zq-alex-0001", "", "")]),
            try await w.request("GET", "/documents/\(Self.letter)/redaction?acknowledge=R-CON-9", curlOptions: Self.cookie(alex)),
        ]
        for action in ["people", "allow"] {
            replies.append(try await w.request("POST", "/documents/\(Self.letter)/redaction/\(action)", curlOptions: Self.cookie(alex)
                + ["--data", "form_token=\(formToken)&acknowledge=R-CON-9&name=Rupert+Vance&term=Rupert+Vance&role=witness"]))
        }
        replies.append(try await w.request("POST", "/documents/\(Self.letter)/retag", curlOptions: Self.cookie(alex)
            + ["--data", "form_token=\(formToken)&kind=evidence"]))
        for (index, reply) in replies.enumerated() {
            XCTAssertEqual(reply.status, 403, "request \(index): \(reply.text)")
            for secret in ["Joan Hart", Self.letterName, "Rupert", "ward 7", "pals-reply"] {
                XCTAssertFalse(reply.text.contains(secret), "request \(index) shows \(secret)")
            }
        }
        XCTAssertEqual(try w.open(as: w.sam).document(DocumentID(Self.letter)).kind, kind, "the correction went through")
    }

    func testAPDFsPagesAreDrawnOnTheServerForThoseWhoMayReadIt() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let document = try await w.request("GET", "/documents/\(Self.pdf)?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        XCTAssertTrue(document.text.contains("href=\"/documents/\(Self.pdf)/pages?acknowledge=R-CON-9\">See the pages as pictures</a>"), document.text)
        let started = Date()
        let pages = try await w.request("GET", "/documents/\(Self.pdf)/pages?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        XCTAssertEqual(pages.status, 200, pages.text)
        XCTAssertTrue(pages.text.contains("<img src=\"/documents/\(Self.pdf)/pages/1?acknowledge=R-CON-9\" alt=\"Page 1 of 1: "), pages.text)
        let image = try await w.request("GET", "/documents/\(Self.pdf)/pages/1?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        FileHandle.standardError.write(Data("PDF pages page and one picture: \(Int(Date().timeIntervalSince(started) * 1000)) ms, \(image.body.count) bytes\n".utf8))
        XCTAssertEqual(image.status, 200, image.text)
        XCTAssertEqual(WebInterfaceTests.header("content-type", in: image), ["image/png"])
        XCTAssertEqual(Array(image.body.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
        XCTAssertEqual(WebInterfaceTests.header("cache-control", in: image), ["no-store"])
        let missing = try await w.request("GET", "/documents/\(Self.pdf)/pages/2?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        XCTAssertEqual(missing.status, 404)
        let notPDF = try await w.request("GET", "/documents/\(Self.letter)/pages/1?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        XCTAssertEqual(notPDF.status, 404)
        let alex = try await w.token(w.alex)
        let refused = try await w.request("GET", "/documents/\(Self.pdf)/pages/1?acknowledge=R-CON-9", curlOptions: Self.cookie(alex))
        XCTAssertEqual(refused.status, 403)
        XCTAssertNotEqual(Array(refused.body.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    /// The names in the preview's register forms, unescaped.
    static func foundNames(_ html: String) -> [String] {
        html.components(separatedBy: "<input type=\"hidden\" name=\"name\" value=\"").dropFirst().map {
            String($0.prefix { $0 != "\"" }).replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&quot;", with: "\"")
                .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        }
    }
}
