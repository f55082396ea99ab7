import Foundation
import XCTest

/// A consent decision's rule ids (R-CAP-3: lacks capacity, R-DEC-2: has died) and typed reasons are sealed in the audit
/// log: someone reading vault.db without a key sees who acted on which case and whether it was allowed, not why.
final class AuditPrivacyTests: XCTestCase {
    func testRuleIDsAreSealedInTheDatabaseAndShownByAuditLog() throws {
        try Sandbox.skipOnPostgres("reads the SQLite file with sqlite3")
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        try Data("Dear Complaints Team,\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("letter.txt")))
        let refused = try sandbox.run(["ingest", "--case", world.caseID, "letter.txt"])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("R-CON-1"), refused.stderr)

        let database = sandbox.path("vault/vault.db")
        let query = Process()
        query.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        query.arguments = ["-readonly", database, "SELECT rule_ids || ' ' || details FROM audit_events WHERE action = 'consent.decision'"]
        let pipe = Pipe()
        query.standardOutput = pipe
        try query.run()
        let stored = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        query.waitUntilExit()
        XCTAssertFalse(stored.isEmpty, "the decision was logged")
        XCTAssertFalse(stored.contains("R-CON"), "no rule id in clear: \(stored)")
        XCTAssertTrue(stored.contains("cva1:"), stored)
        // The raw file holds no rule id either (not in a free page, not in the log).
        for file in [database, database + "-wal"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            XCTAssertNil(bytes.range(of: Data("R-CON-1".utf8)), "\(file) holds a rule id in clear")
        }

        let log = try sandbox.asManager(["audit", "log", "--case", world.caseID, "--json"])
        XCTAssertEqual(log.exitCode, 0, log.stderr)
        let events = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        let decision = try XCTUnwrap(events.first { $0["action"] as? String == "consent.decision" })
        XCTAssertEqual(decision["rule_ids"] as? [String], ["R-CON-1"])
        XCTAssertNil((decision["details"] as? [String: String])?["sealed"], "shown opened")
        XCTAssertEqual(try sandbox.run(["audit", "verify"]).exitCode, 0)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--json"]))["ok"] as? Bool, true)
    }
}
