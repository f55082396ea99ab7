import Consent
import Foundation
import XCTest

/// Properties from the issue, checked over the scenario file and random variations of it.
final class ConsentPropertyTests: XCTestCase {
    private let engine = ConsentEngine()

    private func variations(count: Int, seed: UInt64) throws -> [ConsentInput] {
        var random = SplitMix64(state: seed)
        let scenarios = try Scenario.load(Scenario.scenarioFile)
        var inputs: [ConsentInput] = scenarios.map(\.input)
        for _ in 0..<count {
            var input = scenarios.randomElement(using: &random)!.input
            input.request.action = ConsentAction.allCases.randomElement(using: &random)!
            input.request.actor = ["adv-1", "adv-2", "adv-3", "att-1", "adv-9"].randomElement(using: &random)!
            input.request.date = input.request.date.adding(days: Int.random(in: -400...400, using: &random))
            input.request.targetOrg = ["trust-X", "trust-Y", "phso", "mp-norwich-south", nil].randomElement(using: &random)!
            if Bool.random(using: &random) { input.facts.person.deceased.toggle() }
            if Bool.random(using: &random) { input.facts.person.gillickCompetent = [true, false, nil].randomElement(using: &random)! }
            if Bool.random(using: &random) {
                input.facts.person.dob = date("1970-01-01").adding(days: Int.random(in: 0...20_000, using: &random))
            }
            // Pool authorities from two scenarios so chains, duplicates of kinds and stray records meet.
            let other = scenarios.randomElement(using: &random)!.input.facts.authorities
            for var authority in other where !input.facts.authorities.contains(where: { $0.id == authority.id }) {
                if Bool.random(using: &random) { authority.withdrawnOn = input.request.date.adding(days: Int.random(in: -30...30, using: &random)) }
                input.facts.authorities.append(authority)
            }
            inputs.append(input)
        }
        return inputs
    }

    /// After a withdrawal date nothing is allowed on that authority (R-CON-2).
    func testNothingIsMatchedOnAnAuthorityAfterItsWithdrawal() throws {
        var random = SplitMix64(state: 7)
        var checked = 0
        for input in try variations(count: 400, seed: 1) {
            for index in input.facts.authorities.indices {
                var facts = input.facts
                facts.authorities[index].withdrawnOn = input.request.date.adding(days: -Int.random(in: 0...60, using: &random))
                let withdrawnID = facts.authorities[index].id
                let decision = engine.evaluate(input.request, facts: facts)
                let assessment = decision.authorities.first { $0.id == withdrawnID }
                XCTAssertNotEqual(assessment?.status, .matched, "\(withdrawnID) matched after withdrawal: \(decision.explanation)")
                // A consent withdrawn by the person is the only record here ⇒ the whole request is refused.
                if facts.authorities.count == 1 { XCTAssertEqual(decision.outcome, .deny) }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 500)
    }

    /// Removing an authority never turns a deny into an allow.
    func testRemovingAnAuthorityNeverTurnsDenyIntoAllow() throws {
        var denials = 0
        for input in try variations(count: 400, seed: 2) {
            guard engine.evaluate(input.request, facts: input.facts).outcome == .deny else { continue }
            denials += 1
            for index in input.facts.authorities.indices {
                var fewer = input.facts
                fewer.authorities.remove(at: index)
                let outcome = engine.evaluate(input.request, facts: fewer).outcome
                XCTAssertNotEqual(outcome, .allow, "removing \(input.facts.authorities[index].id) allowed \(input.request)")
            }
        }
        XCTAssertGreaterThan(denials, 50, "the generator should produce plenty of refusals to check")
    }

    /// Decisions don't depend on the order of the records.
    func testDecisionsDoNotDependOnRecordOrder() throws {
        var random = SplitMix64(state: 3)
        for input in try variations(count: 300, seed: 3) {
            let reference = engine.evaluate(input.request, facts: input.facts)
            var shuffled = input.facts
            shuffled.authorities.shuffle(using: &random)
            shuffled.person.capacityAssessments.shuffle(using: &random)
            shuffled.person.objectsTo.shuffle(using: &random)
            if var caseFacts = shuffled.case {
                caseFacts.transfers.shuffle(using: &random)
                caseFacts.subjectsOfComplaint.shuffle(using: &random)
                shuffled.case = caseFacts
            }
            XCTAssertEqual(engine.evaluate(input.request, facts: shuffled), reference)
        }
    }

    /// Deny by default: with no authorities at all nothing is ever allowed or warned.
    func testWithoutAuthoritiesEverythingIsDenied() throws {
        for var input in try variations(count: 200, seed: 4) {
            input.facts.authorities = []
            let decision = engine.evaluate(input.request, facts: input.facts)
            XCTAssertEqual(decision.outcome, .deny)
            XCTAssertTrue(decision.ruleIDs.contains(.con1) || decision.ruleIDs.contains(.chi2), "\(decision.ruleIDs)")
        }
    }
}
