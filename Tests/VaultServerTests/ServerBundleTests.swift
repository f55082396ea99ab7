import Foundation
import PostgresTestSupport
import XCTest
@testable import VaultServer
@testable import VaultCore

/// The bundle routes over real HTTPS, on ServerAPITests' vault and server: `casevault export` through the core's use
/// case (consent for the recipient, redaction, leak check, signed manifest, redaction log), and `bundle verify` both
/// through the route and through the CLI itself.
extension ServerAPITests {
    func header(_ name: String, in reply: ServerTestWorld.Reply) -> String? {
        reply.headers.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) }
    }

    /// Runs a program off Swift's cooperative threads; its exit status and standard output.
    static func runWithStatus(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let result = try await ChildProcess.runDetached(program, arguments)
        return (result.status, String(decoding: result.stdout + result.stderr, as: UTF8.self))
    }

    /// A case of Sam's with signed written consent, recorded over HTTP with its form (a bundle leaves the service
    /// only with a signed form, R-CON-9), and one letter. Made once for the class.
    func bundleCase(_ w: ServerTestWorld, token: String) async throws -> (caseID: String, letter: String) {
        if let made = Self.bundleCaseMade { return made }
        let (caseID, client) = try newCase(w, client: "Edith Rowe")
        let signed = try w.open(as: w.sam).today().adding(days: -2).description
        let recorded = try await w.request("POST", "/api/v1/cases/\(caseID)/consents", token: token, json: [
            "person": client, "kind": "written_consent", "grantee": w.org1, "signed_on": signed,
            "actions": ["view_documents", "ingest_document", "export_bundle", "share_with_third_party"],
            "form": ["name": "consent form.txt", "content": Data("Signed: Edith Rowe, consent to the advocacy service.\n".utf8).base64EncodedString()],
        ])
        XCTAssertEqual(recorded.status, 201, recorded.text)
        let form = try XCTUnwrap(recorded.json["form_document"] as? String, recorded.text)
        XCTAssertEqual(try w.open(as: w.sam).document(DocumentID(form)).kind, "consent_form", "the form is stored as the CLI stores it")
        let letter = w.directory.appendingPathComponent("rowe-letter.txt")
        try Data("Dear Mrs Rowe, the trust has reviewed the care on ward 4 and apologises for the delay.".utf8).write(to: letter)
        let stored = try w.open(as: w.sam).ingest(caseID: CaseID(caseID), files: [Vault.IngestFile(path: letter.path)], options: .init(kind: .letter))
        guard case .stored(let document, _) = stored.first?.outcome else { throw XCTSkip("the letter was not stored") }
        Self.bundleCaseMade = (caseID, document.rawValue)
        return (caseID, document.rawValue)
    }

    func testABundleExportedOverHTTPIsRecordedAndVerifiesThroughTheRouteAndTheCLI() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let (caseID, letter) = try await bundleCase(w, token: token)
        let before = try events(w, caseID: caseID, actor: w.sam).count
        let logsBefore = try w.open(as: w.sam).bundleLogs(caseID: CaseID(caseID), as: BundleLogSummary.self).count

        let reply = try await w.request("POST", "/api/v1/cases/\(caseID)/bundles", token: token, json: [
            "meeting": "Local resolution meeting, 3 December 2026", "recipient": "trust-X", "policy": "trust-meeting",
            "their_reference": "TRUST-2026-17",
        ])
        XCTAssertEqual(reply.status, 201, reply.text)
        XCTAssertEqual(header("Content-Type", in: reply), "application/pdf")
        XCTAssertTrue(reply.body.starts(with: Data("%PDF-".utf8)), "a PDF")
        let bundleID = try XCTUnwrap(header("X-Bundle-ID", in: reply), reply.headers)
        let manifestBase64 = try XCTUnwrap(header("X-Bundle-Manifest", in: reply), reply.headers)
        let manifest = try XCTUnwrap(Data(base64Encoded: manifestBase64))
        let manifestJSON = try XCTUnwrap(try JSONSerialization.jsonObject(with: manifest) as? [String: Any])
        XCTAssertEqual(manifestJSON["bundle_id"] as? String, bundleID)
        XCTAssertEqual(manifestJSON["case_id"] as? String, caseID)
        XCTAssertEqual(manifestJSON["creator"] as? String, w.sam, "signed as the session's account")

        // As `export` leaves it: the redaction log holds the bundle, and the audit log its reads and its export.
        let logs = try w.open(as: w.sam).bundleLogs(caseID: CaseID(caseID), as: BundleLogSummary.self)
        XCTAssertEqual(logs.count, logsBefore + 1)
        XCTAssertEqual(logs.last?.bundleID, bundleID)
        XCTAssertEqual(logs.last?.policy, "trust-meeting")
        let served = try events(w, caseID: caseID, actor: w.sam, after: before)
        XCTAssertTrue(served.contains { $0.action == "bundle.read" && $0.documentID == letter }, "\(served.map(\.action))")
        let export = try XCTUnwrap(served.last { $0.action == "bundle.export" }, "\(served.map(\.action))")
        XCTAssertEqual(export.details["bundle"], bundleID)
        XCTAssertEqual(export.details["recipient"], "trust-X")
        XCTAssertEqual(export.details["documents"], letter)

        // Through the verify route: genuine; one byte changed, not.
        let pdfFile = w.directory.appendingPathComponent("\(bundleID).pdf")
        try reply.body.write(to: pdfFile)
        try manifest.write(to: URL(fileURLWithPath: pdfFile.path + ".manifest.json"))
        let verified = try await w.request("POST", "/api/v1/verify", token: token,
                                           curlOptions: ["-H", "Content-Type: application/pdf", "-H", "X-Bundle-Manifest: \(manifestBase64)",
                                                         "--data-binary", "@" + pdfFile.path])
        XCTAssertEqual(verified.status, 200, verified.text)
        XCTAssertEqual(verified.json["verified"] as? Bool, true)
        XCTAssertEqual((verified.json["manifest"] as? [String: Any])?["bundle_id"] as? String, bundleID)
        var altered = reply.body
        altered[altered.count / 2] ^= 0x01
        let alteredFile = w.directory.appendingPathComponent("altered.pdf")
        try altered.write(to: alteredFile)
        let notGenuine = try await w.request("POST", "/api/v1/verify", token: token,
                                             curlOptions: ["-H", "X-Bundle-Manifest: \(manifestBase64)", "--data-binary", "@" + alteredFile.path])
        XCTAssertEqual(notGenuine.status, 422, notGenuine.text)
        XCTAssertEqual(notGenuine.json["error"] as? String, "not_genuine")
        XCTAssertTrue((notGenuine.json["message"] as? String ?? "").contains("changed"), notGenuine.text)
        let noManifest = try await w.request("POST", "/api/v1/verify", token: token, curlOptions: ["--data-binary", "@" + pdfFile.path])
        XCTAssertEqual(noManifest.status, 400, noManifest.text)

        // Through the CLI, with the vault's public key: the same bundle is genuine.
        let binary = Bundle.main.bundleURL.appendingPathComponent("casevault")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("no casevault binary beside the tests") }
        let key = Data(try w.open(as: w.sam).signingPublicKey.rawRepresentation).base64EncodedString()
        let cli = try await Self.runWithStatus(binary.path, ["bundle", "verify", pdfFile.path, "--public-key", key, "--json"])
        XCTAssertEqual(cli.status, 0, cli.output)
        XCTAssertTrue(cli.output.contains("\"verified\":true") || cli.output.contains("\"verified\" : true"), cli.output)
        XCTAssertTrue(cli.output.contains(bundleID), cli.output)
        try altered.write(to: pdfFile)
        let cliAltered = try await Self.runWithStatus(binary.path, ["bundle", "verify", pdfFile.path, "--public-key", key])
        XCTAssertEqual(cliAltered.status, 5, cliAltered.output)
    }

    func testBundleRoutesRefuseAPartnerAdvocateWithTheDecisionAndExplainBadRequests() async throws {
        let w = try await world()
        let sam = try await w.token(w.sam)
        let (caseID, letter) = try await bundleCase(w, token: sam)
        let alex = try await w.token(w.alex)
        let body: [String: Any] = ["meeting": "Local resolution meeting", "recipient": "trust-X", "documents": [letter]]
        let logsBefore = try w.open(as: w.sam).bundleLogs(caseID: CaseID(caseID), as: BundleLogSummary.self).count
        // As `export` as Alex: the core refuses before anything is read, on the case's records (the access table's
        // case.read row, which only the consent rules could open to another organisation's advocate).
        let refused = try await w.request("POST", "/api/v1/cases/\(caseID)/bundles", token: alex, json: body)
        XCTAssertEqual(refused.status, 403, refused.text)
        XCTAssertEqual(refused.json["error"] as? String, "refused")
        let decision = try XCTUnwrap(refused.json["decision"] as? [String: Any], refused.text)
        XCTAssertEqual(decision["outcome"] as? String, "deny")
        XCTAssertEqual(decision["operation"] as? String, "case.read", refused.text)
        XCTAssertFalse((decision["explanation"] as? [String] ?? []).isEmpty, refused.text)
        XCTAssertFalse(refused.text.contains("%PDF"))
        let audit = try await w.request("GET", "/api/v1/cases/\(caseID)/audit", token: alex)
        XCTAssertEqual(audit.status, 403, audit.text)
        // Sam on the world's case, which has only verbal consent: the consent rules refuse the export, with their ids.
        let verbal = try await w.request("POST", "/api/v1/cases/\(w.caseID)/bundles?acknowledge=R-CON-9", token: sam,
                                         json: ["meeting": "Local resolution meeting", "recipient": "trust-X", "documents": [w.letter]])
        XCTAssertEqual(verbal.status, 403, verbal.text)
        XCTAssertEqual((verbal.json["decision"] as? [String: Any])?["kind"] as? String, "consent")
        XCTAssertEqual((verbal.json["decision"] as? [String: Any])?["rule_ids"] as? [String], ["R-CON-9"], verbal.text)

        let path = "/api/v1/cases/\(caseID)/bundles"
        let notJSON = try await w.request("POST", path, token: sam, curlOptions: ["-H", "Content-Type: application/json", "--data-binary", "{\"meeting\": "])
        XCTAssertEqual(notJSON.status, 400, notJSON.text)
        XCTAssertEqual(notJSON.json["error"] as? String, "invalid_json")
        let noRecipient = try await w.request("POST", path, token: sam, json: ["meeting": "Local resolution meeting"])
        XCTAssertEqual(noRecipient.status, 400, noRecipient.text)
        XCTAssertTrue((noRecipient.json["message"] as? String ?? "").contains("'recipient' is missing"), noRecipient.text)
        let badPolicy = try await w.request("POST", path, token: sam, json: body.merging(["policy": "keep=everything-please"]) { $1 })
        XCTAssertEqual(badPolicy.status, 400, badPolicy.text)
        XCTAssertEqual(badPolicy.json["error"] as? String, "invalid_policy")
        let unknown = try await w.request("POST", path, token: sam, json: body.merging(["documents": ["doc-00000000"]]) { $1 })
        XCTAssertEqual(unknown.status, 422, unknown.text)
        XCTAssertEqual(unknown.json["error"] as? String, "document_not_in_case")
        XCTAssertEqual(try w.open(as: w.sam).bundleLogs(caseID: CaseID(caseID), as: BundleLogSummary.self).count, logsBefore, "no bundle recorded")

        // The case's audit log, ids only, for its organisation's manager (as `audit log --case`). The letter is read
        // here first: under `swift test --parallel` each test has a fresh world, with no earlier test's reads.
        let read = try await w.request("GET", "/api/v1/documents/\(w.letter)/content?acknowledge=R-CON-9", token: sam)
        XCTAssertEqual(read.status, 200, read.text)
        let lee = try await w.token(w.lee)
        let entries = try await w.request("GET", "/api/v1/cases/\(w.caseID)/audit", token: lee)
        XCTAssertEqual(entries.status, 200, entries.text)
        let rows = try XCTUnwrap(entries.json["entries"] as? [[String: Any]])
        XCTAssertFalse(rows.isEmpty)
        XCTAssertTrue(rows.allSatisfy { $0["case_id"] as? String == w.caseID }, "only this case's events")
        XCTAssertTrue(rows.contains { $0["action"] as? String == "document.read" }, "the reads are there")
        XCTAssertFalse(entries.text.contains("Margaret Ellis"), "ids only")
    }
}

/// The fields of a bundle's redaction log these tests read.
struct BundleLogSummary: Decodable {
    let bundleID: String
    let policy: String
    enum CodingKeys: String, CodingKey { case policy, bundleID = "bundle_id" }
}
