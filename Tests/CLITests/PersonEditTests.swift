import Foundation
import XCTest

/// Issue 19: a person's details are corrected with their history kept sealed, found again under the new name, and
/// refused to anyone who may not see the person.
final class PersonEditTests: XCTestCase {
    func testDetailsAreCorrectedWithSealedHistory() throws {
        let sandbox = try Sandbox()
        _ = try prepare(sandbox)  // the client "Margaret Ellis", born 1946-03-14
        let edited = try sandbox.run(["person", "edit", "Margaret Ellis", "--name", "Margaret Elise Ellis", "--address", "4 Mill Lane, Wymondham",
                                      "--json"])
        XCTAssertEqual(edited.exitCode, 0, edited.stderr)
        let id = try XCTUnwrap(try sandbox.json(edited)["id"] as? String)
        let shown = try sandbox.json(try sandbox.run(["person", "show", id, "--json"]))
        XCTAssertEqual(shown["name"] as? String, "Margaret Elise Ellis")
        XCTAssertEqual(shown["address"] as? String, "4 Mill Lane, Wymondham")
        XCTAssertEqual(shown["dob"] as? String, "1946-03-14", "untouched fields stay")
        XCTAssertTrue(try sandbox.run(["person", "find", "--name", "Margaret Elise Ellis", "--json"]).stdout.contains(id), "the exact index follows")

        let history = try sandbox.run(["person", "history", id, "--json"])
        let changes = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(Set(changes.compactMap { $0["field"] as? String }), ["name", "address"])
        XCTAssertEqual(changes.first { $0["field"] as? String == "name" }?["previous"] as? String, "Margaret Ellis")
        // The audit log names the fields, never the values; the history is sealed.
        let audit = try sandbox.asManager(["audit", "log", "--json"]).stdout
        XCTAssertTrue(audit.contains("person.edit") && !audit.contains("Mill Lane") && !audit.contains("Margaret"), audit)
        for path in FileManager.default.enumerator(atPath: sandbox.path("vault"))?.allObjects as? [String] ?? [] {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: sandbox.path("vault/" + path)))) ?? Data()
            XCTAssertNil(data.range(of: Data("Mill Lane".utf8)), path)
        }

        XCTAssertEqual(try sandbox.run(["person", "edit", id, "--dob", "14/03/1946"]).exitCode, 1)
        XCTAssertEqual(try sandbox.run(["person", "edit", id, "--nhs-number", "943 476 5918"]).exitCode, 1, "a wrong check digit")
        XCTAssertEqual(try sandbox.run(["person", "edit", id, "--name", "Margaret Elise Ellis"]).exitCode, 1, "nothing to change")
        let org = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        let outsider = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", org])
        XCTAssertEqual(try sandbox.run(["person", "edit", id, "--phone", "0", "--as", outsider]).exitCode, 3)
        XCTAssertEqual(try sandbox.run(["person", "history", id, "--as", outsider]).exitCode, 3)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)
    }
}
