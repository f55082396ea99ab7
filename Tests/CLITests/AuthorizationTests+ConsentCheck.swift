import Foundation
import XCTest

/// `consent check` asked by an advocate of a partner organisation who is neither assigned to the case nor named by
/// any of its records: the core's `explainConsent` cuts the decision to whom the case's consents cover, so the
/// rules' findings about the person (here, that they died) are not shown to them, while the case's own advocate sees
/// them. Before, the CLI printed the whole decision to anyone who asked.
extension AuthorizationTests {
    func testAnOutsidersConsentCheckDoesNotLearnWhatTheRulesFoundAboutThePerson() throws {
        let sandbox = try Sandbox()
        let w = try makeWorld(sandbox)
        XCTAssertEqual(try sandbox.run(["person", "update", w.client, "--died-on", VaultCommandsTests.yesterday], environment: ["CASEVAULT_ADVOCATE": w.advocate]).exitCode, 0)
        let check = ["consent", "check", "--case", w.caseID, "--action", "view_documents", "--json"]

        let own = try sandbox.run(check + ["--as", w.advocate])
        XCTAssertTrue(own.stdout.contains("R-DEC-4"), "the case's advocate sees the rule about the death: \(own.stdout)")
        XCTAssertTrue(own.stdout.contains("died"), own.stdout)

        let outsider = try sandbox.run(check + ["--as", w.outsider])
        XCTAssertEqual(outsider.exitCode, 3, "the outsider is refused: \(outsider.stdout) \(outsider.stderr)")
        XCTAssertFalse(outsider.stdout.contains("R-DEC-4"), "no finding about the person for an outsider: \(outsider.stdout)")
        XCTAssertFalse(outsider.stdout.contains("died") || outsider.stdout.contains("Margaret"), outsider.stdout)

        let text = try sandbox.run(Array(check.dropLast()) + ["--as", w.outsider])
        XCTAssertTrue(text.stdout.contains("Only whom the case's consents cover is shown"), text.stdout)
        XCTAssertFalse(text.stdout.contains("died"), text.stdout)
    }
}
