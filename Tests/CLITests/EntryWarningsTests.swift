import Foundation
import XCTest

/// Issue 20, points 5 and 6: records that are almost certainly wrong are warned about at entry and need
/// confirmation (`--yes` in a script, where nothing is recorded without it); a withdrawal is confirmed and says
/// how it was received; `case open --situation representative` registers the representative for redaction
/// (the other situations: CaseSetUpTests).
final class EntryWarningsTests: XCTestCase {
    private struct World {
        var org: String
        var client: String
        var caseID: String
    }

    private func makeWorld(_ sandbox: Sandbox) throws -> World {
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        let org = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        sandbox.environment["CASEVAULT_ADVOCATE"] = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        let client = try id(sandbox, ["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14", "--nhs-number", "943 476 5919",
                                      "--address", "12 Orchard Close, Norwich"])
        let caseID = try id(sandbox, ["case", "open", "--client", "Margaret Ellis", "--org", "Norfolk NHS Complaints Advocacy",
                                      "--advocate", "Sam Carter", "--nhs-body", "trust-X"])
        try Data("I agree. Signed M. Ellis\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("form.txt")))
        return World(org: org, client: client, caseID: caseID)
    }

    private func id(_ sandbox: Sandbox, _ arguments: [String]) throws -> String {
        let result = try sandbox.run(arguments + ["--json"])
        XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
        return try XCTUnwrap(try sandbox.json(result)["id"] as? String)
    }

    private func consents(_ sandbox: Sandbox, _ world: World) throws -> [[String: Any]] {
        let listed = try sandbox.run(["consent", "list", "--case", world.caseID, "--json"])
        XCTAssertEqual(listed.exitCode, 0, listed.stderr)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
    }

    /// Refused in a script: exit 1, the warning and its fix, the hint to add --yes, and nothing recorded.
    private func assertNeedsConfirmation(_ result: CLIResult, warning: String, _ sandbox: Sandbox, _ world: World,
                                         file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(result.exitCode, 1, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("casevault: warning: ") && result.stderr.contains(warning), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("nothing was recorded"), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("casevault: hint: ") && result.stderr.contains("--yes"), result.stderr, file: file, line: line)
        XCTAssertEqual(try consents(sandbox, world).count, 0, "nothing recorded", file: file, line: line)
    }

    func testAnExpiredConsentIsWarnedAboutAndNeedsYes() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let arguments = ["consent", "record", "--case", world.caseID, "--person", "Margaret Ellis", "--kind", "written_consent",
                         "--grantee", "Norfolk NHS Complaints Advocacy", "--actions", "view_documents", "--form", "form.txt",
                         "--signed-on", "2025-01-10"]
        try assertNeedsConfirmation(try sandbox.run(arguments), warning: "ran out on 2026-01-09", sandbox, world)
        let confirmed = try sandbox.run(arguments + ["--yes"])
        XCTAssertEqual(confirmed.exitCode, 0, confirmed.stderr)
        XCTAssertTrue(confirmed.stderr.contains("ran out on 2026-01-09"), "the warning is still shown: \(confirmed.stderr)")
        XCTAssertEqual(try consents(sandbox, world).count, 1)

        // A consent signed yesterday is not questioned.
        let fresh = try sandbox.run(Array(arguments.dropLast()) + [VaultCommandsTests.yesterday])
        XCTAssertEqual(fresh.exitCode, 0, fresh.stderr)
        XCTAssertFalse(fresh.stderr.contains("ran out"), fresh.stderr)
    }

    func testAnUnregisteredLPAIsWarnedAboutAndNeedsYes() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        _ = try id(sandbox, ["person", "add", "--name", "Joanne Ellis"])
        let arguments = ["consent", "record", "--case", world.caseID, "--person", "Margaret Ellis", "--kind", "lpa_health_welfare",
                         "--grantee", "Joanne Ellis", "--matters", "health,complaints"]
        try assertNeedsConfirmation(try sandbox.run(arguments), warning: "add --registered", sandbox, world)
        let registered = try sandbox.run(arguments + ["--registered", "--evidence", "opg_registration"])
        XCTAssertEqual(registered.exitCode, 0, registered.stderr)
        XCTAssertFalse(registered.stderr.contains("--registered"), registered.stderr)
    }

    func testAClientWhoHasDiedCannotGiveTheirOwnConsent() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        XCTAssertEqual(try sandbox.run(["person", "update", "Margaret Ellis", "--died-on", "2025-06-01"]).exitCode, 0)
        let arguments = ["consent", "record", "--case", world.caseID, "--person", "Margaret Ellis", "--kind", "written_consent",
                         "--grantee", "Norfolk NHS Complaints Advocacy", "--actions", "view_documents", "--form", "form.txt",
                         "--signed-on", VaultCommandsTests.yesterday]
        try assertNeedsConfirmation(try sandbox.run(arguments), warning: "personal representative", sandbox, world)
        XCTAssertEqual(try sandbox.run(arguments + ["--yes"]).exitCode, 0)
    }

    /// After a death the client is the personal representative: their consent, given by name, is stored with
    /// their id and is not questioned; the patient's own name as the giver still is.
    func testAfterADeathTheRepresentativesConsentByNameIsAccepted() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let widow = try id(sandbox, ["person", "add", "--name", "Joan Ellis"])
        XCTAssertEqual(try sandbox.run(["person", "update", "Margaret Ellis", "--died-on", "2025-06-01"]).exitCode, 0)
        let standing = try sandbox.run(["consent", "record", "--case", world.caseID, "--person", "Margaret Ellis",
                                        "--kind", "personal_representative", "--grantee", "Joan Ellis", "--evidence", "grant_of_probate"])
        XCTAssertEqual(standing.exitCode, 0, standing.stderr)
        let consent = ["consent", "record", "--case", world.caseID, "--person", "Margaret Ellis", "--kind", "written_consent",
                       "--grantee", "Norfolk NHS Complaints Advocacy", "--actions", "view_documents", "--form", "form.txt",
                       "--signed-on", VaultCommandsTests.yesterday]
        let own = try sandbox.run(consent + ["--granted-by", "Margaret Ellis"])
        XCTAssertEqual(own.exitCode, 1, own.stderr)
        XCTAssertTrue(own.stderr.contains("recorded as having died"), own.stderr)
        let hers = try sandbox.run(consent + ["--granted-by", "Joan Ellis", "--json"])
        XCTAssertEqual(hers.exitCode, 0, hers.stderr)
        XCTAssertFalse(hers.stderr.contains("having died"), hers.stderr)
        let shown = try sandbox.json(try sandbox.run(["consent", "show", try XCTUnwrap(try sandbox.json(hers)["id"] as? String), "--json"]))
        XCTAssertEqual((shown["authority"] as? [String: Any])?["granted_by"] as? String, widow)
    }

    func testCapacityForAnotherDecisionNeedsYes() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let arguments = ["capacity", "record", "--person", "Margaret Ellis", "--decision", "moving into a care home",
                         "--date", VaultCommandsTests.yesterday, "--result", "lacks_capacity", "--assessor", "Dr B"]
        let refused = try sandbox.run(arguments)
        XCTAssertEqual(refused.exitCode, 1, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--decision \"conduct NHS complaint\"") && refused.stderr.contains("--yes"), refused.stderr)
        let listed = try sandbox.run(["capacity", "list", "--person", world.client, "--json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])?.count, 0, "nothing recorded")
        XCTAssertEqual(try sandbox.run(arguments + ["--yes"]).exitCode, 0)
    }

    /// On a terminal the advocate is asked (y/N): "n" records nothing, "y" records. util-linux `script` gives the
    /// command a pseudo-terminal; the answer is typed into it.
    func testOnATerminalTheAdvocateIsAskedAndOnlyYesRecords() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("SKIPPED: no /usr/bin/script for a terminal") }
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let command = [try casevaultBinary().path, "capacity", "record", "--person", "'Margaret Ellis'", "--decision", "'moving into a care home'",
                       "--date", VaultCommandsTests.yesterday, "--result", "lacks_capacity", "--assessor", "'Dr B'"].joined(separator: " ")
        func answer(_ reply: String) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", command, "/dev/null"]
            process.currentDirectoryURL = URL(fileURLWithPath: sandbox.path("."))
            process.environment = sandbox.actingEnvironment
            let input = Pipe(), output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            try process.run()
            input.fileHandleForWriting.write(Data((reply + "\n").utf8))
            try input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        func count() throws -> Int? {
            let listed = try sandbox.run(["capacity", "list", "--person", world.client, "--json"])
            return (try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [Any])?.count
        }
        let (refusedStatus, refused) = try answer("n")
        XCTAssertEqual(refusedStatus, 1, refused)
        XCTAssertTrue(refused.contains("Record it anyway? [y/N]") && refused.contains("not confirmed"), refused)
        XCTAssertEqual(try count(), 0)
        let (acceptedStatus, accepted) = try answer("y")
        XCTAssertEqual(acceptedStatus, 0, accepted)
        XCTAssertEqual(try count(), 1)
    }

    func testWithdrawalNeedsHowItWasReceivedAndConfirmation() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let consent = try id(sandbox, ["consent", "record", "--case", world.caseID, "--person", "Margaret Ellis", "--kind", "written_consent",
                                       "--grantee", "Norfolk NHS Complaints Advocacy", "--actions", "view_documents", "--form", "form.txt",
                                       "--signed-on", VaultCommandsTests.yesterday])
        func status() throws -> String? {
            try consents(sandbox, world).first.flatMap { ($0["authority"] as? [String: Any])?["withdrawn_on"] as? String }
        }
        let unsaid = try sandbox.run(["consent", "withdraw", consent, "--yes"])
        XCTAssertEqual(unsaid.exitCode, 64, unsaid.stderr)
        XCTAssertTrue(unsaid.stderr.contains("--received-by"), unsaid.stderr)
        let unconfirmed = try sandbox.run(["consent", "withdraw", consent, "--received-by", "phone"])
        XCTAssertEqual(unconfirmed.exitCode, 1, unconfirmed.stderr)
        XCTAssertTrue(unconfirmed.stderr.contains("cannot be undone") && unconfirmed.stderr.contains("--yes"), unconfirmed.stderr)
        XCTAssertNil(try status(), "not withdrawn without confirmation")

        let withdrawn = try sandbox.run(["consent", "withdraw", consent, "--received-by", "phone", "--yes"])
        XCTAssertEqual(withdrawn.exitCode, 0, withdrawn.stderr)
        XCTAssertNotNil(try status())
        let shown = try sandbox.run(["consent", "show", consent, "--json"])
        XCTAssertEqual(try sandbox.json(shown)["withdrawal_received_by"] as? String, "phone")
        XCTAssertTrue(try sandbox.run(["consent", "show", consent]).stdout.contains("received by phone"))
    }

    func testOpeningARepresentativeCaseRegistersTheRepresentative() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let representative = try id(sandbox, ["person", "add", "--name", "David Ellis"])
        let consent = ["--nhs-body", "trust-X", "--consent-form", "form.txt", "--signed-on", Self.yesterday, "--actions", "view_documents"]
        let opened = try sandbox.run(["case", "open", "--client", "Margaret Ellis", "--org", "Norfolk NHS Complaints Advocacy",
                                      "--advocate", "Sam Carter", "--situation", "representative", "--representative", "David Ellis"] + consent)
        XCTAssertEqual(opened.exitCode, 0, opened.stderr)
        XCTAssertTrue(opened.stderr.contains("casevault: registered David Ellis on"), opened.stderr)
        let caseID = opened.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let people = try sandbox.run(["redact", "list", "--case", caseID, "--json"])
        XCTAssertEqual(people.exitCode, 0, people.stderr)
        XCTAssertTrue(people.stdout.contains(representative) && people.stdout.contains("\"representative\""), people.stdout)
        _ = world

        // A misspelt representative or one without the situation opens nothing.
        let before = try sandbox.run(["case", "list", "--json"]).stdout
        XCTAssertNotEqual(try sandbox.run(["case", "open", "--client", "Margaret Ellis", "--org", "Norfolk NHS Complaints Advocacy",
                                           "--situation", "representative", "--representative", "Nobody Known"] + consent).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["case", "open", "--client", "Margaret Ellis", "--org", "Norfolk NHS Complaints Advocacy",
                                        "--representative", "David Ellis"]).exitCode, 64)
        XCTAssertEqual(try sandbox.run(["case", "list", "--json"]).stdout, before)

        let help = try sandbox.run(["case", "open", "--help"])
        XCTAssertEqual(help.exitCode, 0, help.stderr)
        // The parser wraps the text to the width of the screen: compare words, not lines.
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for situation in ["patient:", "representative:", "attorney:", "deputy:", "child:", "after-death:"] {
            XCTAssertTrue(text.contains(situation), "help explains \(situation): \(text)")
        }
        XCTAssertTrue(text.contains("Two records are needed: the LPA itself"), text)
        XCTAssertTrue(text.contains("The client is NOT the patient"), text)
    }
}
