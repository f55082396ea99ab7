import Foundation
import XCTest

/// Issue 19, corrections with history: a wrong date or kind is corrected by the case's advocate, the name still opens
/// (its sealing binds the corrected fields), the history keeps the old values, and bad dates or strangers are refused.
final class DocumentRetagTests: XCTestCase {
    func testADocumentsDateAndKindAreCorrectedWithHistory() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        try Data("Notes from the call.\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("call.txt")))
        let ingested = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", "--kind", "letter", "call.txt", "--json"])
        let id = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)

        let retag = try sandbox.run(["document", "retag", id, "--date", "2025-02-20", "--kind", "internal_note", "--json"])
        XCTAssertEqual(retag.exitCode, 0, retag.stderr)
        let shown = try sandbox.json(try sandbox.run(["show", id, "--json"]))
        XCTAssertEqual(shown["document_date"] as? String, "2025-02-20")
        XCTAssertEqual(shown["kind"] as? String, "internal_note")
        XCTAssertEqual(shown["document_date_source"] as? String, "corrected by hand")
        XCTAssertEqual(shown["name"] as? String, "call.txt", "the sealed name opens with the corrected fields")
        XCTAssertEqual(try sandbox.run(["cat", id]).stdout, "Notes from the call.\n")

        let history = try sandbox.run(["document", "history", id, "--json"])
        let changes = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        let details = try XCTUnwrap(changes.last?["details"] as? [String: String])
        XCTAssertEqual(details["date"], "2025-03-02 -> 2025-02-20")
        XCTAssertEqual(details["kind"], "letter -> internal_note")
        XCTAssertEqual(changes.first?["details"].flatMap { $0 as? [String: String] }?["action"], "document.ingest")

        let future = try sandbox.run(["document", "retag", id, "--date", "2999-01-01"])
        XCTAssertEqual(future.exitCode, 1)
        XCTAssertTrue(future.stderr.contains("future or before 1900"), future.stderr)
        XCTAssertEqual(try sandbox.run(["document", "retag", id, "--date", "1899-12-31"]).exitCode, 1)
        XCTAssertEqual(try sandbox.run(["document", "retag", id, "--date", "2025-02-20"]).exitCode, 1, "nothing to change")
        let org = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        let outsider = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", org])
        XCTAssertEqual(try sandbox.run(["document", "retag", id, "--kind", "letter", "--as", outsider]).exitCode, 3)
        XCTAssertEqual(try sandbox.run(["document", "history", id, "--as", outsider]).exitCode, 3)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)
    }
}
