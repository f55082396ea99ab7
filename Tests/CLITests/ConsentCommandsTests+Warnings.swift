import Foundation
import XCTest

/// Consent warnings and refusals as advocates see them (issue 20).
extension ConsentCommandsTests {
    /// Issue 20: a warning about a record is shown when it is recorded and by `consent show`, not on every
    /// command; a refusal cites only the records of the case at hand and hints only at what is missing there.
    func testRecordWarningsAreShownOnceAndRefusalsKeepToTheirCase() throws {
        let sandbox = try Sandbox()
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        func id(_ arguments: [String]) throws -> String {
            let result = try sandbox.run(arguments + ["--json"])
            XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
            return try XCTUnwrap(try sandbox.json(result)["id"] as? String)
        }
        let org = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        sandbox.environment["CASEVAULT_ADVOCATE"] = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        // No address on record: the consent form is missing it (R-CON-10, a warning).
        let client = try id(["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14", "--nhs-number", "943 476 5919"])
        func openCase() throws -> String {
            try id(["case", "open", "--client", client, "--org", org, "--advocate", sandbox.environment["CASEVAULT_ADVOCATE"]!,
                    "--nhs-body", "trust-X", "--incident-date", "2025-01-15", "--complaint-date", "2025-03-03"])
        }
        let (first, second) = (try openCase(), try openCase())
        let form = try write(sandbox, "form.txt", "Consent form, signed and dated.\n")
        func record(_ caseID: String, _ actions: String) throws -> (String, CLIResult) {
            let result = try sandbox.run(["consent", "record", "--case", caseID, "--person", client, "--kind", "written_consent", "--grantee", org,
                                          "--actions", actions, "--bodies", "trust-X", "--form", form, "--signed-on", VaultCommandsTests.yesterday])
            XCTAssertEqual(result.exitCode, 0, result.stderr)
            return (result.stdout.trimmingCharacters(in: .whitespacesAndNewlines), result)
        }
        let (consent, recorded) = try record(first, "view_documents,ingest_document")
        XCTAssertEqual(recorded.stderr.components(separatedBy: "warning: R-CON-10").count - 1, 1, "shown once, at record time: \(recorded.stderr)")
        _ = try write(sandbox, "letter.txt", "Dear Sir,\n")
        for arguments in [["list", "--case", first], ["ingest", "--case", first, "letter.txt"], ["list", "--case", first]] {
            let result = try sandbox.run(arguments)
            XCTAssertEqual(result.exitCode, 0, result.stderr)
            XCTAssertFalse(result.stderr.contains("R-CON-10"), "\(arguments) repeated the record's warning: \(result.stderr)")
        }
        let shown = try sandbox.run(["consent", "show", consent])
        XCTAssertTrue(shown.stdout.contains("R-CON-10: The consent form is missing address"), shown.stdout)

        // The second case has its own consent, for letters only: viewing its documents is refused for that reason.
        let (lettersOnly, _) = try record(second, "draft_letter")
        let refused = try sandbox.run(["list", "--case", second])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertFalse(refused.stderr.contains(consent), "the first case's consent is not cited: \(refused.stderr)")
        XCTAssertFalse(refused.stderr.contains("record a consent that names this case"), "one does: \(refused.stderr)")
        XCTAssertTrue(refused.stderr.contains(lettersOnly), refused.stderr)
        let check = try sandbox.run(["consent", "check", "--case", second, "--action", "view_documents"])
        XCTAssertEqual(check.exitCode, 3)
        XCTAssertFalse(check.stdout.contains(consent) || check.stdout.contains("names this case"), check.stdout)

        // The JSON says the same: this case's records only, and the hint names what is missing here.
        let checked = try sandbox.run(["consent", "check", "--case", second, "--action", "view_documents", "--json"])
        XCTAssertEqual(checked.exitCode, 3)
        XCTAssertFalse(checked.stdout.contains(consent), "the first case's consent is not cited: \(checked.stdout)")
        let decision = try sandbox.json(checked)
        XCTAssertEqual(decision["rule_ids"] as? [String], ["R-CON-6"])
        XCTAssertEqual(decision["hint"] as? String, "ask the person to add this action to their consent")
        XCTAssertEqual((decision["authorities"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [lettersOnly])
        // Allowed on the first case: the second case's consent is not listed there either.
        let allowed = try sandbox.run(["consent", "check", "--case", first, "--action", "view_documents", "--json"])
        XCTAssertEqual(allowed.exitCode, 0, allowed.stdout)
        XCTAssertFalse(allowed.stdout.contains(lettersOnly), allowed.stdout)
        XCTAssertEqual((try sandbox.json(allowed)["authorities"] as? [[String: Any]])?.compactMap { $0["id"] as? String }, [consent])
        // A third case with no record at all: nothing of the others is cited, and the hint is to record one for it.
        let third = try openCase()
        let none = try sandbox.run(["consent", "check", "--case", third, "--action", "view_documents", "--json"])
        XCTAssertEqual(none.exitCode, 3)
        XCTAssertFalse(none.stdout.contains(consent) || none.stdout.contains(lettersOnly), none.stdout)
        XCTAssertEqual(try sandbox.json(none)["hint"] as? String, "record a consent that names this case")
    }
}
