import Foundation
import XCTest

/// Refusals, warnings and explanations name people, advocates and organisations, not ids, where the acting account
/// may see the name; otherwise the id stays (a refusal never names someone the reader may not see).
final class ConsentNamesTests: XCTestCase {
    func testRefusalsAndExplanationsShowNamesTheActorMaySeeAndIdsOtherwise() throws {
        let sandbox = try Sandbox()
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        let org = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        let partnerOrg = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        let advocate = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        let partner = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", partnerOrg])
        sandbox.environment["CASEVAULT_ADVOCATE"] = advocate
        func id(_ arguments: [String]) throws -> String {
            let result = try sandbox.run(arguments + ["--json"])
            XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
            return try XCTUnwrap(try sandbox.json(result)["id"] as? String)
        }
        let client = try id(["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14"])
        let caseID = try id(["case", "open", "--client", client, "--org", org, "--advocate", advocate, "--nhs-body", "trust-X",
                             "--incident-date", "2025-01-15", "--complaint-date", "2025-03-03"])

        // No consent yet: the refusal's reasons name the client and the advocate, not their ids.
        let refused = try sandbox.run(["list", "--case", caseID])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("R-CON-1"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("lets Sam Carter do view_documents for Margaret Ellis."), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("lets \(advocate)"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains("for \(client)."), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("for Margaret Ellis (\(client)) on case"), refused.stderr)

        // With the client's own consent, the explanation says whose request it is, by name.
        let form = sandbox.path("form.txt")
        try Data("I agree. Signed M. Ellis\n".utf8).write(to: URL(fileURLWithPath: form))
        _ = try id(["consent", "record", "--case", caseID, "--person", client, "--kind", "written_consent", "--grantee", org,
                    "--actions", "view_documents", "--form", form, "--signed-on", VaultCommandsTests.yesterday])
        let explained = try sandbox.run(["consent", "check", "--case", caseID, "--action", "view_documents", "--json"])
        XCTAssertEqual(explained.exitCode, 0, explained.stderr)
        XCTAssertTrue(explained.stdout.contains("Acting at Margaret Ellis's own request"), explained.stdout)
        XCTAssertFalse(explained.stdout.contains("\(client)'s"), explained.stdout)

        // An advocate of another organisation may not see the client: their refusal names the organisations but
        // shows the client only by id.
        let outsider = try sandbox.run(["list", "--case", caseID, "--as", partner])
        XCTAssertEqual(outsider.exitCode, 3, outsider.stderr)
        XCTAssertTrue(outsider.stderr.contains("R-CON-8"), outsider.stderr)
        XCTAssertTrue(outsider.stderr.contains("Alex Reid works for Partner Advocacy"), outsider.stderr)
        XCTAssertFalse(outsider.stderr.contains("Margaret Ellis"), outsider.stderr)
        XCTAssertTrue(outsider.stderr.contains(client), outsider.stderr)
    }
}
