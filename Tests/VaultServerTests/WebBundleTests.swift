import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore

/// The web interface's bundle wizard, download page, public verify page and consent withdrawal over real HTTPS
/// (curl with the test's own CA), each test on its own case of a written consent with its signed form and a letter.
final class WebBundleTests: XCTestCase {
    static let shared = SharedServerWorld()

    func world() async throws -> ServerTestWorld { try await Self.shared.get() }

    override class func tearDown() {
        shared.stop()
        super.tearDown()
    }

    /// A case of Sam's with written consent (its signed form stored with it) for the organisation and one letter,
    /// made through the core as `case open` and `consent record --form` make them.
    static func makeBundleCase(_ w: ServerTestWorld, client: String) throws -> (caseID: String, letter: String, consent: String) {
        let vault = try w.open(as: w.sam)
        let person = try vault.addPerson(.init(name: client, dob: "1950-01-20"))
        let caseID = try vault.openCase(.init(clientID: person, organisationID: OrganisationID(w.org1), advocateIDs: [AccountID(w.sam)], nhsBody: "trust-X"))
        let stamp = UUID().uuidString.prefix(8)
        let form = w.directory.appendingPathComponent("consent-form-\(stamp).txt")
        try Data("Signed: \(client), consent to the advocacy service.\n".utf8).write(to: form)
        var consent = Vault.AuthorityInput(caseID: caseID, personID: person, kind: .writtenConsent, granteeID: w.org1,
                                           actions: [.viewDocuments, .ingestDocument, .exportBundle, .shareWithThirdParty], today: vault.today())
        consent.signedOn = vault.today().adding(days: -2)
        consent.form = Vault.IngestFile(path: form.path)
        let stored = try vault.recordAuthority(consent)
        let letter = w.directory.appendingPathComponent("ward-letter-\(stamp).txt")
        try Data("Dear \(client), the trust has reviewed the care on ward 4 and apologises for the delay.".utf8).write(to: letter)
        let results = try vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: letter.path)], options: .init(kind: .letter))
        guard case .stored(let document, _) = results.first?.outcome else { throw XCTSkip("the letter was not stored") }
        try vault.writeCheckpoint()
        return (caseID.rawValue, document.rawValue, stored.authority.id)
    }

    static func cookie(_ token: String) -> [String] { WebInterfaceTests.cookie(token) }

    /// `--data` of a form: names and values percent-encoded.
    static func form(_ fields: [(String, String)]) -> [String] {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return ["--data", body]
    }

    func sessionFormToken(_ w: ServerTestWorld, _ token: String) async throws -> String {
        let page = try await w.request("GET", "/cases", curlOptions: Self.cookie(token))
        return try XCTUnwrap(WebInterfaceTests.formToken(in: page.text))
    }

    func testABundleIsCheckedExportedDownloadedAndVerifiedOnThePublicPage() async throws {
        let w = try await world()
        let (caseID, letter, _) = try Self.makeBundleCase(w, client: "Edith Rowe")
        let token = try await w.token(w.sam)
        let formToken = try await sessionFormToken(w, token)

        // The wizard: the case's NHS body and the export's default documents are filled in.
        let wizard = try await w.request("GET", "/cases/\(caseID)/bundle", curlOptions: Self.cookie(token))
        XCTAssertEqual(wizard.status, 200, wizard.text)
        XCTAssertTrue(wizard.text.contains("id=\"recipient\" name=\"recipient\" value=\"trust-X\""), wizard.text)
        XCTAssertTrue(wizard.text.contains("name=\"document\" value=\"\(letter)\" checked"), "the letter is ticked by default")
        XCTAssertTrue(wizard.text.contains("kept out of bundles unless you tick it"), "the consent form is out by default, and says why")
        let fields: [(String, String)] = [("form_token", formToken), ("meeting", "Local resolution meeting, 3 December 2026"),
                                          ("recipient", "trust-X"), ("policy", "trust-meeting"), ("document", letter)]

        // The dry run: a table, nothing recorded.
        let logsBefore = try w.open(as: w.sam).bundleLogs(caseID: CaseID(caseID), as: BundleLogSummary.self).count
        let check = try await w.request("POST", "/cases/\(caseID)/bundle", curlOptions: Self.cookie(token) + Self.form(fields + [("step", "check")]))
        XCTAssertEqual(check.status, 200, check.text)
        XCTAssertTrue(check.text.contains("What the bundle would hold") && check.text.contains("A complaint letter: in by default."), check.text)
        XCTAssertTrue(check.text.contains("1 document would go in"), check.text)
        XCTAssertEqual(try w.open(as: w.sam).bundleLogs(caseID: CaseID(caseID), as: BundleLogSummary.self).count, logsBefore, "a dry run keeps nothing")

        // The export: recorded, then its download page.
        let export = try await w.request("POST", "/cases/\(caseID)/bundle", curlOptions: Self.cookie(token) + Self.form(fields + [("step", "export")]))
        XCTAssertEqual(export.status, 303, export.text)
        let location = try XCTUnwrap(WebInterfaceTests.header("location", in: export).first)
        XCTAssertTrue(location.hasPrefix("/bundles/bun-"), location)
        let bundleID = String(location.dropFirst("/bundles/".count))
        XCTAssertEqual(try w.open(as: w.sam).bundleLogs(caseID: CaseID(caseID), as: BundleLogSummary.self).last?.bundleID, bundleID)
        let ready = try await w.request("GET", location, curlOptions: Self.cookie(token))
        XCTAssertEqual(ready.status, 200, ready.text)
        XCTAssertTrue(ready.text.contains("action=\"/bundles/\(bundleID)/pdf\"") && ready.text.contains("action=\"/bundles/\(bundleID)/manifest\""))

        // Downloads: by POST with the form token only, audited, never cached; another session cannot see the bundle.
        let unchecked = try await w.request("POST", "/bundles/\(bundleID)/pdf", curlOptions: Self.cookie(token) + ["--data", "x=1"])
        XCTAssertEqual(unchecked.status, 403)
        let other = try await w.token(w.sam)
        let otherForm = try await sessionFormToken(w, other)
        let elsewhere = try await w.request("POST", "/bundles/\(bundleID)/pdf", curlOptions: Self.cookie(other) + ["--data", "form_token=\(otherForm)"])
        XCTAssertEqual(elsewhere.status, 404)
        let before = try w.open(as: w.lee).auditLog(caseID: CaseID(caseID), since: nil, actor: w.sam).filter { $0.action == "bundle.download" }.count
        let pdf = try await w.request("POST", "/bundles/\(bundleID)/pdf", curlOptions: Self.cookie(token) + ["--data", "form_token=\(formToken)"])
        XCTAssertEqual(pdf.status, 200)
        XCTAssertTrue(pdf.body.starts(with: Data("%PDF-".utf8)))
        XCTAssertEqual(WebInterfaceTests.header("cache-control", in: pdf), ["no-store"])
        XCTAssertEqual(WebInterfaceTests.header("content-disposition", in: pdf), ["attachment; filename=\"\(bundleID).pdf\""])
        let manifest = try await w.request("POST", "/bundles/\(bundleID)/manifest", curlOptions: Self.cookie(token) + ["--data", "form_token=\(formToken)"])
        XCTAssertEqual(manifest.status, 200)
        XCTAssertEqual(WebInterfaceTests.header("cache-control", in: manifest), ["no-store"])
        let downloads = try w.open(as: w.lee).auditLog(caseID: CaseID(caseID), since: nil, actor: w.sam).filter { $0.action == "bundle.download" }
        XCTAssertEqual(downloads.count, before + 2, "each download is audited")
        XCTAssertEqual(downloads.last?.details["bundle"], bundleID)

        // The public verify page, without a session: genuine; one byte of the PDF changed, not.
        let pdfFile = w.directory.appendingPathComponent("\(bundleID).pdf")
        let manifestFile = w.directory.appendingPathComponent("\(bundleID).pdf.manifest.json")
        try pdf.body.write(to: pdfFile)
        try manifest.body.write(to: manifestFile)
        let page = try await w.request("GET", "/verify")
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains("enctype=\"multipart/form-data\"") && page.text.contains("<label for=\"pdf\">"))
        let genuine = try await w.request("POST", "/verify", curlOptions: ["-F", "pdf=@\(pdfFile.path)", "-F", "manifest=@\(manifestFile.path)"])
        XCTAssertEqual(genuine.status, 200, genuine.text)
        XCTAssertTrue(genuine.text.contains("This is a genuine bundle") && genuine.text.contains(bundleID), genuine.text)
        var altered = pdf.body
        altered[altered.count / 2] ^= 0x01
        let alteredFile = w.directory.appendingPathComponent("altered-\(bundleID).pdf")
        try altered.write(to: alteredFile)
        let tampered = try await w.request("POST", "/verify", curlOptions: ["-F", "pdf=@\(alteredFile.path)", "-F", "manifest=@\(manifestFile.path)"])
        XCTAssertEqual(tampered.status, 422, tampered.text)
        XCTAssertTrue(tampered.text.contains("This is NOT a genuine bundle") && tampered.text.contains("the PDF has been changed"), tampered.text)
        XCTAssertFalse(tampered.text.contains("This is a genuine bundle"))

        // A server started afresh, which nobody has signed in to, checks it too: it takes the vault's public key from the
        // database's checkpoint at its own signed rollback mark, holding no secret (before, it answered 503 until a sign-in).
        let (port, task) = try await w.startInstance(w.plainConfig)
        let fresh = try await ServerTestWorld.run("/usr/bin/curl", ["-sS", "-w", "\n%{http_code}", "-F", "pdf=@\(pdfFile.path)",
                                                                    "-F", "manifest=@\(manifestFile.path)", "http://127.0.0.1:\(port)/verify"])
        // The page limits checks per client address: past the burst, 429 with words and Retry-After, files unread;
        // another address is still served.
        var limited = ""
        for _ in 0..<15 {
            let reply = try await ServerTestWorld.run("/usr/bin/curl", ["-sS", "--interface", "127.0.0.3", "-D", "-", "-F", "pdf=@\(pdfFile.path)",
                                                                        "http://127.0.0.1:\(port)/verify"])
            if reply.hasPrefix("HTTP/1.1 429") { limited = reply; break }
        }
        let secondAddress = try await ServerTestWorld.run("/usr/bin/curl", ["-sS", "-w", "\n%{http_code}", "--interface", "127.0.0.4", "-F", "pdf=@\(pdfFile.path)",
                                                                    "http://127.0.0.1:\(port)/verify"])
        task.cancel()
        _ = try? await task.value
        XCTAssertTrue(fresh.hasSuffix("\n200") && fresh.contains("This is a genuine bundle"), fresh)
        XCTAssertTrue(limited.lowercased().contains("retry-after:") && limited.contains("Too many bundles have been checked"), limited)
        XCTAssertTrue(secondAddress.hasSuffix("\n400"), "another address was refused too: \(secondAddress)")
    }

    func testVerifyRefusesTooLargeUploadsAndMissingFiles() async throws {
        let w = try await world()
        let small = w.directory.appendingPathComponent("small.pdf")
        try Data("%PDF-1.7\n".utf8).write(to: small)
        // Larger than a bundle PDF (the upload limit) and a manifest together may be.
        let big = w.directory.appendingPathComponent("too-large.pdf")
        try Data(repeating: 0x25, count: Int(ServerTestWorld.maxUploadBytes) + (17 << 20)).write(to: big)
        let tooLarge = try await w.request("POST", "/verify", curlOptions: ["-F", "pdf=@\(big.path)", "-F", "manifest=@\(small.path)"])
        XCTAssertEqual(tooLarge.status, 413, tooLarge.text)
        XCTAssertTrue(tooLarge.text.contains("too large"), tooLarge.text)
        let noManifest = try await w.request("POST", "/verify", curlOptions: ["-F", "pdf=@\(small.path)"])
        XCTAssertEqual(noManifest.status, 400, noManifest.text)
        XCTAssertTrue(noManifest.text.contains("Choose the bundle&#39;s manifest"), noManifest.text)
    }

    func testBundleAndWithdrawalFormsNeedTheSessionsFormToken() async throws {
        let w = try await world()
        let (caseID, letter, consent) = try Self.makeBundleCase(w, client: "Nora Blake")
        let token = try await w.token(w.sam)
        let logsBefore = try w.open(as: w.sam).bundleLogs(caseID: CaseID(caseID), as: BundleLogSummary.self).count
        for body in [[("form_token", "forged")], []] {
            let export = try await w.request("POST", "/cases/\(caseID)/bundle", curlOptions: Self.cookie(token) + Self.form(body + [
                ("meeting", "Meeting"), ("recipient", "trust-X"), ("document", letter), ("step", "export")]))
            XCTAssertEqual(export.status, 403, export.text)
            let withdraw = try await w.request("POST", "/consents/\(consent)/withdraw", curlOptions: Self.cookie(token) + Self.form(body + [
                ("received_by", "letter"), ("date", try w.open(as: w.sam).today().description), ("confirm", "yes")]))
            XCTAssertEqual(withdraw.status, 403, withdraw.text)
        }
        XCTAssertEqual(try w.open(as: w.sam).bundleLogs(caseID: CaseID(caseID), as: BundleLogSummary.self).count, logsBefore, "no bundle made")
        XCTAssertNil(try w.open(as: w.sam).authority(RecordID(consent)).authority.withdrawnOn, "not withdrawn")
    }

    func testWithdrawingConsentFromTheCasePageRefusesTheNextReadWithTheReason() async throws {
        let w = try await world()
        let (caseID, letter, consent) = try Self.makeBundleCase(w, client: "Ada Quinn")
        let token = try await w.token(w.sam)
        let formToken = try await sessionFormToken(w, token)
        let before = try await w.request("GET", "/documents/\(letter)", curlOptions: Self.cookie(token))
        XCTAssertEqual(before.status, 200, before.text)
        let casePage = try await w.request("GET", "/cases/\(caseID)", curlOptions: Self.cookie(token))
        XCTAssertTrue(casePage.text.contains("href=\"/consents/\(consent)/withdraw\""), casePage.text)
        XCTAssertTrue(casePage.text.contains("href=\"/cases/\(caseID)/bundle\""), "the case page offers a bundle")
        let form = try await w.request("GET", "/consents/\(consent)/withdraw", curlOptions: Self.cookie(token))
        XCTAssertEqual(form.status, 200, form.text)
        XCTAssertTrue(form.text.contains("How did the withdrawal reach you?"))
        let today = try w.open(as: w.sam).today().description
        // Unconfirmed: the form again, saying what is missing; nothing withdrawn.
        let unconfirmed = try await w.request("POST", "/consents/\(consent)/withdraw", curlOptions: Self.cookie(token) + Self.form([
            ("form_token", formToken), ("received_by", "letter"), ("date", today)]))
        XCTAssertEqual(unconfirmed.status, 400, unconfirmed.text)
        XCTAssertTrue(unconfirmed.text.contains("cannot be undone"), unconfirmed.text)
        XCTAssertNil(try w.open(as: w.sam).authority(RecordID(consent)).authority.withdrawnOn)
        let withdrawn = try await w.request("POST", "/consents/\(consent)/withdraw", curlOptions: Self.cookie(token) + Self.form([
            ("form_token", formToken), ("received_by", "letter"), ("date", today), ("confirm", "yes")]))
        XCTAssertEqual(withdrawn.status, 303, withdrawn.text)
        XCTAssertEqual(try w.open(as: w.sam).authority(RecordID(consent)).authority.withdrawnOn?.description, today)
        XCTAssertEqual(try w.open(as: w.sam).authority(RecordID(consent)).withdrawalReceivedBy, .letter)
        let done = try await w.request("GET", try XCTUnwrap(WebInterfaceTests.header("location", in: withdrawn).first), curlOptions: Self.cookie(token))
        XCTAssertTrue(done.text.contains("this consent was withdrawn on \(today)"), done.text)
        // The next read: refused by the consent rules, with their reasons (the CLI's words), and no text of the letter.
        let refused = try await w.request("GET", "/documents/\(letter)", curlOptions: Self.cookie(token))
        XCTAssertEqual(refused.status, 403, refused.text)
        XCTAssertTrue(refused.text.contains("The consent rules do not allow this"), refused.text)
        XCTAssertTrue(refused.text.contains("withdrawn"), refused.text)
        XCTAssertFalse(refused.text.contains("apologises for the delay"))
        // A second withdrawal is refused by the core; the withdrawal stands.
        let again = try await w.request("POST", "/consents/\(consent)/withdraw", curlOptions: Self.cookie(token) + Self.form([
            ("form_token", formToken), ("received_by", "phone"), ("date", today), ("confirm", "yes")]))
        XCTAssertNotEqual(again.status, 303)
        XCTAssertEqual(try w.open(as: w.sam).authority(RecordID(consent)).withdrawalReceivedBy, .letter)
    }
}
