import Foundation
import XCTest

/// Issue 19: redaction terms and allowed terms added by mistake can be removed, by those who may add them.
final class RedactRemoveTests: XCTestCase {
    func testTermsAndAllowedTermsAreRemovedByThoseWhoMayAddThem() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let org = try XCTUnwrap(sandbox.environment["TEST_ORGANISATION"])
        func listed() throws -> [String: Any] { try sandbox.json(try sandbox.run(["redact", "list", "--case", caseID, "--json"])) }
        XCTAssertEqual(try sandbox.run(["redact", "terms", "add", "--case", caseID, "Ward 7B", "Bay 3"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["redact", "allow", "add", "--case", caseID, "Joanne Quenby"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["redact", "terms", "remove", "--case", caseID, "Bay 3"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["redact", "allow", "remove", "--case", caseID, "Joanne Quenby"]).exitCode, 0)
        let after = try listed()
        XCTAssertEqual(after["terms"] as? [String], ["Ward 7B"], "\(after)")
        XCTAssertEqual(after["allow"] as? [String], [], "\(after)")

        let unknown = try sandbox.run(["redact", "terms", "remove", "--case", caseID, "Bay 9"])
        XCTAssertEqual(unknown.exitCode, 1)
        XCTAssertTrue(unknown.stderr.contains("not on the list") && unknown.stderr.contains("nothing was removed"), unknown.stderr)

        let partner = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        let outsider = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", partner])
        XCTAssertEqual(try sandbox.run(["redact", "terms", "remove", "--case", caseID, "Ward 7B", "--as", outsider]).exitCode, 3)
        XCTAssertEqual(try sandbox.asManager(["redact", "allow", "add", "--org", org, "Norfolk Trust", "--reason", "the trust's name"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["redact", "allow", "remove", "--org", org, "Norfolk Trust"]).exitCode, 3, "an advocate is not the manager")
        XCTAssertEqual(try sandbox.asManager(["redact", "allow", "remove", "--org", org, "Norfolk Trust", "--reason", "added by mistake"]).exitCode, 0)
        XCTAssertEqual(try listed()["terms"] as? [String], ["Ward 7B"], "unchanged by refusals")
    }
}
