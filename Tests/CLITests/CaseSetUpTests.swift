import Foundation
import XCTest

/// Issue 20, point 6: `case open --situation` makes the situation's records with the case, in one transaction:
/// the consent or the holder's instruction, the legal authority behind it, the death, and the representative
/// registered for redaction. Anything missing or refused leaves the vault as it was.
final class CaseSetUpTests: XCTestCase {
    private var sandbox: Sandbox!
    private var org = ""

    override func setUpWithError() throws {
        sandbox = try Sandbox()
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        org = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        sandbox.environment["CASEVAULT_ADVOCATE"] = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        _ = try id(["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14", "--nhs-number", "943 476 5919",
                    "--address", "12 Orchard Close, Norwich"])
        _ = try write(sandbox, "consent.txt", "I agree. Signed, and dated.\n")
        _ = try write(sandbox, "order.txt", "The order or grant.\n")
    }

    override func tearDown() { sandbox = nil }

    private func id(_ arguments: [String]) throws -> String {
        let result = try sandbox.run(arguments + ["--json"])
        XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
        return try XCTUnwrap(try sandbox.json(result)["id"] as? String)
    }

    private func open(_ situation: String, _ more: [String], actions: String = "view_documents,ingest_document,draft_letter,receive_records") throws -> CLIResult {
        try sandbox.run(["case", "open", "--client", "Margaret Ellis", "--org", "Norfolk NHS Complaints Advocacy", "--advocate", "Sam Carter",
                         "--nhs-body", "trust-X", "--situation", situation, "--consent-form", "consent.txt", "--signed-on", Self.yesterday,
                         "--actions", actions] + more)
    }

    /// The case and its records, as `case open --json` reported them.
    private func opened(_ result: CLIResult, file: StaticString = #filePath, line: UInt = #line) throws -> (String, [[String: Any]]) {
        XCTAssertEqual(result.exitCode, 0, result.stderr, file: file, line: line)
        let json = try sandbox.json(result)
        let caseID = try XCTUnwrap(json["id"] as? String, file: file, line: line)
        return (caseID, try XCTUnwrap(json["authorities"] as? [[String: Any]], file: file, line: line))
    }

    private func check(_ caseID: String, _ action: String) throws -> CLIResult {
        try sandbox.run(["consent", "check", "--case", caseID, "--action", action])
    }

    func testPatientSituationRecordsTheirConsentWithTheCase() throws {
        let (caseID, authorities) = try opened(try open("patient", ["--json"]))
        XCTAssertEqual(authorities.map { $0["kind"] as? String }, ["written_consent"])
        XCTAssertEqual(authorities.first?["grantee"] as? String, org)
        let form = try XCTUnwrap(authorities.first?["form_document"] as? String)
        let documents = try sandbox.run(["list", "--case", caseID, "--json"])
        XCTAssertTrue(documents.stdout.contains(form) && documents.stdout.contains("consent_form"), documents.stdout)
        let allowed = try check(caseID, "draft_letter")
        XCTAssertEqual(allowed.exitCode, 0, allowed.stdout)
        XCTAssertTrue(allowed.stdout.hasPrefix("ALLOW"), allowed.stdout)
        XCTAssertEqual(try check(caseID, "attend_meeting").exitCode, 3, "only the actions given are covered")
    }

    func testRepresentativeSituationRecordsTheConsentNamingBothAndRegistersThem() throws {
        let representative = try id(["person", "add", "--name", "David Ellis"])
        let result = try open("representative", ["--representative", "David Ellis", "--json"])
        let (caseID, authorities) = try opened(result)
        XCTAssertEqual(authorities.map { $0["grantee"] as? String }, [representative, org], "the patient's consent names him and the service")
        XCTAssertEqual(Set(authorities.compactMap { $0["form_document"] as? String }).count, 1, "one signed form, stored once")
        let people = try sandbox.run(["redact", "list", "--case", caseID, "--json"])
        XCTAssertTrue(people.stdout.contains(representative) && people.stdout.contains("\"representative\""), people.stdout)
        XCTAssertEqual(try check(caseID, "view_documents").exitCode, 0)
        // In words, on a terminal's stream.
        let text = try open("representative", ["--representative", "David Ellis"])
        XCTAssertEqual(text.exitCode, 0, text.stderr)
        XCTAssertTrue(text.stderr.contains("registered David Ellis on") && text.stderr.contains("as the representative"), text.stderr)
    }

    func testAttorneySituationRecordsTheLPAAndTheAttorneysInstruction() throws {
        let attorney = try id(["person", "add", "--name", "Joanne Ellis"])
        let result = try open("attorney", ["--representative", "Joanne Ellis", "--registered", "--authority-form", "order.txt", "--json"])
        let (caseID, authorities) = try opened(result)
        XCTAssertEqual(authorities.map { $0["kind"] as? String }, ["lpa_health_welfare", "written_consent"])
        XCTAssertEqual(authorities[0]["grantee"] as? String, attorney)
        XCTAssertEqual(authorities[1]["granted_by"] as? String, attorney, "the instruction is given by the attorney")
        XCTAssertEqual(authorities[1]["grantee"] as? String, org)
        XCTAssertNotEqual(authorities[0]["form_document"] as? String, authorities[1]["form_document"] as? String)
        let lpa = try sandbox.run(["consent", "show", try XCTUnwrap(authorities[0]["id"] as? String)])
        XCTAssertTrue(lpa.stdout.contains("yes (OPG)") && lpa.stdout.contains("opg_registration"), lpa.stdout)
        XCTAssertTrue(result.stderr.contains("casevault: next: the attorney can decide only while"), result.stderr)
        // The attorney decides only once the patient lacks capacity for the complaint (R-LPA-1): the records are right
        // when the assessment makes the difference.
        XCTAssertEqual(try check(caseID, "draft_letter").exitCode, 3)
        let assessed = try sandbox.run(["capacity", "record", "--person", "Margaret Ellis", "--decision", "conduct NHS complaint",
                                        "--date", "2025-01-02", "--result", "lacks_capacity", "--assessor", "Dr Shah", "--case", caseID])
        XCTAssertEqual(assessed.exitCode, 0, assessed.stderr)
        let allowed = try check(caseID, "draft_letter")
        XCTAssertEqual(allowed.exitCode, 0, allowed.stdout)
    }

    func testAfterDeathSituationRecordsTheDeathTheStandingAndTheirOwnConsent() throws {
        let widow = try id(["person", "add", "--name", "Peter Ellis"])
        let result = try open("after-death", ["--representative", "Peter Ellis", "--died-on", "2025-06-01", "--standing", "personal-representative",
                                              "--evidence", "grant_of_probate", "--authority-form", "order.txt", "--json"])
        let (caseID, authorities) = try opened(result)
        XCTAssertEqual(try sandbox.json(result)["date_of_death"] as? String, "2025-06-01")
        XCTAssertEqual(authorities.map { $0["kind"] as? String }, ["personal_representative", "written_consent"])
        XCTAssertEqual(authorities[0]["grantee"] as? String, widow)
        XCTAssertEqual(authorities[1]["granted_by"] as? String, widow)
        let records = try check(caseID, "receive_records")
        XCTAssertEqual(records.exitCode, 0, "the personal representative's consent reaches the records (R-DEC-2): \(records.stdout)")
        XCTAssertTrue(records.stdout.contains("R-DEC-2"), records.stdout)
        let people = try sandbox.run(["redact", "list", "--case", caseID, "--json"])
        XCTAssertTrue(people.stdout.contains(widow), people.stdout)
        // Her death is on record now: a case "consented" by her is refused, and the way forward named.
        let ownConsent = try open("patient", [])
        XCTAssertEqual(ownConsent.exitCode, 1, ownConsent.stderr)
        XCTAssertTrue(ownConsent.stderr.contains("recorded as having died"), ownConsent.stderr)
        XCTAssertTrue(ownConsent.stderr.contains("hint: if the patient has died, use --situation after-death"), ownConsent.stderr)
        // A second case after the death does not need the date again.
        let again = try open("after-death", ["--representative", "Peter Ellis", "--standing", "next-of-kin", "--claim-arising-from-death", "--json"])
        let (_, made) = try opened(again)
        XCTAssertEqual(made.map { $0["kind"] as? String }, ["next_of_kin", "written_consent"])
        XCTAssertNil(try sandbox.json(again)["date_of_death"] as? String)
    }

    func testDeputySituationNeedsTheOrderAndRecordsIt() throws {
        let deputy = try id(["person", "add", "--name", "Ruth Cole"])
        let missing = try open("deputy", ["--representative", "Ruth Cole"])
        XCTAssertEqual(missing.exitCode, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("needs the court order") && missing.stderr.contains("add --authority-form"), missing.stderr)
        let (_, authorities) = try opened(try open("deputy", ["--representative", "Ruth Cole", "--authority-form", "order.txt", "--json"]))
        XCTAssertEqual(authorities.map { $0["kind"] as? String }, ["court_deputy_welfare", "written_consent"])
        XCTAssertEqual(authorities[0]["granted_by"] as? String, "court_of_protection")
        XCTAssertEqual(authorities[1]["granted_by"] as? String, deputy)
        let order = try sandbox.run(["consent", "show", try XCTUnwrap(authorities[0]["id"] as? String)])
        XCTAssertTrue(order.stdout.contains("court_order") && order.stdout.contains("health, complaints"), order.stdout)
    }

    func testChildSituationRecordsParentalResponsibilityAndTheParentsInstruction() throws {
        let child = try id(["person", "add", "--name", "Amy Clarke", "--dob", "2016-05-01", "--address", "3 Elm Road, Norwich"])
        let parent = try id(["person", "add", "--name", "Laura Clarke"])
        let result = try sandbox.run(["case", "open", "--client", "Amy Clarke", "--org", org, "--advocate", "Sam Carter", "--nhs-body", "trust-X",
                                      "--situation", "child", "--representative", "Laura Clarke", "--evidence", "birth_certificate",
                                      "--consent-form", "consent.txt", "--signed-on", Self.yesterday, "--actions", "view_documents,draft_letter", "--json"])
        let (caseID, authorities) = try opened(result)
        XCTAssertEqual(authorities.map { $0["kind"] as? String }, ["parental_responsibility", "written_consent"])
        XCTAssertEqual(authorities.map { $0["person"] as? String }, [child, child])
        XCTAssertEqual(authorities[1]["granted_by"] as? String, parent)
        XCTAssertTrue(result.stderr.contains("--gillick"), "what is left to record: \(result.stderr)")
        let allowed = try check(caseID, "draft_letter")
        XCTAssertEqual(allowed.exitCode, 0, "a parent with evidenced parental responsibility for a young child (R-CHI-1): \(allowed.stdout)")
    }

    func testAnythingMissingOrRefusedLeavesTheVaultAsItWas() throws {
        _ = try id(["person", "add", "--name", "Peter Ellis"])
        _ = try sandbox.asAdmin(["advocate", "add", "Alex Reid", "--org", org])
        func snapshot() throws -> [String] {
            let cases = try sandbox.run(["case", "list", "--json"]).stdout
            // Files only: an emptied shard folder may stay, as after any ingest that did not commit.
            let objects = (FileManager.default.enumerator(atPath: sandbox.path("vault/objects"))?.allObjects.map { "\($0)" } ?? [])
                .filter { $0.contains("/") }
            let temporary = (try? FileManager.default.contentsOfDirectory(atPath: sandbox.path("vault/tmp"))) ?? []
            return [cases] + objects.sorted() + temporary
        }
        let before = try snapshot()

        // Missing pieces are named by the options that give them.
        let missing = try sandbox.run(["case", "open", "--client", "Margaret Ellis", "--org", org, "--advocate", "Sam Carter", "--nhs-body", "trust-X",
                                       "--situation", "after-death", "--representative", "Peter Ellis", "--consent-form", "consent.txt",
                                       "--actions", "view_documents"])
        XCTAssertEqual(missing.exitCode, 1, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("casevault: error: a case for the after-death situation needs the date the patient died"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("nothing was opened or recorded"), missing.stderr)
        for option in ["add --died-on", "add --standing", "add --signed-on"] { XCTAssertTrue(missing.stderr.contains(option), missing.stderr) }
        XCTAssertFalse(missing.stderr.contains("add --consent-form"), "only what is missing: \(missing.stderr)")

        // A property and financial affairs LPA cannot stand for a complaint (R-LPA-2).
        let property = try open("attorney", ["--representative", "Peter Ellis", "--lpa-kind", "property-finance"])
        XCTAssertEqual(property.exitCode, 1, property.stderr)
        XCTAssertTrue(property.stderr.contains("R-LPA-2"), property.stderr)

        // Refused inside the transaction, after the forms were encrypted: the opener is not assigned to the case.
        let unassigned = try sandbox.run(["case", "open", "--client", "Margaret Ellis", "--org", org, "--advocate", "Alex Reid", "--nhs-body", "trust-X",
                                          "--situation", "after-death", "--representative", "Peter Ellis", "--died-on", "2025-06-01",
                                          "--standing", "next-of-kin", "--authority-form", "order.txt", "--consent-form", "consent.txt",
                                          "--signed-on", Self.yesterday, "--actions", "view_documents"])
        XCTAssertEqual(unassigned.exitCode, 3, unassigned.stderr)
        XCTAssertTrue(unassigned.stderr.contains("assigned to the case"), unassigned.stderr)

        // A form that cannot be read.
        let unreadable = try open("patient", ["--consent-form", "no-such-form.pdf"])
        XCTAssertEqual(unreadable.exitCode, 1, unreadable.stderr)
        XCTAssertTrue(unreadable.stderr.contains("could not be stored"), unreadable.stderr)

        XCTAssertEqual(try snapshot(), before, "no case, record, blob or temp file left behind")
        // The death was not recorded either: a consent of the patient's own is taken as hers (no R-DEC rule).
        let (caseID, _) = try opened(try open("patient", ["--json"]))
        let check = try check(caseID, "draft_letter")
        XCTAssertEqual(check.exitCode, 0, check.stdout)
        XCTAssertFalse(check.stdout.contains("R-DEC"), check.stdout)
        let verify = try sandbox.asAdmin(["verify"])
        XCTAssertEqual(verify.exitCode, 0, verify.stdout + verify.stderr)
    }
}
