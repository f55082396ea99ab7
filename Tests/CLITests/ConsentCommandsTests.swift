import Foundation
import XCTest

/// The consent engine through the CLI: `consent evaluate` on every scenario, and enforcement on the
/// commands that act on a case (refusal = exit 3 with the rule and what would allow it).
final class ConsentCommandsTests: XCTestCase {
    private var scenarioFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ConsentTests/Scenarios/scenarios.json")
    }

    func testConsentEvaluateDecidesEveryScenarioFromStdinWithTheRightExitCode() throws {
        let sandbox = try Sandbox()
        let data = try Data(contentsOf: scenarioFile)
        let scenarios = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(scenarios.count, 40)
        for scenario in scenarios {
            let id = scenario["id"] as? String ?? "?"
            let result = try sandbox.run(["consent", "evaluate", "-"], stdin: try JSONSerialization.data(withJSONObject: scenario))
            let expected = try XCTUnwrap(scenario["expected"] as? String)
            XCTAssertEqual(result.exitCode, expected == "deny" ? 3 : 0, "\(id): \(result.stderr)")
            let decision = try sandbox.json(result)
            XCTAssertEqual(decision["decision"] as? String, expected, id)
            XCTAssertEqual(Set(decision["rule_ids"] as? [String] ?? []), Set(scenario["rule_ids"] as? [String] ?? []), id)
            XCTAssertFalse((decision["explanation"] as? [String] ?? []).isEmpty, id)
        }
    }

    func testConsentEvaluateReadsAFileAndTheSharedExamples() throws {
        let shared = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/consent-examples.json")
        guard FileManager.default.fileExists(atPath: shared.path) else {
            throw XCTSkip("../shared/consent-examples.json is absent: the shared examples were NOT run through the CLI")
        }
        let sandbox = try Sandbox()
        let examples = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: shared)) as? [[String: Any]])
        for (index, example) in examples.enumerated() {
            let path = sandbox.path("example-\(index).json")
            try JSONSerialization.data(withJSONObject: example).write(to: URL(fileURLWithPath: path))
            let result = try sandbox.run(["consent", "evaluate", path])
            XCTAssertEqual(try sandbox.json(result)["decision"] as? String, example["expected"] as? String, "\(example["id"] ?? index)")
        }
    }

    func testConsentEvaluateNamesTheBadField() throws {
        let sandbox = try Sandbox()
        let data = try Data(contentsOf: scenarioFile)
        var scenario = try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [[String: Any]])?.first)
        var request = try XCTUnwrap(scenario["request"] as? [String: Any])
        request["date"] = "1 March 2025"
        scenario["request"] = request
        let result = try sandbox.run(["consent", "evaluate", "-"], stdin: try JSONSerialization.data(withJSONObject: scenario))
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertTrue(result.stderr.contains("request.date"), result.stderr)
        XCTAssertTrue(result.stderr.contains("YYYY-MM-DD"), result.stderr)
        XCTAssertEqual(result.stdout, "")
    }

    // MARK: - Enforcement

    struct World {
        var org: String
        var advocate: String
        var colleague: String
        var partnerOrg: String
        var partner: String
        var partnerManager: String
        var client: String
        var caseID: String
    }

    func makeWorld(_ sandbox: Sandbox) throws -> World {
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        func id(_ arguments: [String]) throws -> String {
            let result = try sandbox.run(arguments + ["--json"])
            XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
            return try XCTUnwrap(try sandbox.json(result)["id"] as? String)
        }
        let org = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        let partnerOrg = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        let advocate = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        let colleague = try sandbox.adminID(["advocate", "add", "Priya Shah", "--org", org])
        let partner = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", partnerOrg])
        let partnerManager = try sandbox.adminID(["advocate", "add", "Robin Hale", "--org", partnerOrg, "--role", "manager"])
        sandbox.environment["CASEVAULT_ADVOCATE"] = advocate
        let client = try id(["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14", "--nhs-number", "943 476 5919",
                             "--address", "12 Orchard Close, Norwich"])
        let caseID = try id(["case", "open", "--client", client, "--org", org, "--advocate", advocate, "--nhs-body", "trust-X",
                             "--incident-date", "2025-01-15", "--complaint-date", "2025-03-03"])
        sandbox.environment["CASEVAULT_ADVOCATE"] = advocate
        return World(org: org, advocate: advocate, colleague: colleague, partnerOrg: partnerOrg, partner: partner, partnerManager: partnerManager, client: client, caseID: caseID)
    }

    func recordConsent(_ sandbox: Sandbox, _ world: World, grantee: String, actions: String, extra: [String] = []) throws -> String {
        let form = sandbox.path("form-\(UUID().uuidString).txt")
        try Data("I agree. Signed M. Ellis\n".utf8).write(to: URL(fileURLWithPath: form))
        let result = try sandbox.run(["consent", "record", "--case", world.caseID, "--person", world.client, "--kind", "written_consent",
                                      "--grantee", grantee, "--actions", actions, "--form", form, "--signed-on", VaultCommandsTests.yesterday,
                                      "--json"] + extra)
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        return try XCTUnwrap(try sandbox.json(result)["id"] as? String)
    }

    func assertRefused(_ result: CLIResult, _ rule: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(result.exitCode, 3, result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains("refused by the consent rules"), result.stderr, file: file, line: line)
        XCTAssertTrue(result.stderr.contains(rule), "expected \(rule): \(result.stderr)", file: file, line: line)
        XCTAssertTrue(result.stderr.contains("casevault: hint: to proceed:"), result.stderr, file: file, line: line)
    }

    func testEnforcedCommandsRefuseWhenConsentIsMissingOutOfScopeOrWithdrawn() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        try Data("Dear Complaints Team,\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("letter.txt")))

        // Missing: nothing stored.
        assertRefused(try sandbox.run(["ingest", "--case", world.caseID, "letter.txt"]), "R-CON-1")
        XCTAssertEqual(try sandbox.json(try sandbox.run(["case", "show", world.caseID, "--json"]))["documents"] as? Int, 0)

        // In scope for ingest only: ingest works, reading is out of scope.
        let ingestOnly = try recordConsent(sandbox, world, grantee: world.org, actions: "ingest_document")
        let ingested = try sandbox.run(["ingest", "--case", world.caseID, "letter.txt", "--json"])
        XCTAssertEqual(ingested.exitCode, 0, ingested.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])
        let document = try XCTUnwrap(rows.first?["id"] as? String)
        assertRefused(try sandbox.run(["cat", document]), "R-CON-6")
        assertRefused(try sandbox.run(["show", document]), "R-CON-6")
        assertRefused(try sandbox.run(["list", "--case", world.caseID]), "R-CON-6")

        // A consent to view: reading works; once withdrawn (today), it is refused again.
        let view = try recordConsent(sandbox, world, grantee: world.org, actions: "view_documents")
        XCTAssertEqual(try sandbox.run(["cat", document]).stdout, "Dear Complaints Team,\n")
        XCTAssertEqual(try sandbox.run(["consent", "withdraw", view, "--received-by", "letter", "--yes"]).exitCode, 0)
        assertRefused(try sandbox.run(["cat", document, "-o", "copy.txt"]), "R-CON-2")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("copy.txt")), "a refusal writes nothing")
        assertRefused(try sandbox.run(["show", document]), "R-CON-2")
        let twice = try sandbox.run(["consent", "withdraw", view, "--received-by", "letter", "--yes"])
        XCTAssertEqual(twice.exitCode, 1)
        XCTAssertTrue(twice.stderr.contains("already withdrawn"), twice.stderr)

        XCTAssertEqual(try sandbox.run(["consent", "withdraw", ingestOnly, "--received-by", "letter", "--yes"]).exitCode, 0)
        assertRefused(try sandbox.run(["ingest", "--case", world.caseID, "letter.txt", "--allow-duplicate"]), "R-CON-2")

        // Every refusal is in the audit log with its decision and rules; the chain still verifies.
        let log = try sandbox.asAdmin(["audit", "log", "--case", world.caseID, "--json"])
        let events = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]])
        let refusals = events.filter { $0["action"] as? String == "consent.decision" && $0["decision"] as? String == "deny" }
        // ingest (none), cat/show/list (scope), cat/show (withdrawn), ingest (both withdrawn)
        XCTAssertEqual(refusals.count, 7, "\(refusals)")
        XCTAssertEqual(refusals.first?["rule_ids"] as? [String], ["R-CON-1"])
        XCTAssertTrue(refusals.last.map { ($0["rule_ids"] as? [String] ?? []).contains("R-CON-2") } ?? false)
        XCTAssertEqual(try sandbox.run(["audit", "verify"]).exitCode, 0)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--json"]))["ok"] as? Bool, true)
    }

    func testNamedAdvocateColleagueMustAcknowledgeAndPartnerNeedsAConsentedTransfer() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        _ = try recordConsent(sandbox, world, grantee: world.advocate, actions: "view_documents,ingest_document")
        try Data("notes\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("notes.md")))
        XCTAssertEqual(try sandbox.run(["ingest", "--case", world.caseID, "notes.md"]).exitCode, 0)

        // A colleague (assigned, so they hold the case key): warned, and must acknowledge R-CON-7 before proceeding.
        XCTAssertEqual(try sandbox.run(["case", "assign", world.caseID, world.colleague]).exitCode, 0)
        let unacknowledged = try sandbox.run(["list", "--case", world.caseID, "--as", world.colleague])
        XCTAssertEqual(unacknowledged.exitCode, 3, unacknowledged.stderr)
        XCTAssertTrue(unacknowledged.stderr.contains("warning: R-CON-7"), unacknowledged.stderr)
        XCTAssertTrue(unacknowledged.stderr.contains("--acknowledge R-CON-7"), unacknowledged.stderr)
        let acknowledged = try sandbox.run(["list", "--case", world.caseID, "--as", world.colleague, "--acknowledge", "R-CON-7"])
        XCTAssertEqual(acknowledged.exitCode, 0, acknowledged.stderr)
        XCTAssertTrue(acknowledged.stderr.contains("warning: R-CON-7"), "the warning is still shown")

        // A partner organisation: refused until a transfer the person agreed to.
        assertRefused(try sandbox.run(["list", "--case", world.caseID, "--as", world.partner]), "R-CON-8")
        XCTAssertEqual(try sandbox.run(["case", "transfer", world.caseID, "--to", world.partnerOrg, "--without-consent"]).exitCode, 0)
        assertRefused(try sandbox.run(["list", "--case", world.caseID, "--as", world.partner]), "R-CON-8")
        // The case now belongs to the partner: its old advocate no longer changes it; the partner's manager does.
        XCTAssertEqual(try sandbox.run(["case", "transfer", world.caseID, "--to", world.org, "--without-consent"]).exitCode, 3)
        XCTAssertEqual(try sandbox.run(["case", "transfer", world.caseID, "--to", world.org, "--without-consent", "--advocate", world.advocate, "--as", world.partnerManager]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["case", "transfer", world.caseID, "--to", world.partnerOrg, "--consented", "--advocate", world.partner]).exitCode, 0)
        // The consent named an advocate of org-A; after a consented transfer the partner (assigned by it) may act.
        let transferred = try sandbox.run(["list", "--case", world.caseID, "--as", world.partner])
        XCTAssertEqual(transferred.exitCode, 0, transferred.stderr)

        // Without anyone acting, nothing on the case can be checked.
        let nobody = try sandbox.run(["list", "--case", world.caseID], environment: ["CASEVAULT_ADVOCATE": ""])
        XCTAssertNotEqual(nobody.exitCode, 0)
    }

    func testWrittenConsentNeedsItsFormAndTheFormIsStoredEncryptedAndLinked() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let missing = try sandbox.run(["consent", "record", "--case", world.caseID, "--person", world.client, "--kind", "written_consent",
                                       "--grantee", world.org, "--actions", "view_documents"])
        XCTAssertEqual(missing.exitCode, 1)
        XCTAssertTrue(missing.stderr.contains("--form FILE --signed-on"), missing.stderr)
        let badAction = try sandbox.run(["consent", "record", "--case", world.caseID, "--person", world.client, "--kind", "verbal_consent",
                                         "--grantee", world.org, "--actions", "read_everything"])
        XCTAssertNotEqual(badAction.exitCode, 0)
        XCTAssertTrue(badAction.stderr.contains("read_everything"), badAction.stderr)
        let none = try sandbox.run(["consent", "list", "--case", world.caseID, "--json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(none.stdout.utf8)) as? [Any])?.count, 0,
                       "nothing was recorded by the refused attempts")

        let marker = "CONSENT-FORM-MARKER-\(UUID().uuidString)"
        let form = sandbox.path("signed.txt")
        try Data("\(marker)\nSigned: M. Ellis\n".utf8).write(to: URL(fileURLWithPath: form))
        let recorded = try sandbox.run(["consent", "record", "--case", world.caseID, "--person", world.client, "--kind", "written_consent",
                                        "--grantee", world.org, "--actions", "view_documents", "--bodies", "trust-X,phso",
                                        "--form", form, "--signed-on", VaultCommandsTests.yesterday, "--witness", "duty manager", "--json"])
        XCTAssertEqual(recorded.exitCode, 0, recorded.stderr)
        let created = try sandbox.json(recorded)
        let consentID = try XCTUnwrap(created["id"] as? String)
        let formDocument = try XCTUnwrap(created["form_document"] as? String)

        let shown = try sandbox.json(try sandbox.run(["consent", "show", consentID, "--json"]))
        XCTAssertEqual(shown["form_document_id"] as? String, formDocument)
        let authority = try XCTUnwrap(shown["authority"] as? [String: Any])
        let storedForm = try XCTUnwrap(authority["form"] as? [String: Any])
        XCTAssertEqual(storedForm["nhs_number"] as? String, "9434765919", "identifiers come from the person record")
        XCTAssertEqual(storedForm["date"] as? String, VaultCommandsTests.yesterday)
        XCTAssertEqual((authority["scope"] as? [String: Any])?["organisations"] as? [String], ["trust-X", "phso"])
        XCTAssertEqual(try sandbox.run(["cat", formDocument]).stdout, "\(marker)\nSigned: M. Ellis\n")
        let listed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sandbox.run(["list", "--case", world.caseID, "--json"]).stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(listed.first { $0["id"] as? String == formDocument }?["kind"] as? String, "consent_form")

        // Neither the form nor the consent record is readable at rest.
        let enumerator = FileManager.default.enumerator(atPath: sandbox.path("vault"))
        while let name = enumerator?.nextObject() as? String {
            let contents = (try? Data(contentsOf: URL(fileURLWithPath: sandbox.path("vault/" + name)))) ?? Data()
            XCTAssertNil(contents.range(of: Data(marker.utf8)), name)
            XCTAssertNil(contents.range(of: Data("duty manager".utf8)), name)
            XCTAssertNil(contents.range(of: Data("written_consent".utf8)), name)
        }
    }

    func testAttorneyRouteFollowsCapacityAssessmentsAndDeadlinesAreListed() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let attorney = try XCTUnwrap(try sandbox.json(try sandbox.run(["person", "add", "--name", "Joanne Ellis", "--json"]))["id"] as? String)
        let lpa = try sandbox.run(["consent", "record", "--case", world.caseID, "--person", world.client, "--kind", "lpa_health_welfare",
                                   "--grantee", attorney, "--registered", "--evidence", "opg_registration", "--matters", "health,complaints"])
        XCTAssertEqual(lpa.exitCode, 0, lpa.stderr)
        let form = sandbox.path("attorney-form.txt")
        try Data("Signed by the attorney\n".utf8).write(to: URL(fileURLWithPath: form))
        let chained = try sandbox.run(["consent", "record", "--case", world.caseID, "--person", world.client, "--kind", "written_consent",
                                       "--grantee", world.org, "--granted-by", attorney, "--actions", "view_documents,check_deadlines",
                                       "--form", form, "--signed-on", VaultCommandsTests.yesterday])
        XCTAssertEqual(chained.exitCode, 0, chained.stderr)

        // The donor is presumed to have capacity: the attorney cannot decide for her.
        assertRefused(try sandbox.run(["list", "--case", world.caseID]), "R-LPA-1")
        let assessed = try sandbox.run(["capacity", "record", "--person", world.client, "--decision", "conduct NHS complaint",
                                        "--date", VaultCommandsTests.yesterday, "--result", "lacks_capacity", "--assessor", "Dr B"])
        XCTAssertEqual(assessed.exitCode, 0, assessed.stderr)
        let check = try sandbox.run(["consent", "check", "--case", world.caseID, "--action", "view_documents", "--json"])
        XCTAssertEqual(check.exitCode, 0, check.stderr)
        XCTAssertEqual(Set(try sandbox.json(check)["rule_ids"] as? [String] ?? []), ["R-CON-1", "R-LPA-1"])
        XCTAssertEqual(try sandbox.run(["list", "--case", world.caseID]).exitCode, 0)

        // Deadlines: the complaint was made 2025-03-03, never acknowledged or answered.
        let deadlines = try sandbox.run(["deadlines", "--case", world.caseID, "--json"])
        XCTAssertEqual(deadlines.exitCode, 0, deadlines.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(deadlines.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["rule_id"] as? String }, ["R-TIME-3", "R-TIME-4", "R-TIME-1"])
        XCTAssertEqual(rows.first?["due"] as? String, "2025-03-06")
        XCTAssertEqual(rows.first?["status"] as? String, "overdue")
        let dueDates = rows.compactMap { $0["due"] as? String }
        XCTAssertEqual(dueDates, dueDates.sorted(), "soonest first")

        // A partner advocate sees no deadlines for a case they have no authority on.
        let partnerView = try sandbox.run(["deadlines", "--json", "--as", world.partner])
        XCTAssertEqual(try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(partnerView.stdout.utf8)) as? [Any]).count, 0)
    }

    /// R-CON-9 (clarified 2026-12-02): a verbal consent counts only with who took it and when, so the CLI
    /// refuses to record one without both and says what to add; with both it allows low-risk steps with a warning.
    func testVerbalConsentIsRefusedWithoutWhoTookItAndWhen() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let verbal = ["consent", "record", "--case", world.caseID, "--person", world.client, "--kind", "verbal_consent",
                      "--grantee", world.org, "--actions", "view_documents,draft_letter"]
        let neither = try sandbox.run(verbal)
        XCTAssertNotEqual(neither.exitCode, 0)
        XCTAssertTrue(neither.stderr.contains("--recorded-by") && neither.stderr.contains("--recorded-on"), neither.stderr)
        let noDate = try sandbox.run(verbal + ["--recorded-by", world.advocate])
        XCTAssertNotEqual(noDate.exitCode, 0)
        XCTAssertTrue(noDate.stderr.contains("--recorded-on"), noDate.stderr)
        XCTAssertFalse(noDate.stderr.contains("--recorded-by NAME"), "only what is missing is asked for: \(noDate.stderr)")
        let noTaker = try sandbox.run(verbal + ["--recorded-on", VaultCommandsTests.yesterday])
        XCTAssertNotEqual(noTaker.exitCode, 0)
        XCTAssertTrue(noTaker.stderr.contains("--recorded-by"), noTaker.stderr)
        let none = try sandbox.run(["consent", "list", "--case", world.caseID, "--json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(none.stdout.utf8)) as? [Any])?.count, 0,
                       "nothing was recorded by the refused attempts")

        let recorded = try sandbox.run(verbal + ["--recorded-by", world.advocate, "--recorded-on", VaultCommandsTests.yesterday, "--json"])
        XCTAssertEqual(recorded.exitCode, 0, recorded.stderr)
        let id = try XCTUnwrap(try sandbox.json(recorded)["id"] as? String)
        let authority = try XCTUnwrap(try sandbox.json(try sandbox.run(["consent", "show", id, "--json"]))["authority"] as? [String: Any])
        XCTAssertEqual(authority["recorded_by"] as? String, world.advocate)
        XCTAssertEqual(authority["recorded_on"] as? String, VaultCommandsTests.yesterday)
        let check = try sandbox.run(["consent", "check", "--case", world.caseID, "--action", "draft_letter", "--json"])
        XCTAssertEqual(check.exitCode, 0, check.stderr)
        let decision = try sandbox.json(check)
        XCTAssertEqual(decision["decision"] as? String, "warn")
        XCTAssertEqual(decision["rule_ids"] as? [String], ["R-CON-9"])
    }

    /// Capacity is decision-specific (R-CAP-2): `capacity record` says when an assessment will not count, and
    /// `capacity list` shows which assessments count for the complaint.
    func testCapacityListShowsWhichAssessmentsCountForTheComplaint() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        func record(_ decision: String, _ result: String, _ extra: [String] = [], exit: Int32 = 0) throws -> CLIResult {
            let run = try sandbox.run(["capacity", "record", "--person", world.client, "--decision", decision,
                                       "--date", VaultCommandsTests.yesterday, "--result", result, "--assessor", "Dr B"] + extra)
            XCTAssertEqual(run.exitCode, exit, run.stderr)
            return run
        }
        // Another decision is warned about at entry; a script must confirm it with --yes, else nothing is recorded.
        let unconfirmed = try record("managing her finances", "lacks_capacity", exit: 1)
        XCTAssertTrue(unconfirmed.stderr.contains("not about the complaint"), unconfirmed.stderr)
        XCTAssertTrue(unconfirmed.stderr.contains("nothing was recorded") && unconfirmed.stderr.contains("--yes"), unconfirmed.stderr)
        let none = try sandbox.run(["capacity", "list", "--person", world.client, "--json"])
        XCTAssertEqual((try JSONSerialization.jsonObject(with: Data(none.stdout.utf8)) as? [[String: Any]])?.count, 0, "an unconfirmed record is not stored")
        let finances = try record("managing her finances", "lacks_capacity", ["--yes"])
        XCTAssertTrue(finances.stderr.contains("not about the complaint"), finances.stderr)
        XCTAssertFalse(finances.stderr.contains("managing her finances"), "the decision text is not echoed: \(finances.stderr)")
        let complaint = try record("Making a complaint about NHS care", "has_capacity")
        XCTAssertFalse(complaint.stderr.contains("not about the complaint"), complaint.stderr)

        let listed = try sandbox.run(["capacity", "list", "--person", world.client, "--json"])
        XCTAssertEqual(listed.exitCode, 0, listed.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        let counts = Dictionary(uniqueKeysWithValues: rows.compactMap { row -> (String, Bool)? in
            guard let assessment = row["assessment"] as? [String: Any], let decision = assessment["decision"] as? String,
                  let flag = row["counts_for_complaint"] as? Bool else { return nil }
            return (decision, flag)
        })
        XCTAssertEqual(counts, ["managing her finances": false, "Making a complaint about NHS care": true])
        let table = try sandbox.run(["capacity", "list", "--person", world.client])
        XCTAssertTrue(table.stdout.contains("COMPLAINT") && table.stdout.contains("other decision") && table.stdout.contains("counts"), table.stdout)

        // Issue 18: without the key, vault.db does not say that these are capacity assessments (type, id or action).
        XCTAssertTrue(complaint.stdout.hasPrefix("rec-"), complaint.stdout)
        if !Sandbox.onPostgres {  // vault.db is read with sqlite3 here; a PostgreSQL vault has none
            XCTAssertEqual(try SealedColumnsTests.sqlite(sandbox.path("vault/vault.db"),
                                                         "SELECT count(*) FROM consent_records WHERE record_type = 'capacity' OR id LIKE 'cap-%'"), "0")
            try SealedColumnsTests.assertNotInDatabase(["capacity.record", "cap-", "\"capacity\""], sandbox)
        }
    }
}
