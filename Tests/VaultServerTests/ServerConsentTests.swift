import Consent
import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore

/// The consent routes over real HTTPS, on ServerAPITests' vault and server: `consent record`, `consent withdraw` and
/// `consent list` through the same core calls, with the same audit events, and what a withdrawal does to a read.
extension ServerAPITests {
    /// A case of Sam's with no consent on it yet, and its client.
    func newCase(_ w: ServerTestWorld, client name: String) throws -> (caseID: String, client: String) {
        let sam = try w.open(as: w.sam)
        let client = try sam.addPerson(.init(name: name, dob: "1950-01-20"))
        let caseID = try sam.openCase(.init(clientID: client, organisationID: OrganisationID(w.org1), advocateIDs: [AccountID(w.sam)], nhsBody: "trust-X"))
        try sam.writeCheckpoint()
        return (caseID.rawValue, client.rawValue)
    }

    /// The audit events an account wrote on a case after the first `skip`.
    func events(_ w: ServerTestWorld, caseID: String, actor: String, after skip: Int = 0) throws -> [Vault.AuditLogEntry] {
        Array(try w.open(as: w.lee).auditLog(caseID: CaseID(caseID), since: nil, actor: actor).dropFirst(skip))
    }

    func testConsentIsRecordedListedAndWithdrawnAsTheCLIDoesAndAWithdrawalRefusesTheNextRead() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let (caseID, client) = try newCase(w, client: "Ruth Peters")
        let today = try w.open(as: w.sam).today().description
        let before = try events(w, caseID: caseID, actor: w.sam).count

        let recorded = try await w.request("POST", "/api/v1/cases/\(caseID)/consents", token: token, json: [
            "person": client, "kind": "verbal_consent", "grantee": w.org1, "actions": ["view_documents", "ingest_document", "export_bundle"],
            "recorded_by": w.sam, "recorded_on": today,
        ])
        XCTAssertEqual(recorded.status, 201, recorded.text)
        let id = try XCTUnwrap(recorded.json["id"] as? String)
        XCTAssertTrue(id.hasPrefix("auth-"), id)
        XCTAssertEqual(recorded.json["valid_from"] as? String, today)
        XCTAssertNotNil(recorded.json["warnings"] as? [String], "the rules' words on the new record, as `consent record` prints them")
        let recordEvents = try events(w, caseID: caseID, actor: w.sam, after: before)
        let recordEvent = try XCTUnwrap(recordEvents.first { $0.action == "consent.record" }, "\(recordEvents.map(\.action))")
        XCTAssertEqual(recordEvent.details["authority"], id)
        XCTAssertEqual(recordEvent.details["person"], client)

        // The CLI's call on the core writes the same event, with the same details.
        let sam = try w.open(as: w.sam)
        var input = Vault.AuthorityInput(caseID: CaseID(caseID), personID: PersonID(client), kind: .verbalConsent, granteeID: w.org1, actions: [.viewDocuments],
                                         today: sam.today())
        input.recordedBy = w.sam
        input.recordedOn = sam.today()
        let local = try sam.recordAuthority(input)
        let localEvent = try XCTUnwrap(try events(w, caseID: caseID, actor: w.sam).last { $0.action == "consent.record" })
        XCTAssertEqual(localEvent.details, ["authority": local.authority.id, "person": client])
        XCTAssertEqual(Set(recordEvent.details.keys), Set(localEvent.details.keys))

        let listed = try await w.request("GET", "/api/v1/cases/\(caseID)/consents", token: token)
        XCTAssertEqual(listed.status, 200, listed.text)
        XCTAssertEqual(listed.json["case_id"] as? String, caseID)
        let consents = try XCTUnwrap(listed.json["consents"] as? [[String: Any]])
        XCTAssertEqual(Set(consents.compactMap { ($0["authority"] as? [String: Any])?["id"] as? String }), [id, local.authority.id])
        XCTAssertEqual(consents.first { $0["authority"].flatMap { ($0 as? [String: Any])?["id"] as? String } == id }?["recorded_by"] as? String, w.sam)

        // A letter under that consent reads; after the withdrawal (of both), the read is refused with the reason.
        let letter = w.directory.appendingPathComponent("peters-letter.txt")
        try Data("Dear Mrs Peters, about the discharge on 3 March.".utf8).write(to: letter)
        let stored = try w.open(as: w.sam).ingest(caseID: CaseID(caseID), files: [Vault.IngestFile(path: letter.path)], options: .init())
        guard case .stored(let document, _) = stored.first?.outcome else { return XCTFail("the letter was not stored") }
        let read = try await w.request("GET", "/api/v1/documents/\(document)/content?acknowledge=R-CON-9", token: token)
        XCTAssertEqual(read.status, 200, read.text)

        let withdrawnBefore = try events(w, caseID: caseID, actor: w.sam).count
        let withdrawn = try await w.request("POST", "/api/v1/consents/\(id)/withdraw", token: token, json: ["received_by": "letter"])
        XCTAssertEqual(withdrawn.status, 200, withdrawn.text)
        XCTAssertEqual(withdrawn.json["withdrawn_on"] as? String, today)
        let withdrawEvent = try XCTUnwrap(try events(w, caseID: caseID, actor: w.sam, after: withdrawnBefore).first { $0.action == "consent.withdraw" })
        XCTAssertEqual(withdrawEvent.details, ["authority": id, "withdrawn_on": today], "as `consent withdraw` records it")
        XCTAssertEqual(try w.open(as: w.sam).authority(RecordID(id)).withdrawalReceivedBy, .letter)
        let other = try await w.request("POST", "/api/v1/consents/\(local.authority.id)/withdraw", token: token,
                                        json: ["received_by": "in-person", "date": today])
        XCTAssertEqual(other.status, 200, other.text)

        let refused = try await w.request("GET", "/api/v1/documents/\(document)/content?acknowledge=R-CON-9", token: token)
        XCTAssertEqual(refused.status, 403, refused.text)
        XCTAssertEqual(refused.json["error"] as? String, "refused")
        XCTAssertFalse(refused.text.contains("discharge on 3 March"))
        let decision = try XCTUnwrap(refused.json["decision"] as? [String: Any], refused.text)
        XCTAssertEqual(decision["kind"] as? String, "consent")
        XCTAssertFalse((decision["rule_ids"] as? [String] ?? []).isEmpty, refused.text)
        let reasons = ((decision["explanation"] as? [String] ?? []) + [refused.json["message"] as? String ?? ""]).joined(separator: " ")
        XCTAssertTrue(reasons.lowercased().contains("withdr"), "the reason names the withdrawal: \(reasons)")

        let again = try await w.request("POST", "/api/v1/consents/\(id)/withdraw", token: token, json: ["received_by": "letter"])
        XCTAssertEqual(again.status, 400, again.text)
        XCTAssertTrue((again.json["message"] as? String ?? "").contains("already withdrawn"), again.text)
    }

    func testConsentRoutesRefuseAPartnerAdvocateWithTheDecisionAndExplainBadJSON() async throws {
        let w = try await world()
        let alex = try await w.token(w.alex)
        let existing = try XCTUnwrap(try w.open(as: w.sam).authorities(caseID: CaseID(w.caseID)).first?.authority.id)
        let client = try w.open(as: w.sam).caseDetail(CaseID(w.caseID)).client.rawValue
        let before = try w.open(as: w.sam).authorities(caseID: CaseID(w.caseID)).count
        let attempts: [(String, String, Any)] = [
            ("POST", "/api/v1/cases/\(w.caseID)/consents", ["person": client, "kind": "verbal_consent", "grantee": w.org2, "actions": ["view_documents"],
                                                            "recorded_by": w.alex, "recorded_on": "2026-01-05"]),
            ("GET", "/api/v1/cases/\(w.caseID)/consents", NSNull()),
            ("POST", "/api/v1/consents/\(existing)/withdraw", ["received_by": "phone"]),
        ]
        for (method, path, json) in attempts {
            let reply = try await w.request(method, path, token: alex, json: json is NSNull ? nil : json)
            XCTAssertEqual(reply.status, 403, "\(method) \(path): \(reply.text)")
            XCTAssertEqual(reply.json["error"] as? String, "refused", reply.text)
            let decision = try XCTUnwrap(reply.json["decision"] as? [String: Any], reply.text)
            XCTAssertEqual(decision["outcome"] as? String, "deny")
            XCTAssertFalse((decision["explanation"] as? [String] ?? []).isEmpty, reply.text)
            XCTAssertFalse((decision["would_allow"] as? [String] ?? []).isEmpty, reply.text)
            // A role refusal names the access table's row; a consent refusal its rules.
            XCTAssertTrue(decision["operation"] as? String != nil || !(decision["rule_ids"] as? [String] ?? []).isEmpty, reply.text)
        }
        XCTAssertEqual(try w.open(as: w.sam).authorities(caseID: CaseID(w.caseID)).count, before, "nothing recorded")
        XCTAssertNil(try w.open(as: w.sam).authority(RecordID(existing)).authority.withdrawnOn, "nothing withdrawn")

        let sam = try await w.token(w.sam)
        let path = "/api/v1/cases/\(w.caseID)/consents"
        let notJSON = try await w.request("POST", path, token: sam, curlOptions: ["-H", "Content-Type: application/json", "--data-binary", "not json"])
        XCTAssertEqual(notJSON.status, 400, notJSON.text)
        XCTAssertEqual(notJSON.json["error"] as? String, "invalid_json")
        XCTAssertTrue((notJSON.json["message"] as? String ?? "").contains("send JSON like"), notJSON.text)
        let cases: [([String: Any], [String])] = [
            (["kind": "verbal_consent", "grantee": w.org1], ["'person' is missing"]),
            (["person": client, "kind": "spoken", "grantee": w.org1], ["'kind'", "'spoken'", "written_consent"]),
            (["person": client, "kind": "verbal_consent", "grantee": w.org1, "recorded_on": "5/1/2026"], ["'recorded_on'", "YYYY-MM-DD"]),
            (["person": client, "kind": "verbal_consent", "grantee": w.org1, "actions": ["view_everything"]], ["'actions'", "view_documents"]),
            (["person": client, "kind": "verbal_consent", "grantee": w.org1, "actions": "view_documents"], ["'actions'", "wrong type"]),
        ]
        for (body, words) in cases {
            let reply = try await w.request("POST", path, token: sam, json: body)
            XCTAssertEqual(reply.status, 400, "\(body): \(reply.text)")
            XCTAssertEqual(reply.json["error"] as? String, "invalid_json", reply.text)
            for word in words { XCTAssertTrue((reply.json["message"] as? String ?? "").contains(word), "\(word) in \(reply.text)") }
        }
        // Decoded, but the core refuses it: a verbal consent must say who took it and when (R-CON-9).
        let unrecorded = try await w.request("POST", path, token: sam, json: ["person": client, "kind": "verbal_consent", "grantee": w.org1,
                                                                               "actions": ["view_documents"]])
        XCTAssertEqual(unrecorded.status, 400, unrecorded.text)
        XCTAssertEqual(unrecorded.json["error"] as? String, "invalid_input")
        XCTAssertTrue((unrecorded.json["message"] as? String ?? "").contains("R-CON-9"), unrecorded.text)
        // A consent taken tomorrow is a typing mistake, refused by the core whatever the front end.
        let tomorrow = try w.open(as: w.sam).today().adding(days: 1).description
        let future = try await w.request("POST", path, token: sam, json: ["person": client, "kind": "verbal_consent", "grantee": w.org1,
                                                                           "actions": ["view_documents"], "recorded_by": w.sam, "recorded_on": tomorrow])
        XCTAssertEqual(future.status, 400, future.text)
        XCTAssertTrue((future.json["message"] as? String ?? "").contains("in the future"), future.text)
        let badChannel = try await w.request("POST", "/api/v1/consents/\(existing)/withdraw", token: sam, json: ["received_by": "pigeon"])
        XCTAssertEqual(badChannel.status, 400, badChannel.text)
        XCTAssertTrue((badChannel.json["message"] as? String ?? "").contains("in-person"), badChannel.text)
        XCTAssertEqual(try w.open(as: w.sam).authorities(caseID: CaseID(w.caseID)).count, before, "nothing recorded by any of them")
        XCTAssertNil(try w.open(as: w.sam).authority(RecordID(existing)).authority.withdrawnOn)
    }

    /// A record that looks wrong (an unregistered LPA) is not stored until the client confirms, as the CLI asks first.
    func testAConsentThatLooksWrongNeedsConfirmation() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let (caseID, client) = try newCase(w, client: "Owen Blake")
        let attorney = try w.open(as: w.sam).addPerson(.init(name: "Nia Blake", dob: "1980-06-01")).rawValue
        let body: [String: Any] = ["person": client, "kind": "lpa_health_welfare", "grantee": attorney, "matters": ["health", "complaints"]]
        let unconfirmed = try await w.request("POST", "/api/v1/cases/\(caseID)/consents", token: token, json: body)
        XCTAssertEqual(unconfirmed.status, 409, unconfirmed.text)
        XCTAssertEqual(unconfirmed.json["error"] as? String, "confirmation_needed")
        XCTAssertTrue((unconfirmed.json["message"] as? String ?? "").contains("Office of the Public Guardian"), unconfirmed.text)
        XCTAssertFalse((unconfirmed.json["message"] as? String ?? "").contains("--"), "no CLI option named: \(unconfirmed.text)")
        XCTAssertEqual(try w.open(as: w.sam).authorities(caseID: CaseID(caseID)).count, 0)
        let confirmed = try await w.request("POST", "/api/v1/cases/\(caseID)/consents", token: token, json: body.merging(["confirm": true]) { $1 })
        XCTAssertEqual(confirmed.status, 201, confirmed.text)
        XCTAssertEqual(try w.open(as: w.sam).authorities(caseID: CaseID(caseID)).count, 1)
    }
}
