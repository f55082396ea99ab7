import Foundation
import XCTest

/// Issue 19, names not ids: listings show names, commands take unambiguous names, people are found by part of a name
/// (only among those the account may see), and advocates are assigned and unassigned by name.
final class NamesTests: XCTestCase {
    func testNamesWorkWhereIdsDoAndListingsShowThem() throws {
        let sandbox = try Sandbox()
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        _ = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        _ = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        // Organisations by name when adding accounts.
        let advocate = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", "Norfolk NHS Complaints Advocacy"])
        let colleague = try sandbox.adminID(["advocate", "add", "Priya Shah", "--org", "norfolk nhs complaints advocacy"])
        let outsider = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", "Partner Advocacy"])
        let accounts = try sandbox.asAdmin(["advocate", "list"])
        XCTAssertTrue(accounts.stdout.contains("Norfolk NHS Complaints Advocacy") && accounts.stdout.contains("Partner Advocacy"), accounts.stdout)
        let vague = try sandbox.asAdmin(["advocate", "add", "Kim Lowe", "--org", "Advocacy"])
        XCTAssertEqual(vague.exitCode, 1)
        XCTAssertTrue(vague.stderr.contains("matches 2 organisations") && vague.stderr.contains("Partner Advocacy"), vague.stderr)

        sandbox.environment["CASEVAULT_ADVOCATE"] = advocate
        func id(_ arguments: [String]) throws -> String {
            let result = try sandbox.run(arguments + ["--json"])
            XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
            return try XCTUnwrap(try sandbox.json(result)["id"] as? String)
        }
        let client = try id(["person", "add", "--name", "Margaret Zoë Ellis", "--dob", "1946-03-14", "--nhs-number", "943 476 5919"])
        let joan = try id(["person", "add", "--name", "Joan Platt"])
        let john = try id(["person", "add", "--name", "John Platt"])
        let caseID = try id(["case", "open", "--client", "Margaret Ellis", "--org", "Norfolk NHS Complaints Advocacy", "--advocate", "Sam Carter",
                             "--nhs-body", "trust-X"])

        // Finding people: part of a name, any case, accents and titles ignored; NHS number with spaces; date of birth.
        for query in ["ellis", "Mrs Ellis", "zoe", "M Ellis", "943 476 5919", "943.476.5919", "1946-03-14"] {
            let found = try sandbox.run(["person", "find", query, "--json"])
            XCTAssertEqual(found.exitCode, 0, found.stderr)
            XCTAssertTrue(found.stdout.contains(client), "\(query): \(found.stdout)")
        }
        for miss in ["943 476 5918", "1946-03-15", "Ellison"] {
            XCTAssertFalse(try sandbox.run(["person", "find", miss, "--json"]).stdout.contains(client), miss)
        }
        let platts = try sandbox.run(["person", "find", "Platt", "--json"])
        XCTAssertTrue(platts.stdout.contains(joan) && platts.stdout.contains(john), platts.stdout)
        let ambiguous = try sandbox.run(["person", "show", "Platt"])
        XCTAssertEqual(ambiguous.exitCode, 1)
        XCTAssertTrue(ambiguous.stderr.contains("matches 2 persons") && ambiguous.stderr.contains("Joan Platt (\(joan))")
                      && ambiguous.stderr.contains("nothing was done"), ambiguous.stderr)
        XCTAssertTrue(try sandbox.run(["person", "show", "Joan Platt"]).stdout.contains(joan))

        // Someone of another organisation finds no one, and a name reveals no one.
        XCTAssertFalse(try sandbox.run(["person", "find", "Ellis", "--as", outsider]).stdout.contains(client))
        let hidden = try sandbox.run(["person", "show", "Margaret Ellis", "--as", outsider])
        XCTAssertEqual(hidden.exitCode, 1)
        XCTAssertTrue(hidden.stderr.contains("no person") && !hidden.stderr.contains(client), hidden.stderr)

        // Consent by names; listings with names.
        try Data("I agree. Signed M. Ellis\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("form.txt")))
        _ = try id(["consent", "record", "--case", caseID, "--person", "Margaret Ellis", "--kind", "written_consent",
                    "--grantee", "Norfolk NHS Complaints Advocacy", "--actions", "view_documents", "--bodies", "trust-X",
                    "--form", "form.txt", "--signed-on", VaultCommandsTests.yesterday])
        let consents = try sandbox.run(["consent", "list", "--case", caseID])
        XCTAssertTrue(consents.stdout.contains("Margaret Zoë Ellis (\(client))") && consents.stdout.contains("Norfolk NHS Complaints Advocacy"),
                      consents.stdout)
        let cases = try sandbox.run(["case", "list", "--client", "Ellis"])
        XCTAssertTrue(cases.stdout.contains(caseID) && cases.stdout.contains("Margaret Zoë Ellis") && cases.stdout.contains("Sam Carter"), cases.stdout)
        XCTAssertFalse(try sandbox.run(["case", "list", "--client", "Joan Platt"]).stdout.contains(caseID))
        XCTAssertFalse(try sandbox.run(["case", "list", "--status", "closed"]).stdout.contains(caseID))

        // Assigning by name; an open case keeps one advocate; someone outside cannot assign.
        XCTAssertEqual(try sandbox.run(["case", "assign", caseID, "Priya Shah"]).exitCode, 0)
        XCTAssertTrue(try sandbox.run(["case", "show", caseID]).stdout.contains("Priya Shah (\(colleague))"))
        XCTAssertTrue(try sandbox.run(["case", "list", "--advocate", "Priya"]).stdout.contains(caseID))
        XCTAssertEqual(try sandbox.run(["case", "assign", caseID, "Priya Shah", "--as", outsider]).exitCode, 3)
        XCTAssertEqual(try sandbox.run(["case", "assign", caseID, "Alex Reid"]).exitCode, 1, "only the organisation's own advocates")
        XCTAssertEqual(try sandbox.run(["case", "unassign", caseID, "Sam Carter"]).exitCode, 0)
        let last = try sandbox.run(["case", "unassign", caseID, "Priya Shah", "--as", colleague])
        XCTAssertEqual(last.exitCode, 1)
        XCTAssertTrue(last.stderr.contains("only advocate assigned"), last.stderr)

        // A refusal names the person refused, by name and id.
        let refused = try sandbox.run(["case", "show", caseID, "--as", outsider])
        XCTAssertEqual(refused.exitCode, 3)
        XCTAssertTrue(refused.stderr.contains("Alex Reid (\(outsider)) may not"), refused.stderr)
    }
}
