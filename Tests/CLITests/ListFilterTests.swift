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
}
