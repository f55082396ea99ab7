import Consent
import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore

/// `consent show`, `consent show --history`, `consent void` and `consent check` over real HTTPS, on ServerAPITests'
/// vault and server: the same core calls as the CLI's commands, the same audit events, names next to ids.
extension ServerAPITests {
    /// A verbal consent for the case's client, recorded on the core as Sam (as `consent record` does).
    func recordVerbalConsent(_ w: ServerTestWorld, caseID: String, client: String, grantee: String, actions: [ConsentAction]) throws -> String {
        let sam = try w.open(as: w.sam)
        var input = Vault.AuthorityInput(caseID: CaseID(caseID), personID: PersonID(client), kind: .verbalConsent, granteeID: grantee, actions: actions, today: sam.today())
        input.recordedBy = w.sam
        input.recordedOn = sam.today()
        let id = try sam.recordAuthority(input).authority.id
        try sam.writeCheckpoint()
        return id
    }

    func testConsentIsShownWithNamesVoidedWithAReasonAndItsHistoryListedAsTheCLIDoes() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let (caseID, client) = try newCase(w, client: "Ada Lowe")
        let mistaken = try recordVerbalConsent(w, caseID: caseID, client: client, grantee: w.org1, actions: [.viewDocuments])
        let kept = try recordVerbalConsent(w, caseID: caseID, client: client, grantee: w.org1, actions: [.viewDocuments, .ingestDocument])

        let shown = try await w.request("GET", "/api/v1/consents/\(mistaken)", token: token)
        XCTAssertEqual(shown.status, 200, shown.text)
        let consent = try XCTUnwrap(shown.json["consent"] as? [String: Any], shown.text)
        XCTAssertEqual((consent["authority"] as? [String: Any])?["id"] as? String, mistaken)
        XCTAssertEqual(consent["case_id"] as? String, caseID)
        XCTAssertEqual(consent["recorded_by"] as? String, w.sam)
        XCTAssertEqual(shown.json["status"] as? String, "active")
        let names = try XCTUnwrap(shown.json["names"] as? [String: String], shown.text)
        XCTAssertEqual(names[client], "Ada Lowe", "the person by name, as `consent show` labels them")
        XCTAssertEqual(names[w.org1], "Norfolk NHS Complaints Advocacy")
        XCTAssertEqual(names[w.sam], "Sam Carter")
        // The rules' warnings about the record itself, as `consent show` prints them: a verbal consent (R-CON-9).
        let expected = try w.open(as: w.sam).ruleWarnings(aboutAuthority: RecordID(mistaken), caseID: CaseID(caseID), actions: ["view_documents"])
        XCTAssertEqual(shown.json["warnings"] as? [String], expected)
        XCTAssertTrue(expected.contains { $0.hasPrefix("R-CON-9") }, "\(expected)")

        // Void: a reason is required (missing → 400 naming it; blank → the core's words), then audited as consent.void.
        let noReason = try await w.request("POST", "/api/v1/consents/\(mistaken)/void", token: token, json: [String: String]())
        XCTAssertEqual(noReason.status, 400, noReason.text)
        XCTAssertTrue((noReason.json["message"] as? String ?? "").contains("'reason' is missing"), noReason.text)
        let blank = try await w.request("POST", "/api/v1/consents/\(mistaken)/void", token: token, json: ["reason": "  "])
        XCTAssertEqual(blank.status, 400, blank.text)
        XCTAssertEqual(blank.json["error"] as? String, "invalid_input")
        let before = try events(w, caseID: caseID, actor: w.sam).count
        let voided = try await w.request("POST", "/api/v1/consents/\(mistaken)/void", token: token, json: ["reason": "recorded on the wrong case"])
        XCTAssertEqual(voided.status, 200, voided.text)
        XCTAssertEqual(voided.json["voided_by"] as? String, w.sam)
        XCTAssertFalse((voided.json["voided_at"] as? String ?? "").isEmpty, voided.text)
        let voidEvents = try events(w, caseID: caseID, actor: w.sam, after: before)
        XCTAssertEqual(voidEvents.map(\.action), ["consent.void"])
        XCTAssertEqual(voidEvents.first?.details, ["authority": mistaken], "as `consent void` records it: the reason stays sealed")
        XCTAssertEqual(try w.open(as: w.sam).authority(RecordID(mistaken)).voided?.reason, "recorded on the wrong case")
        let again = try await w.request("POST", "/api/v1/consents/\(mistaken)/void", token: token, json: ["reason": "twice"])
        XCTAssertEqual(again.status, 400, again.text)
        XCTAssertTrue((again.json["message"] as? String ?? "").contains("already voided"), again.text)
        let afterVoid = try await w.request("GET", "/api/v1/consents/\(mistaken)", token: token)
        XCTAssertEqual(afterVoid.json["status"] as? String, "voided")

        // History, oldest first: recorded then voided (with who and why); a withdrawal with how it was received.
        let history = try await w.request("GET", "/api/v1/consents/\(mistaken)/history", token: token)
        XCTAssertEqual(history.status, 200, history.text)
        let steps = try XCTUnwrap(history.json["events"] as? [[String: Any]], history.text)
        XCTAssertEqual(steps.map { $0["event"] as? String }, ["recorded", "voided"])
        XCTAssertEqual(steps.last?["reason"] as? String, "recorded on the wrong case")
        XCTAssertEqual(steps.last?["by"] as? String, w.sam)
        XCTAssertEqual((history.json["names"] as? [String: String])?[w.sam], "Sam Carter")
        let withdrawn = try await w.request("POST", "/api/v1/consents/\(kept)/withdraw", token: token, json: ["received_by": "letter"])
        XCTAssertEqual(withdrawn.status, 200, withdrawn.text)
        let keptHistory = try await w.request("GET", "/api/v1/consents/\(kept)/history", token: token)
        let keptSteps = try XCTUnwrap(keptHistory.json["events"] as? [[String: Any]], keptHistory.text)
        XCTAssertEqual(keptSteps.map { $0["event"] as? String }, ["recorded", "withdrawn"])
        XCTAssertEqual(keptSteps.last?["received_by"] as? String, "letter")
        XCTAssertEqual(keptSteps.last?["date"] as? String, try w.open(as: w.sam).today().description)

        // Another organisation's advocate: show refused as case.read (with the consent rules' decision), void as case.change.
        let alex = try await w.token(w.alex)
        let refusedShow = try await w.request("GET", "/api/v1/consents/\(kept)", token: alex)
        XCTAssertEqual(refusedShow.status, 403, refusedShow.text)
        XCTAssertEqual((refusedShow.json["decision"] as? [String: Any])?["operation"] as? String, "case.read")
        XCTAssertFalse(refusedShow.text.contains("Ada Lowe"), "no name of a person Alex may not see: \(refusedShow.text)")
        let refusedVoid = try await w.request("POST", "/api/v1/consents/\(kept)/void", token: alex, json: ["reason": "not mine"])
        XCTAssertEqual(refusedVoid.status, 403, refusedVoid.text)
        XCTAssertEqual((refusedVoid.json["decision"] as? [String: Any])?["operation"] as? String, "case.change")
        XCTAssertNil(try w.open(as: w.sam).authority(RecordID(kept)).voided, "nothing voided")
        let unknown = try await w.request("GET", "/api/v1/consents/auth-00000000", token: token)
        XCTAssertEqual(unknown.status, 404, unknown.text)
    }

    func testConsentCheckExplainsTheDecisionAuditsItAndTellsAnOutsiderOnlyWhomTheConsentsCover() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let path = "/api/v1/cases/\(w.caseID)/consent-check"
        let before = try events(w, caseID: w.caseID, actor: w.sam).count
        let checked = try await w.request("GET", path + "?action=view_documents", token: token)
        XCTAssertEqual(checked.status, 200, checked.text)
        XCTAssertEqual(checked.json["case_id"] as? String, w.caseID)
        XCTAssertEqual(checked.json["complete"] as? Bool, true)
        let decision = try XCTUnwrap(checked.json["decision"] as? [String: Any], checked.text)
        // As `consent check --json` prints the core's decision for the case.
        let local = try w.open(as: w.sam).checkConsent(caseID: w.caseID, action: .viewDocuments, on: try w.open(as: w.sam).today()).caseDecision
        XCTAssertEqual(decision["decision"] as? String, local.outcome.rawValue)
        XCTAssertEqual(decision["rule_ids"] as? [String], local.ruleIDs.map(\.rawValue))
        XCTAssertEqual(decision["rule_ids"] as? [String], ["R-CON-9"], "only verbal consent is on file")
        XCTAssertEqual(decision["explanation"] as? [String], local.explanation)
        let audited = try events(w, caseID: w.caseID, actor: w.sam, after: before)
        XCTAssertEqual(audited.map(\.action), ["consent.decision"], "a warning is audited, as `consent check` audits it")
        XCTAssertEqual(audited.first?.ruleIDs, ["R-CON-9"])

        let noAction = try await w.request("GET", path, token: token)
        XCTAssertEqual(noAction.status, 400, noAction.text)
        let badAction = try await w.request("GET", path + "?action=read_everything", token: token)
        XCTAssertEqual(badAction.status, 400, badAction.text)
        XCTAssertTrue((badAction.json["message"] as? String ?? "").contains("view_documents"), badAction.text)

        // Alex (another organisation, named by nothing on the case): refused by R-CON-8, with what would help; the
        // warning about the client's verbal consent (a fact of the case) is withheld, and no person is named.
        let alex = try await w.token(w.alex)
        let outsider = try await w.request("GET", path + "?action=view_documents", token: alex)
        XCTAssertEqual(outsider.status, 200, outsider.text)
        XCTAssertEqual(outsider.json["complete"] as? Bool, false)
        let outsiderDecision = try XCTUnwrap(outsider.json["decision"] as? [String: Any], outsider.text)
        XCTAssertEqual(outsiderDecision["decision"] as? String, "deny")
        XCTAssertEqual(outsiderDecision["rule_ids"] as? [String], ["R-CON-8"], outsider.text)
        let findings = outsiderDecision["findings"] as? [[String: Any]] ?? []
        XCTAssertFalse(findings.isEmpty, outsider.text)
        XCTAssertTrue(findings.allSatisfy { ["R-CON-1", "R-CON-4", "R-CON-8"].contains($0["rule_id"] as? String ?? "") }, outsider.text)
        XCTAssertFalse(outsider.text.contains("R-CON-9"), "the case's own warning is not an outsider's business: \(outsider.text)")
        XCTAssertFalse(outsider.text.contains("Margaret Ellis"), outsider.text)
        XCTAssertTrue(outsider.text.contains("Suffolk Advocacy"), "organisations are named: \(outsider.text)")

        // A manager of the case's organisation may ask too (consent.explain: advocates and managers).
        let lee = try await w.token(w.lee)
        let manager = try await w.request("GET", path + "?action=view_documents", token: lee)
        XCTAssertEqual(manager.status, 200, "a manager of the case's organisation may ask: \(manager.text)")
    }
}
