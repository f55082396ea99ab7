import Consent
import Foundation
import XCTest

final class ConsentInputTests: XCTestCase {
    private func baseline() throws -> [String: Any] {
        let scenarios = try Scenario.load(Scenario.scenarioFile)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: scenarios[0].raw) as? [String: Any])
    }

    private func error(_ object: [String: Any]) throws -> ConsentInputError? {
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try ConsentInput.decode(data)
            return nil
        } catch {
            return error
        }
    }

    private func withAuthority(_ change: (inout [String: Any]) -> Void) throws -> [String: Any] {
        var object = try baseline()
        var facts = object["facts"] as! [String: Any]
        var authorities = facts["authorities"] as! [[String: Any]]
        change(&authorities[0])
        facts["authorities"] = authorities
        object["facts"] = facts
        return object
    }

    func testABadDateNamesItsField() throws {
        let failure = try error(withAuthority { $0["valid_from"] = "05/01/2025" })
        XCTAssertEqual(failure?.field, "facts.authorities[0].valid_from")
        XCTAssertTrue(failure?.problem.contains("YYYY-MM-DD") ?? false, "\(String(describing: failure))")
    }

    func testAMisspeltKeyIsRefusedNotIgnored() throws {
        let failure = try error(withAuthority { $0["withdrawn"] = "2025-02-01" })
        XCTAssertEqual(failure?.field, "facts.authorities[0].withdrawn")
        XCTAssertTrue(failure?.problem.contains("vocabulary") ?? false)
    }

    func testAnUnknownActionOrKindNamesTheField() throws {
        var object = try baseline()
        var request = object["request"] as! [String: Any]
        request["action"] = "post_on_facebook"
        object["request"] = request
        XCTAssertEqual(try error(object)?.field, "request.action")
        XCTAssertEqual(try error(withAuthority { $0["kind"] = "power_of_attorney" })?.field, "facts.authorities[0].kind")
    }

    func testMissingRequiredFieldsAreNamed() throws {
        var object = try baseline()
        var request = object["request"] as! [String: Any]
        request.removeValue(forKey: "date")
        object["request"] = request
        let failure = try error(object)
        XCTAssertEqual(failure?.field, "request.date")
        XCTAssertEqual(failure?.problem, "is required but missing")
    }

    func testRequestMustConcernThePersonInTheFacts() throws {
        var object = try baseline()
        var request = object["request"] as! [String: Any]
        request["on_behalf_of"] = "p2"
        object["request"] = request
        XCTAssertEqual(try error(object)?.field, "request.on_behalf_of")
    }

    func testDuplicateAuthorityIDsAreRefused() throws {
        var object = try baseline()
        var facts = object["facts"] as! [String: Any]
        let authorities = facts["authorities"] as! [[String: Any]]
        facts["authorities"] = authorities + authorities
        object["facts"] = facts
        XCTAssertEqual(try error(object)?.field, "facts.authorities[1].id")
    }

    func testNotJSONIsAClearError() {
        XCTAssertThrowsError(try ConsentInput.decode(Data("{\"facts\": ".utf8))) { error in
            XCTAssertEqual((error as? ConsentInputError)?.description, "the input is not valid JSON")
        }
    }

    func testAuthoritiesRoundTripThroughJSON() throws {
        let scenarios = try Scenario.load(Scenario.scenarioFile)
        for scenario in scenarios {
            for authority in scenario.input.facts.authorities {
                let encoded = try JSONEncoder().encode(authority)
                XCTAssertEqual(try JSONDecoder().decode(Authority.self, from: encoded), authority, scenario.id)
            }
            let facts = try JSONEncoder().encode(scenario.input.facts)
            XCTAssertEqual(try JSONDecoder().decode(ConsentFacts.self, from: facts), scenario.input.facts, scenario.id)
        }
    }
}
