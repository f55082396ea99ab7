import Foundation
import XCTest

/// Issue 19, case notes and reminders: sealed, written by the case's members, read by those who may read the case,
/// reminders listed with the statutory deadlines, and all of it gone with an erased case.
final class NotesTests: XCTestCase {
    func testNotesAndRemindersBelongToTheCase() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let org = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        let outsider = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", org])

        let added = try sandbox.run(["note", "add", "--case", caseID, "Phoned Mrs Ellis NOTEMARK: she wants the meeting in June.", "--json"])
        XCTAssertEqual(added.exitCode, 0, added.stderr)
        let noteID = try XCTUnwrap(try sandbox.json(added)["id"] as? String)
        try Data("Home visit.\nSecond line NOTEMARK2.\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("visit.txt")))
        XCTAssertEqual(try sandbox.run(["note", "add", "--case", caseID, "--file", "visit.txt"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["note", "add", "--case", caseID, "--as", outsider, "Not mine"]).exitCode, 3)

        let listed = try sandbox.run(["note", "list", "--case", caseID, "--json"])
        let notes = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(notes.map { $0["id"] as? String }.first, noteID)
        XCTAssertEqual(notes.count, 2)
        XCTAssertTrue((notes[1]["text"] as? String)?.contains("NOTEMARK2") == true)
        XCTAssertEqual(notes.first?["written_by"] as? String, sandbox.environment["CASEVAULT_ADVOCATE"])
        XCTAssertTrue(try sandbox.run(["case", "show", caseID]).stdout.contains("NOTEMARK"), "case show lists the notes")
        XCTAssertEqual(try sandbox.run(["note", "list", "--case", caseID, "--as", outsider]).exitCode, 3)
        // Sealed: the text is nowhere in the vault's files.
        for path in FileManager.default.enumerator(atPath: sandbox.path("vault"))?.allObjects as? [String] ?? [] {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: sandbox.path("vault/" + path)))) ?? Data()
            XCTAssertNil(data.range(of: Data("NOTEMARK".utf8)), path)
        }

        // Reminders join the deadlines (which the consent must cover); done ones are marked, and hidden with --open.
        try Data("I agree. Signed M. Ellis\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("deadlines-form.txt")))
        let consent = try sandbox.run(["consent", "record", "--case", caseID, "--person", "Margaret Ellis", "--kind", "written_consent",
                                       "--grantee", try XCTUnwrap(sandbox.environment["TEST_ORGANISATION"]), "--actions", "check_deadlines",
                                       "--bodies", "trust-X", "--form", "deadlines-form.txt", "--signed-on", VaultCommandsTests.yesterday])
        XCTAssertEqual(consent.exitCode, 0, consent.stderr)
        let reminder = try sandbox.run(["remind", "add", "--case", caseID, "--on", "2099-01-31", "Chase the trust's reply REMINDMARK", "--json"])
        XCTAssertEqual(reminder.exitCode, 0, reminder.stderr)
        let reminderID = try XCTUnwrap(try sandbox.json(reminder)["id"] as? String)
        XCTAssertEqual(try sandbox.run(["remind", "add", "--case", caseID, "--on", "31/01/2099", "x"]).exitCode, 64)
        func rows(_ extra: [String]) throws -> [[String: Any]] {
            let result = try sandbox.run(["deadlines", "--case", caseID, "--json"] + extra)
            XCTAssertEqual(result.exitCode, 0, result.stderr)
            return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        }
        let withReminder = try rows([])
        let row = try XCTUnwrap(withReminder.first { $0["reminder_id"] as? String == reminderID })
        XCTAssertEqual(row["status"] as? String, "open")
        XCTAssertTrue(withReminder.contains { $0["rule_id"] as? String == "R-TIME-1" }, "the statutory deadlines are still there")
        XCTAssertEqual(withReminder.compactMap { $0["due"] as? String }, withReminder.compactMap { $0["due"] as? String }.sorted())
        XCTAssertEqual(try sandbox.run(["remind", "done", reminderID, "--as", outsider]).exitCode, 3)
        XCTAssertEqual(try sandbox.run(["remind", "done", reminderID]).exitCode, 0)
        XCTAssertEqual(try rows([]).first { $0["reminder_id"] as? String == reminderID }?["status"] as? String, "done")
        XCTAssertNil(try rows(["--open"]).first { $0["reminder_id"] as? String == reminderID })
        XCTAssertTrue(try sandbox.run(["deadlines", "--case", caseID]).stdout.contains("reminder: Chase the trust's reply"))

        // Erasing the case erases its notes and reminders.
        XCTAssertEqual(try sandbox.asManager(["case", "erase", caseID, "--yes", "--reason", "erasure request"]).exitCode, 0)
        let after = try sandbox.asManager(["note", "list", "--case", caseID, "--json"])
        XCTAssertEqual(after.exitCode, 0, after.stderr)
        let remaining = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [Any])
        XCTAssertEqual(remaining.count, 0, "no note outlives its case")
        XCTAssertFalse(after.stdout.contains("NOTEMARK"), after.stdout)
    }
}
