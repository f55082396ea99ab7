import Consent
import Foundation
import XCTest

/// R-CON-8, the other side: from a transfer's date the organisation the case left is refused (its consent still
/// names it), the receiver is not, and a transfer back restores the first organisation.
final class TransferredAwayTests: XCTestCase {
    func testTheOrganisationACaseLeftNoLongerActsOnIt() throws {
        let scenarios = try Scenario.load(Scenario.scenarioFile)
        let partner = try XCTUnwrap(scenarios.first { $0.id == "S-14" })  // org-A → org-B, consented, 2025-02-10; adv-3 is org-B
        var request = partner.input.request
        let facts = partner.input.facts
        XCTAssertEqual(ConsentEngine().evaluate(request, facts: facts).outcome, .allow)

        request.actor = "adv-1"  // org-A, which the consent names
        let refused = ConsentEngine().evaluate(request, facts: facts)
        XCTAssertEqual(refused.outcome, .deny)
        XCTAssertEqual(refused.ruleIDs, [.con8])
        XCTAssertTrue(refused.explanation.contains { $0.contains("no longer acts on it") }, "\(refused.explanation)")

        var before = request
        before.date = try XCTUnwrap(facts.case?.transfers.first?.date).adding(days: -1)
        XCTAssertNotEqual(ConsentEngine().evaluate(before, facts: facts).ruleIDs, [.con8], "not before the transfer date")

        var back = facts
        back.case?.transfers.append(CaseTransfer(fromOrg: "org-B", toOrg: "org-A", date: request.date, consented: true))
        XCTAssertNotEqual(ConsentEngine().evaluate(request, facts: back).outcome, .deny, "a transfer back restores org-A")
        var partnerAfter = request
        partnerAfter.actor = "adv-3"
        XCTAssertEqual(ConsentEngine().evaluate(partnerAfter, facts: back).outcome, .deny, "and org-B has left it")
    }
}
