import Foundation
import XCTest

/// The authorization rules of the core, through the CLI: every command has a row, every row refuses the wrong
/// account (exit 3, nothing changed, the refusal audited) and lets the right one through, and the bypasses found
/// by testers as a colleague of a partner organisation are closed.
final class AuthorizationTests: XCTestCase {
    struct World {
        var org: String, partnerOrg: String
        var advocate: String, colleague: String, manager: String, outsider: String, admin: String
        var client: String, thirdParty: String, caseID: String, consent: String, document: String
    }

    /// Two organisations; the case belongs to the first, assigned to `advocate`; `colleague` is an advocate of the same
    /// organisation not assigned; `outsider` an advocate of the partner organisation, with no consent at all.
    func makeWorld(_ sandbox: Sandbox) throws -> World {
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        let admin = try sandbox.initVault()
        let org = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        let partnerOrg = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        let advocate = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        let colleague = try sandbox.adminID(["advocate", "add", "Priya Shah", "--org", org])
        let manager = try sandbox.adminID(["advocate", "add", "Lee Morgan", "--org", org, "--role", "manager"])
        let outsider = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", partnerOrg])
        sandbox.environment["CASEVAULT_ADVOCATE"] = advocate
        func id(_ arguments: [String]) throws -> String {
            let result = try sandbox.run(arguments + ["--json"])
            XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
            return try XCTUnwrap(try sandbox.json(result)["id"] as? String)
        }
        let client = try id(["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14", "--nhs-number", "943 476 5919"])
        let thirdParty = try id(["person", "add", "--name", "Joanne Quenby", "--phone", "07700 900461"])
        let caseID = try id(["case", "open", "--client", client, "--org", org, "--advocate", advocate, "--nhs-body", "trust-X",
                             "--incident-date", "2025-01-15", "--complaint-date", "2025-03-03"])
        XCTAssertEqual(try sandbox.run(["case", "add-person", caseID, thirdParty, "--role", "relative"]).exitCode, 0)
        try Data("Signed: Margaret Ellis\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("form.txt")))
        let consent = try id(["consent", "record", "--case", caseID, "--person", client, "--kind", "written_consent", "--grantee", org,
                              "--actions", "view_documents,ingest_document,export_bundle,check_deadlines", "--bodies", "trust-X",
                              "--form", "form.txt", "--signed-on", VaultCommandsTests.yesterday])
        try Data("Dear Sir, my daughter Joanne Quenby and I write about the care on Ward 7.\n".utf8)
            .write(to: URL(fileURLWithPath: sandbox.path("letter.txt")))
        let ingested = try sandbox.run(["ingest", "--case", caseID, "letter.txt", "--json"])
        let document = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
        return World(org: org, partnerOrg: partnerOrg, advocate: advocate, colleague: colleague, manager: manager, outsider: outsider,
                     admin: admin, client: client, thirdParty: thirdParty, caseID: caseID, consent: consent, document: document)
    }

    @discardableResult
    func expect(_ code: Int32, _ sandbox: Sandbox, _ arguments: [String], as actor: String, _ why: String,
                file: StaticString = #filePath, line: UInt = #line) throws -> CLIResult {
        let result = try sandbox.run(arguments + ["--as", actor])
        XCTAssertEqual(result.exitCode, code, "\(why): \(arguments) \(result.stderr)", file: file, line: line)
        if code == 3 {
            XCTAssertTrue(result.stderr.contains("nothing was done"), "a refusal says nothing changed: \(result.stderr)", file: file, line: line)
            XCTAssertFalse(result.stderr.contains("Margaret") || result.stderr.contains("Quenby"), "no names in refusals", file: file, line: line)
        }
        return result
    }

    /// What the case looks like to its advocate: used before and after refused commands to show nothing changed.
    func snapshot(_ sandbox: Sandbox, _ world: World) throws -> [String] {
        try [["case", "show", world.caseID, "--json"], ["consent", "list", "--case", world.caseID, "--json"],
             ["redact", "list", "--case", world.caseID, "--json"], ["person", "show", world.client, "--json"],
             ["list", "--case", world.caseID, "--json"], ["advocate", "list", "--json"], ["capacity", "list", "--person", world.client, "--json"]]
            .map { arguments in
                let result = try sandbox.run(arguments, environment: ["CASEVAULT_ADVOCATE": world.advocate])
                XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
                return result.stdout
            }
    }

    func testEveryCommandHasARowInTheAuthorizationTableAndSecurityMdPrintsIt() throws {
        let table = try Sandbox().run(["__access-table"])
        XCTAssertEqual(table.exitCode, 0, table.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(table.stdout.utf8)) as? [[String: Any]])
        XCTAssertGreaterThan(rows.count, 45, "the whole command tree is walked")
        let security = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("SECURITY.md"), encoding: .utf8)
        for row in rows {
            let command = try XCTUnwrap(row["command"] as? String)
            let operations = row["operations"] as? [String]
            XCTAssertNotNil(operations, "\(command) has no row in the authorization table (CommandAccess.operations)")
            guard !command.hasPrefix("__"), let operations else { continue }
            let line = "| `\(command)` | " + operations.map { "`\($0)`" }.joined(separator: ", ") + " |"
            XCTAssertTrue(security.contains(line), "SECURITY.md lacks the row for \(command): \(line)")
        }
    }

    /// Each bypass the testers found, now refused with exit 3, audited, and with the case as it was.
    func testTheColleagueBypassesAreRefusedAndChangeNothing() throws {
        let sandbox = try Sandbox()
        let world = try makeWorld(sandbox)
        let before = try snapshot(sandbox, world)
        let outsider = world.outsider

        // A consent naming their own organisation, then reading the letter.
        try expect(3, sandbox, ["consent", "record", "--case", world.caseID, "--person", world.client, "--kind", "verbal_consent",
                                "--grantee", world.partnerOrg, "--actions", "view_documents", "--bodies", "trust-X",
                                "--recorded-by", "Alex Reid", "--recorded-on", VaultCommandsTests.yesterday], as: outsider, "consent record")
        try expect(3, sandbox, ["cat", world.document], as: outsider, "cat after the refused consent")
        try expect(3, sandbox, ["consent", "withdraw", world.consent, "--received-by", "letter", "--yes"], as: outsider, "withdrawing someone else's consent")
        // Accounts, transfer, erasure, allow-list.
        try expect(3, sandbox, ["advocate", "add", "Mallory", "--org", world.org], as: outsider, "advocate add to another organisation")
        try expect(3, sandbox, ["advocate", "add", "Mallory", "--org", world.partnerOrg], as: outsider, "advocate add to their own")
        try expect(3, sandbox, ["case", "transfer", world.caseID, "--to", world.partnerOrg, "--consented"], as: outsider, "transfer")
        try expect(3, sandbox, ["case", "erase", world.caseID, "--yes", "--reason", "x"], as: outsider, "erase by a stranger")
        try expect(3, sandbox, ["case", "erase", world.caseID, "--yes", "--reason", "x"], as: world.advocate, "erase by its advocate")
        try expect(3, sandbox, ["redact", "allow", "add", "--case", world.caseID, "Joanne Quenby"], as: outsider, "allow a third party's name")
        try expect(3, sandbox, ["redact", "allow", "add", "--org", world.org, "Joanne Quenby", "--reason", "the trust\'s own name"], as: world.advocate, "organisation allow-list")
        // Reading people, capacity, consents and redaction terms.
        try expect(3, sandbox, ["person", "show", world.client], as: outsider, "person show")
        try expect(3, sandbox, ["person", "show", world.thirdParty], as: outsider, "person show of a third party")
        let people = try expect(0, sandbox, ["person", "list", "--json"], as: outsider, "person list")
        XCTAssertFalse(people.stdout.contains(world.client) || people.stdout.contains(world.thirdParty), "no one on a case they may not read: \(people.stdout)")
        let found = try expect(0, sandbox, ["person", "find", "--nhs-number", "9434765919", "--json"], as: outsider, "person find")
        XCTAssertFalse(found.stdout.contains(world.client), found.stdout)
        try expect(3, sandbox, ["capacity", "list", "--person", world.client], as: outsider, "capacity list")
        try expect(3, sandbox, ["consent", "list", "--case", world.caseID], as: outsider, "consent list")
        try expect(3, sandbox, ["consent", "show", world.consent], as: outsider, "consent show")
        try expect(3, sandbox, ["redact", "list", "--case", world.caseID], as: outsider, "redact list")
        let cases = try expect(0, sandbox, ["case", "list", "--json"], as: outsider, "case list")
        XCTAssertFalse(cases.stdout.contains(world.caseID), "a case they may not read is not listed")

        XCTAssertEqual(try snapshot(sandbox, world), before, "nothing changed")
        let audit = try sandbox.asAdmin(["audit", "log", "--json"])
        let events = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(audit.stdout.utf8)) as? [[String: Any]])
        let refused = events.filter { $0["action"] as? String == "access.refused" }
        XCTAssertGreaterThanOrEqual(refused.count, 14, "each refusal is an audit event")
        XCTAssertTrue(refused.allSatisfy { $0["outcome"] as? String == "refused" })
        XCTAssertEqual(try sandbox.run(["audit", "verify"]).exitCode, 0)
    }

    /// One refusal and one success per operation of the table (the key-holder rows have no account to refuse).
    func testEachOperationRefusesTheWrongAccountAndAllowsTheRightOne() throws {
        let sandbox = try Sandbox()
        let w = try makeWorld(sandbox)
        let unknown = "adv-0000000000000000"
        // organisation.add, account.add, directory.list
        try expect(3, sandbox, ["org", "add", "Another Service"], as: w.manager, "organisation.add")
        try expect(0, sandbox, ["org", "add", "Another Service"], as: w.admin, "organisation.add")
        try expect(3, sandbox, ["advocate", "add", "Kim Lowe", "--org", w.org], as: w.manager, "account.add")
        let added = try expect(0, sandbox, ["advocate", "add", "Kim Lowe", "--org", w.org, "--role", "manager"], as: w.admin, "account.add")
        XCTAssertTrue(added.stdout.hasPrefix("adv-"))
        try expect(3, sandbox, ["org", "list"], as: unknown, "directory.list")
        let accounts = try expect(0, sandbox, ["advocate", "list"], as: w.advocate, "directory.list")
        XCTAssertTrue(accounts.stdout.contains("manager") && accounts.stdout.contains("admin"), accounts.stdout)
        // person.add, person.read, person.change
        try expect(3, sandbox, ["person", "add", "--name", "New Person"], as: w.admin, "person.add")
        try expect(0, sandbox, ["person", "add", "--name", "New Person"], as: w.outsider, "person.add")
        try expect(3, sandbox, ["person", "show", w.client], as: w.outsider, "person.read")
        try expect(0, sandbox, ["person", "show", w.client], as: w.advocate, "person.read")
        let capacity = ["capacity", "record", "--person", w.client, "--decision", "conduct NHS complaint", "--date", "2025-02-01",
                        "--result", "has_capacity", "--assessor", "Dr B"]
        try expect(3, sandbox, capacity, as: w.outsider, "person.change")
        try expect(0, sandbox, capacity, as: w.advocate, "person.change")
        // case.open, case.list, case.read, case.change
        try expect(3, sandbox, ["case", "open", "--client", w.client, "--org", w.org, "--advocate", w.advocate], as: w.admin, "case.open")
        try expect(3, sandbox, ["case", "open", "--client", w.client, "--org", w.org, "--advocate", w.advocate], as: w.outsider,
                   "case.open for another organisation")
        try expect(0, sandbox, ["case", "open", "--client", w.client, "--org", w.org, "--advocate", w.colleague], as: w.advocate, "case.open")
        XCTAssertFalse(try expect(0, sandbox, ["case", "list"], as: w.outsider, "case.list").stdout.contains(w.caseID))
        XCTAssertTrue(try expect(0, sandbox, ["case", "list"], as: w.advocate, "case.list").stdout.contains(w.caseID))
        try expect(3, sandbox, ["case", "show", w.caseID], as: w.outsider, "case.read")
        try expect(0, sandbox, ["case", "show", w.caseID], as: w.colleague, "case.read through the organisation's consent")
        try expect(3, sandbox, ["redact", "terms", "add", "--case", w.caseID, "Ward 7"], as: w.colleague, "case.change by an unassigned colleague")
        try expect(0, sandbox, ["redact", "terms", "add", "--case", w.caseID, "Ward 7"], as: w.advocate, "case.change")
        // organisation.allow_list, document.ingest, document.read, bundle.export, case.deadlines, consent.explain
        try expect(3, sandbox, ["redact", "allow", "add", "--org", w.org, "Norfolk Trust", "--reason", "the trust\'s own name"], as: w.advocate, "organisation.allow_list")
        try expect(0, sandbox, ["redact", "allow", "add", "--org", w.org, "Norfolk Trust", "--reason", "the trust\'s own name"], as: w.manager, "organisation.allow_list")
        try Data("Another note\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("note.txt")))
        try expect(3, sandbox, ["ingest", "--case", w.caseID, "note.txt"], as: w.outsider, "document.ingest")
        try expect(0, sandbox, ["ingest", "--case", w.caseID, "note.txt"], as: w.advocate, "document.ingest")
        try expect(3, sandbox, ["cat", w.document], as: w.outsider, "document.read")
        XCTAssertTrue(try expect(0, sandbox, ["cat", w.document], as: w.advocate, "document.read").stdout.contains("Dear Sir"))
        try expect(3, sandbox, ["export", "--case", w.caseID, "--meeting", "Meeting", "--for", "trust-X", "--dry-run"], as: w.outsider, "bundle.export")
        try expect(0, sandbox, ["export", "--case", w.caseID, "--meeting", "Meeting", "--for", "trust-X", "--dry-run"], as: w.advocate, "bundle.export")
        try expect(3, sandbox, ["deadlines", "--case", w.caseID], as: w.outsider, "case.deadlines")
        try expect(0, sandbox, ["deadlines", "--case", w.caseID], as: w.advocate, "case.deadlines")
        try expect(3, sandbox, ["consent", "check", "--case", w.caseID, "--action", "view_documents"], as: unknown, "consent.explain")
        try expect(0, sandbox, ["consent", "check", "--case", w.caseID, "--action", "view_documents"], as: w.advocate, "consent.explain")
        // audit.read, vault.maintenance, vault.check
        try expect(3, sandbox, ["audit", "log"], as: w.advocate, "audit.read")
        XCTAssertTrue(try expect(0, sandbox, ["audit", "log"], as: w.manager, "audit.read").stdout.contains(w.caseID))
        try expect(3, sandbox, ["backup", sandbox.path("auth-backup")], as: w.advocate, "vault.maintenance")
        if !Sandbox.onPostgres {  // a PostgreSQL vault's backup is pg_dump's (refused, tested in VaultCommandsTests+Postgres)
            try expect(0, sandbox, ["backup", sandbox.path("auth-backup")], as: w.admin, "vault.maintenance")
        }
        try expect(3, sandbox, ["verify", "--repair"], as: w.advocate, "vault.maintenance (repair)")
        try expect(0, sandbox, ["verify"], as: w.advocate, "vault.check")
        // case.transfer, case.erase: last, since they end the organisation's hold on the case.
        try expect(3, sandbox, ["case", "transfer", w.caseID, "--to", w.partnerOrg, "--consented"], as: w.colleague, "case.transfer by an unassigned colleague")
        try expect(0, sandbox, ["case", "transfer", w.caseID, "--to", w.partnerOrg, "--consented"], as: w.advocate, "case.transfer")
        // After the transfer the old organisation's advocate is no longer a member, and the consent rules refuse it reading too.
        try expect(3, sandbox, ["redact", "terms", "add", "--case", w.caseID, "Ward 8"], as: w.advocate, "case.change after a transfer")
        try expect(3, sandbox, ["case", "erase", w.caseID, "--yes", "--reason", "request"], as: w.manager, "case.erase by the old organisation")
        let partnerManager = try sandbox.adminID(["advocate", "add", "Robin Hale", "--org", w.partnerOrg, "--role", "manager"])
        try expect(0, sandbox, ["case", "erase", w.caseID, "--yes", "--reason", "request"], as: partnerManager, "case.erase")
    }
}
