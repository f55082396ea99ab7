import Foundation
import XCTest

/// Issue 18, Build 6 ("less in clear"): what vault.db used to hold in clear is sealed, and everything that reads it
/// (listings, filters, deadlines, consent decisions) still works. The file is read as bytes after the CLI exits
/// (its last connection checkpoints the WAL into vault.db); any WAL left over is read too.
final class SealedColumnsTests: XCTestCase {
    override func setUpWithError() throws {
        try Sandbox.skipOnPostgres("these read vault.db's bytes and columns with sqlite3; the sealing is the core's, the same on either store")
    }

    static func databaseBytes(_ sandbox: Sandbox, vault: String = "vault") throws -> Data {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: sandbox.path(vault + "/vault.db")))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: sandbox.path(vault + "/vault.db-wal"))) { bytes.append(wal) }
        return bytes
    }

    static func assertNotInDatabase(_ texts: [String], _ sandbox: Sandbox, vault: String = "vault",
                                    file: StaticString = #filePath, line: UInt = #line) throws {
        let bytes = try databaseBytes(sandbox, vault: vault)
        for text in texts {
            XCTAssertNil(bytes.range(of: Data(text.utf8)), "\(text) is in clear in vault.db", file: file, line: line)
        }
    }

    /// Runs `sql` on a vault's database with the sqlite3 tool (no key: what anyone holding the file sees).
    static func sqlite(_ database: String, _ sql: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { throw XCTSkip("sqlite3 is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, sql)
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// How a document's date was found is sealed under the case key, reads back in listings, and survives a
    /// correction (`document retag`) and a new case key (`case rekey`), both of which re-seal it.
    func testTheDocumentDateSourceIsSealedAndReadsBackAfterRetagAndRekey() throws {
        let helper = VaultCommandsTests(name: "helper") { _ in }
        let sandbox = try Sandbox()
        let caseID = try helper.prepare(sandbox)
        _ = try helper.write(sandbox, "in/letter.txt", "Complaints Team\n\n2 March 2025\n\nDear Sir or Madam,\nI am writing about my mother.\n")
        let ingested = try sandbox.run(["ingest", "--case", caseID, "in", "--json"])
        XCTAssertEqual(ingested.exitCode, 0, ingested.stderr)
        let letter = try XCTUnwrap(try helper.ingestedIDs(ingested)["in/letter.txt"])
        func source(_ id: String) throws -> String? {
            try helper.listedDocuments(sandbox, ["list", "--case", caseID]).first { $0["id"] as? String == id }?["document_date_source"] as? String
        }
        XCTAssertEqual(try source(letter), "letterhead")
        try Self.assertNotInDatabase(["letterhead"], sandbox)
        XCTAssertEqual(try Self.sqlite(sandbox.path("vault/vault.db"), "SELECT count(*) FROM documents WHERE document_date_source != '' OR date_source_sealed IS NULL"), "0")

        XCTAssertEqual(try sandbox.run(["document", "retag", letter, "--date", "2025-02-20"]).exitCode, 0)
        XCTAssertEqual(try source(letter), "corrected by hand")
        let rekeyed = try sandbox.run(["case", "rekey", caseID])
        XCTAssertEqual(rekeyed.exitCode, 0, rekeyed.stderr)
        XCTAssertEqual(try source(letter), "corrected by hand")
        XCTAssertEqual(try sandbox.json(try sandbox.run(["show", letter, "--json"]))["name"] as? String, "letter.txt")
        let verified = try sandbox.run(["verify", "--read-data", "--json"])
        XCTAssertEqual(try sandbox.json(verified)["ok"] as? Bool, true, verified.stdout + verified.stderr)
        try Self.assertNotInDatabase(["letterhead", "corrected by hand", "given at ingest"], sandbox)
    }

    /// Organisation names are sealed with a blind index: listed, resolved by exact name (any case) and by part of
    /// a name, still one per name, and absent from vault.db.
    func testOrganisationNamesAreSealedAndStillResolve() throws {
        let sandbox = try Sandbox()
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        let org = try sandbox.adminID(["org", "add", "Wymondham Complaints Advocacy"])
        let partner = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        XCTAssertEqual(try sandbox.asAdmin(["org", "add", "wymondham complaints advocacy "]).exitCode, 1, "one organisation per name")
        let listed = try sandbox.asAdmin(["org", "list", "--json"])
        XCTAssertEqual(listed.exitCode, 0, listed.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(Set(rows.compactMap { $0["name"] as? String }), ["Wymondham Complaints Advocacy", "Partner Advocacy"])
        // Exact (any case) and partial names resolve to the organisation.
        let advocate = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", "WYMONDHAM complaints advocacy"])
        let colleague = try sandbox.adminID(["advocate", "add", "Priya Shah", "--org", "Wymondham"])
        let accounts = try sandbox.asAdmin(["advocate", "list", "--json"])
        let byID = Dictionary(uniqueKeysWithValues: (try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(accounts.stdout.utf8)) as? [[String: Any]]))
            .compactMap { row in (row["id"] as? String).map { ($0, row) } })
        for id in [advocate, colleague] {
            XCTAssertEqual(byID[id]?["organisation"] as? String, org)
            XCTAssertEqual(byID[id]?["organisation_name"] as? String, "Wymondham Complaints Advocacy")
        }
        sandbox.environment["CASEVAULT_ADVOCATE"] = advocate
        let client = try ConsentWorld.id(sandbox, ["person", "add", "--name", "Margaret Ellis"])
        let caseID = try ConsentWorld.id(sandbox, ["case", "open", "--client", client, "--org", "Wymondham Complaints Advocacy", "--advocate", advocate])
        let shown = try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))
        XCTAssertEqual(shown["organisation_name"] as? String, "Wymondham Complaints Advocacy")
        XCTAssertTrue((shown["reference"] as? String)?.hasPrefix("WCA-") == true, "the default prefix is made from the opened name: \(shown)")
        let verified = try sandbox.run(["verify", "--read-data", "--json"])
        XCTAssertEqual(try sandbox.json(verified)["ok"] as? Bool, true, verified.stdout + verified.stderr)
        XCTAssertEqual(try Self.sqlite(sandbox.path("vault/vault.db"), "SELECT count(*) FROM organisations WHERE name != id OR name_sealed IS NULL"), "0")
        _ = partner
        try Self.assertNotInDatabase(["Wymondham", "Partner Advocacy"], sandbox)
    }

    func testTheNHSBodyAndTheCaseDatesAreSealedAndStillListFilterAndDecide() throws {
        let sandbox = try Sandbox()
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        let org = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        let advocate = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        sandbox.environment["CASEVAULT_ADVOCATE"] = advocate
        let client = try ConsentWorld.id(sandbox, ["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14"])
        let caseID = try ConsentWorld.id(sandbox, ["case", "open", "--client", client, "--org", org, "--advocate", advocate,
                                                   "--nhs-body", "trust-nwh", "--incident-date", "2025-01-17", "--aware-date", "2025-01-24",
                                                   "--complaint-date", "2025-03-05"])
        let other = try ConsentWorld.id(sandbox, ["case", "open", "--client", client, "--org", org, "--advocate", advocate,
                                                  "--nhs-body", "gp-elm"])

        // A consent with no --bodies covers the case's NHS body, read from the sealed field.
        let form = sandbox.path("form.txt")
        try Data("I agree. Signed M. Ellis\n".utf8).write(to: URL(fileURLWithPath: form))
        let consent = try sandbox.run(["consent", "record", "--case", caseID, "--person", client, "--kind", "written_consent", "--grantee", org,
                                       "--actions", "view_documents,check_deadlines", "--form", form, "--signed-on", VaultCommandsTests.yesterday])
        XCTAssertEqual(consent.exitCode, 0, consent.stderr)
        let shown = try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))
        XCTAssertEqual(shown["nhs_body"] as? String, "trust-nwh")
        XCTAssertEqual(shown["incident_date"] as? String, "2025-01-17")
        XCTAssertEqual(shown["aware_date"] as? String, "2025-01-24")
        XCTAssertEqual(shown["complaint_date"] as? String, "2025-03-05")

        // `case list --body` filters on the opened value.
        let listed = try sandbox.run(["case", "list", "--body", "trust-nwh", "--json"])
        XCTAssertEqual(listed.exitCode, 0, listed.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(rows.compactMap { $0["id"] as? String }, [caseID])
        XCTAssertEqual(rows.first?["nhs_body"] as? String, "trust-nwh")

        // Deadlines run from the sealed complaint date (2025-03-05: acknowledgement due 3 working days later).
        let deadlines = try sandbox.run(["deadlines", "--case", caseID, "--json"])
        XCTAssertEqual(deadlines.exitCode, 0, deadlines.stderr)
        let due = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(deadlines.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(due.first?["rule_id"] as? String, "R-TIME-3")
        XCTAssertEqual(due.first?["due"] as? String, "2025-03-10")

        // A later change of the dates is sealed too.
        let event = try sandbox.run(["case", "event", caseID, "--aware-date", "2025-02-11"])
        XCTAssertEqual(event.exitCode, 0, event.stderr)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))["aware_date"] as? String, "2025-02-11")

        let verified = try sandbox.run(["verify", "--read-data", "--json"])
        XCTAssertEqual(try sandbox.json(verified)["ok"] as? Bool, true, verified.stdout + verified.stderr)
        // The reading works: what is meant to stay clear (the case ids) is found in the same bytes.
        for id in [caseID, other] { XCTAssertNotNil(try Self.databaseBytes(sandbox).range(of: Data(id.utf8)), id) }
        try Self.assertNotInDatabase(["trust-nwh", "gp-elm", "2025-01-17", "2025-01-24", "2025-02-11", "2025-03-05"], sandbox)
    }
}
