import Foundation
import XCTest

/// `list` in reading order with filters (issue 19): by kind and by a span of document dates.
final class ListFilterTests: XCTestCase {
    func testListIsSortedByDateAndFilteredByKindAndDates() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        for (name, kind, date) in [("reply.txt", "letter", "2025-04-20"), ("complaint.txt", "letter", "2025-03-02"),
                                   ("phone.txt", "internal_note", "2025-03-10")] {
            let file = try write(sandbox, "in-\(name)", "Text of \(name)\n")
            let ingested = try sandbox.run(["ingest", "--case", caseID, "--kind", kind, "--date", date, file])
            XCTAssertEqual(ingested.exitCode, 0, ingested.stderr)
        }
        func names(_ extra: [String]) throws -> [String] {
            let result = try sandbox.run(["list", "--case", caseID, "--json"] + extra)
            XCTAssertEqual(result.exitCode, 0, result.stderr)
            let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            return rows.compactMap { $0["name"] as? String }.filter { !$0.contains("consent") }
        }
        XCTAssertEqual(try names([]), ["in-complaint.txt", "in-phone.txt", "in-reply.txt"], "oldest first")
        XCTAssertEqual(try names(["--kind", "letter"]), ["in-complaint.txt", "in-reply.txt"])
        XCTAssertEqual(try names(["--kind", "letter", "--kind", "internal_note", "--from", "2025-03-05"]), ["in-phone.txt", "in-reply.txt"])
        XCTAssertEqual(try names(["--to", "2025-03-10"]), ["in-complaint.txt", "in-phone.txt"], "inclusive")
        let badKind = try sandbox.run(["list", "--case", caseID, "--kind", "letters"])
        XCTAssertEqual(badKind.exitCode, 64)
        XCTAssertTrue(badKind.stderr.contains("internal_note"), "the kinds are named: \(badKind.stderr)")
        XCTAssertEqual(try sandbox.run(["list", "--case", caseID, "--from", "02/03/2025"]).exitCode, 64)
    }

    func testCaseListPutsTheSoonestDeadlineFirst() throws {
        let sandbox = try Sandbox()
        let first = try prepare(sandbox)
        let second = try prepare(sandbox, reuse: true)  // opened later: newest first would list it first
        // Only the first case's consent covers checking deadlines, so only it has a next deadline to show.
        let form = try write(sandbox, "deadline-form.txt", "I agree to deadlines being checked. Signed M. Ellis\n")
        let client = try XCTUnwrap(try sandbox.json(try sandbox.run(["case", "show", first, "--json"]))["client"] as? String)
        let recorded = try sandbox.run(["consent", "record", "--case", first, "--person", client, "--kind", "written_consent",
                                        "--grantee", try XCTUnwrap(sandbox.environment["TEST_ORGANISATION"]), "--actions", "check_deadlines",
                                        "--bodies", "trust-X", "--form", form, "--signed-on", VaultCommandsTests.yesterday])
        XCTAssertEqual(recorded.exitCode, 0, recorded.stderr)
        let reminder = try sandbox.run(["remind", "add", "--case", first, "--on", "2099-01-31", "Chase the reply"])
        XCTAssertEqual(reminder.exitCode, 0, reminder.stderr)
        let listed = try sandbox.run(["case", "list", "--json"])
        let ids = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]]).compactMap { $0["id"] as? String }
        XCTAssertEqual(ids.filter { [first, second].contains($0) }, [first, second], "the case with a deadline first")
        let table = try sandbox.run(["case", "list"]).stdout
        XCTAssertTrue(table.contains("NEXT DEADLINE"), table)
        let firstLine = try XCTUnwrap(table.split(separator: "\n").first { $0.contains(first) })
        XCTAssertNotNil(firstLine.range(of: #"\d{4}-\d{2}-\d{2}\s*$"#, options: .regularExpression), "its next deadline is shown: \(firstLine)")
    }
}
