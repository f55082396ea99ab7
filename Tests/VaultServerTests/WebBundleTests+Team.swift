import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore

/// Assigning and unassigning advocates from the case's "Who works on this case" page: the core's `assignAdvocate`
/// and `unassignAdvocate` (the access table, the case key shared or taken back, `case.assign`/`case.unassign`).
extension WebBundleTests {
    func testAnAdvocateIsAssignedAndTakenOffThroughTheTeamPage() async throws {
        let w = try await world()
        let (caseID, _, _) = try Self.makeBundleCase(w, client: "Ruth Dale")
        let token = try await w.token(w.sam)
        let formToken = try await sessionFormToken(w, token)
        let page = try await w.request("GET", "/cases/\(caseID)/team", curlOptions: Self.cookie(token))
        XCTAssertEqual(page.status, 200, page.text)
        XCTAssertTrue(page.text.contains("<option value=\"\(w.pat)\">Pat Jones (advocate)</option>"), page.text)
        XCTAssertFalse(page.text.contains("Alex Reid"), "only the case's organisation is offered")
        let forged = try await w.request("POST", "/cases/\(caseID)/team/assign", curlOptions: Self.cookie(token) + Self.form([("advocate", w.pat)]))
        XCTAssertEqual(forged.status, 403)
        XCTAssertFalse(try w.open(as: w.sam).caseDetail(CaseID(caseID)).advocates.contains(w.pat))

        let assigned = try await w.request("POST", "/cases/\(caseID)/team/assign", curlOptions: Self.cookie(token) + Self.form([
            ("form_token", formToken), ("advocate", w.pat)]))
        XCTAssertEqual(assigned.status, 303, assigned.text)
        XCTAssertTrue(try w.open(as: w.sam).caseDetail(CaseID(caseID)).advocates.contains(w.pat))
        let pat = try await w.token(w.pat)
        let patsView = try await w.request("GET", "/cases/\(caseID)", curlOptions: Self.cookie(pat))
        XCTAssertEqual(patsView.status, 200, "Pat, now on the case, sees it")
        XCTAssertTrue(patsView.text.contains("Ruth Dale"))

        let unassigned = try await w.request("POST", "/cases/\(caseID)/team/unassign", curlOptions: Self.cookie(token) + Self.form([
            ("form_token", formToken), ("advocate", w.pat)]))
        XCTAssertEqual(unassigned.status, 303, unassigned.text)
        XCTAssertFalse(try w.open(as: w.sam).caseDetail(CaseID(caseID)).advocates.contains(w.pat))
        let events = try w.open(as: w.lee).auditLog(caseID: CaseID(caseID), since: nil, actor: w.sam).map(\.action)
        XCTAssertTrue(events.contains("case.assign") && events.contains("case.unassign"), "\(events)")
        // Twice: the core's words, nothing changed.
        let again = try await w.request("POST", "/cases/\(caseID)/team/unassign", curlOptions: Self.cookie(token) + Self.form([
            ("form_token", formToken), ("advocate", w.pat)]))
        XCTAssertEqual(again.status, 400, again.text)
    }

    func testACaseIsTransferredToAPartnerOrganisationThroughItsPage() async throws {
        let w = try await world()
        let (caseID, _, _) = try Self.makeBundleCase(w, client: "Iris Vane")
        let token = try await w.token(w.sam)
        let formToken = try await sessionFormToken(w, token)
        let page = try await w.request("GET", "/cases/\(caseID)/transfer", curlOptions: Self.cookie(token))
        XCTAssertEqual(page.status, 200, page.text)
        XCTAssertTrue(page.text.contains("<option value=\"\(w.org2)\">Suffolk Advocacy</option>"), page.text)
        // Unconfirmed: the form again; the case stays.
        let unconfirmed = try await w.request("POST", "/cases/\(caseID)/transfer", curlOptions: Self.cookie(token) + Self.form([
            ("form_token", formToken), ("organisation", w.org2), ("agreement", "agreed")]))
        XCTAssertEqual(unconfirmed.status, 400, unconfirmed.text)
        XCTAssertEqual(try w.open(as: w.sam).caseDetail(CaseID(caseID)).organisation, w.org1)
        let moved = try await w.request("POST", "/cases/\(caseID)/transfer", curlOptions: Self.cookie(token) + Self.form([
            ("form_token", formToken), ("organisation", w.org2), ("agreement", "agreed"), ("confirm", "yes")]))
        XCTAssertEqual(moved.status, 303, moved.text)
        // Sam's organisation no longer holds it: its page names nothing of it.
        let after = try await w.request("GET", "/cases/\(caseID)", curlOptions: Self.cookie(token))
        XCTAssertTrue([403, 404].contains(after.status), "\(after.status)")
        XCTAssertFalse(after.text.contains("Iris Vane"))
    }
}
