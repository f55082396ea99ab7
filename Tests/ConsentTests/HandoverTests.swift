import Consent
import Foundation
import XCTest

/// R-CON-7 with a recorded confirmation: the `handovers` fact on a consent naming one advocate lets the colleague it
/// names act without the warning from its date on; before that date, or for another colleague, the warning stands.
final class HandoverTests: XCTestCase {
    func testAConfirmedHandoverReachesThatColleagueFromItsDate() throws {
        let scenarios = try Scenario.load(Scenario.scenarioFile)
        let colleague = try XCTUnwrap(scenarios.first { $0.id == "S-11" })
        let request = colleague.input.request
        var facts = colleague.input.facts
        let index = try XCTUnwrap(facts.authorities.firstIndex { $0.party?.type == .advocate })
        XCTAssertEqual(ConsentEngine().evaluate(request, facts: facts).acknowledgementRequired, [.con7])

        facts.authorities[index].handovers = [Handover(to: request.actor, date: request.date)]
        let confirmed = ConsentEngine().evaluate(request, facts: facts)
        XCTAssertEqual(confirmed.outcome, .allow, "\(confirmed.explanation)")
        XCTAssertEqual(confirmed.acknowledgementRequired, [])
        XCTAssertTrue(confirmed.explanation.contains { $0.contains("confirmed on \(request.date)") }, "\(confirmed.explanation)")

        facts.authorities[index].handovers = [Handover(to: request.actor, date: request.date.adding(days: 1))]
        XCTAssertEqual(ConsentEngine().evaluate(request, facts: facts).acknowledgementRequired, [.con7], "not before its date")
        facts.authorities[index].handovers = [Handover(to: "adv-someone-else", date: request.date)]
        XCTAssertEqual(ConsentEngine().evaluate(request, facts: facts).acknowledgementRequired, [.con7], "only the colleague it names")

        // The fact is part of the wire format: it survives encoding and unknown keys inside it are refused.
        facts.authorities[index].handovers = [Handover(to: request.actor, date: request.date)]
        let data = try JSONEncoder().encode(facts)
        XCTAssertTrue(String(decoding: data, as: UTF8.self).contains("\"handovers\""))
        XCTAssertEqual(try JSONDecoder().decode(ConsentFacts.self, from: data), facts)
        let bad = Data(#"{"to":"adv-1","date":"2026-01-01","by":"x"}"#.utf8)
        XCTAssertThrowsError(try JSONDecoder().decode(Handover.self, from: bad))
    }
}
