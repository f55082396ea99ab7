import Foundation
import XCTest

/// Redaction through the CLI: people registered on the case, terms, allow-lists, and `redact preview`.
final class RedactCommandsTests: XCTestCase {
    func testPreviewMarksRegisteredPeopleTermsAndIdentifiersAndJSONCarriesNoText() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let org = try XCTUnwrap(sandbox.environment["TEST_ORGANISATION"])
        let daughter = try XCTUnwrap(try sandbox.json(try sandbox.run(["person", "add", "--name", "Joanne Ellis", "--phone", "07700 900461",
                                                                         "--address", "4 Mill Lane, Wymondham", "--json"]))["id"] as? String)
        let nurse = try XCTUnwrap(try sandbox.json(try sandbox.run(["person", "add", "--name", "Helen Brooks", "--json"]))["id"] as? String)
        XCTAssertEqual(try sandbox.run(["case", "add-person", caseID, daughter, "--role", "relative"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["case", "add-person", caseID, nurse, "--role", "staff"]).exitCode, 0)
        let badRole = try sandbox.run(["case", "add-person", caseID, nurse, "--role", "cousin"])
        XCTAssertNotEqual(badRole.exitCode, 0)
        XCTAssertEqual(try sandbox.run(["redact", "terms", "add", "--case", caseID, "Ward 7B"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["redact", "allow", "add", "--org", org, "Norfolk and Norwich University Hospitals", "--reason", "the trust\'s own name"]).exitCode, 3,
                       "an organisation's allow-list is its manager's")
        XCTAssertEqual(try sandbox.asManager(["redact", "allow", "add", "--org", org, "Norfolk and Norwich University Hospitals", "--reason", "the trust\'s own name"]).exitCode, 0)

        let letter = """
        Dear Complaints Team at Norfolk and Norwich University Hospitals,
        My mother Margaret Ellis (NHS 943 476 5919) was discharged from ward 7b. My sister Joanne
        Ellis lives at 4 Mill Lane, Wymondham; ring 07700 900461. Staff nurse Helen Brooks was kind.
        """
        try Data(letter.utf8).write(to: URL(fileURLWithPath: sandbox.path("letter.txt")))
        let ingested = try sandbox.run(["ingest", "--case", caseID, "letter.txt", "--json"])
        let document = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)

        let preview = try sandbox.run(["redact", "preview", document])
        XCTAssertEqual(preview.exitCode, 0, preview.stderr)
        XCTAssertEqual(preview.stdout, """
        Dear Complaints Team at Norfolk and Norwich University Hospitals,
        My mother [REDACTED:person_name] (NHS [REDACTED:nhs_number]) was discharged from [REDACTED:custom_term]. My sister [REDACTED:person_name] lives at [REDACTED:address]; ring [REDACTED:phone]. Staff nurse Helen Brooks was kind.

        """.replacingOccurrences(of: "My sister [REDACTED:person_name] lives", with: "My sister [REDACTED:person_name] lives"))
        XCTAssertTrue(preview.stderr.contains("6 redaction(s)"), preview.stderr)

        let kept = try sandbox.run(["redact", "preview", document, "--policy", "keep=client-name,phone"])
        XCTAssertTrue(kept.stdout.contains("My mother Margaret Ellis"), kept.stdout)
        XCTAssertTrue(kept.stdout.contains("ring 07700 900461"), kept.stdout)
        XCTAssertFalse(kept.stdout.contains("943 476 5919"), "the client's NHS number stays redacted")

        let json = try sandbox.run(["redact", "preview", document, "--json"])
        XCTAssertEqual(json.exitCode, 0, json.stderr)
        for secret in ["Margaret", "Joanne", "943 476", "07700", "Mill Lane", "7B"] {
            XCTAssertFalse(json.stdout.contains(secret), "--json must not carry the text: \(secret)")
        }
        let object = try sandbox.json(json)
        XCTAssertEqual((object["counts"] as? [String: Int])?["person_name"], 2)
        XCTAssertEqual((object["spans"] as? [[String: Any]])?.count, 6)

        let badPolicy = try sandbox.run(["redact", "preview", document, "--policy", "keep=everything"])
        XCTAssertNotEqual(badPolicy.exitCode, 0)
        XCTAssertTrue(badPolicy.stderr.contains("cannot be kept"), badPolicy.stderr)
    }

    /// Issue 20: the preview reads --policy as export does (presets, policy files, clauses), so it shows what a bundle redacts.
    func testPreviewTakesTheSamePoliciesAsExport() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let nurse = try XCTUnwrap(try sandbox.json(try sandbox.run(["person", "add", "--name", "Helen Brooks", "--json"]))["id"] as? String)
        XCTAssertEqual(try sandbox.run(["case", "add-person", caseID, nurse, "--role", "staff"]).exitCode, 0)
        _ = try write(sandbox, "letter.txt", "My mother Margaret Ellis (NHS 943 476 5919) was seen by staff nurse Helen Brooks.\n")
        let ingested = try sandbox.run(["ingest", "--case", caseID, "letter.txt", "--json"])
        let document = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        func preview(_ policy: String) throws -> CLIResult { try sandbox.run(["redact", "preview", document, "--policy", policy]) }

        let trust = try preview("trust-meeting")
        XCTAssertEqual(trust.exitCode, 0, trust.stderr)
        XCTAssertTrue(trust.stdout.contains("My mother Margaret Ellis (NHS 943 476 5919)"), "the preset keeps the patient's details: \(trust.stdout)")
        let thirdParty = try preview("third-party")
        XCTAssertTrue(thirdParty.stdout.contains("staff nurse [REDACTED:person_name]"), "the preset redacts staff: \(thirdParty.stdout)")

        _ = try write(sandbox, "policies/solicitor.policy", "# the client agreed to be named to her solicitor\nthird-party\nkeep-client=name\n")
        let file = try preview("policies/solicitor.policy")
        XCTAssertEqual(file.exitCode, 0, file.stderr)
        XCTAssertTrue(file.stdout.contains("My mother Margaret Ellis (NHS [REDACTED:nhs_number])"), file.stdout)
        XCTAssertTrue(file.stdout.contains("staff nurse [REDACTED:person_name]"), file.stdout)

        let missing = try preview("policies/none.policy")
        XCTAssertEqual(missing.exitCode, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("there is no policy file at policies/none.policy"), missing.stderr)
        let unknown = try preview("keep=everything")
        XCTAssertEqual(unknown.exitCode, 64, "the same exit as export: \(unknown.stderr)")
        XCTAssertTrue(unknown.stderr.contains("casevault: hint: presets: ") && unknown.stderr.contains("trust-meeting (keeps"), unknown.stderr)
    }

    func testPreviewIsRefusedWithoutAuthorityToView() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        try Data("Margaret Ellis\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("note.txt")))
        let ingested = try sandbox.run(["ingest", "--case", caseID, "note.txt", "--json"])
        let document = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        let org = try sandbox.adminID(["org", "add", "Elsewhere"])
        let stranger = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", org])
        let refused = try sandbox.run(["redact", "preview", document, "--as", stranger])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("R-CON-8"), refused.stderr)
        XCTAssertEqual(refused.stdout, "")
    }

    func testPreviewFindsHiddenNamesAndWarnsOfBidiControls() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        // The client (Margaret Ellis) written with a zero-width space, a Cyrillic "а", a soft hyphen at a line
        // end and a right-to-left override; and her NHS number with dots.
        let letter = "Marg\u{200B}aret Ellis wrote; then M\u{0430}rgaret Ellis wrote; then Margaret El\u{00AD}\nlis wrote; then \u{202E}Margaret Ellis\u{202C} wrote; NHS 943.476.5919\n"
        try Data(letter.utf8).write(to: URL(fileURLWithPath: sandbox.path("tricks.txt")))
        let ingested = try sandbox.run(["ingest", "--case", caseID, "tricks.txt", "--json"])
        let document = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        let preview = try sandbox.run(["redact", "preview", document])
        XCTAssertEqual(preview.exitCode, 0, preview.stderr)
        XCTAssertEqual(preview.stdout.components(separatedBy: "[REDACTED:person_name]").count - 1, 4, preview.stdout)
        XCTAssertTrue(preview.stdout.contains("[REDACTED:nhs_number]"), preview.stdout)
        for fragment in ["aret", "rgaret", "Ellis", "lis", "943"] {
            XCTAssertFalse(preview.stdout.contains(fragment), "\(fragment) survived: \(preview.stdout)")
        }
        XCTAssertTrue(preview.stderr.contains("bidirectional control characters"), preview.stderr)
        let json = try sandbox.json(try sandbox.run(["redact", "preview", document, "--json"]))
        XCTAssertEqual(json["bidi_controls"] as? Bool, true)
    }
}
