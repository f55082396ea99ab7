import Foundation
import PostgresTestSupport
import XCTest

/// A vault whose records are in PostgreSQL (issue 21's store) through the CLI: the same commands, the same results,
/// nothing in vault.db; and what such a vault refuses. (make test also runs whole CLI classes a second time on
/// PostgreSQL, CASEVAULT_TEST_POSTGRES=1.)
extension VaultCommandsTests {
    func testAVaultOnPostgreSQLIngestsListsReadsAndVerifies() throws {
        let server = try PostgresTestServer.shared()
        let sandbox = try Sandbox()
        let database = try server.makeDatabase()
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        _ = try sandbox.initVault(["--no-passphrase", "--database", server.url(database: database)])
        let description = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sandbox.path("vault/vault.json")))) as? [String: Any]
        XCTAssertEqual((description?["database"] as? [String: Any])?["database"] as? String, database)
        let caseID = try prepare(sandbox, reuse: true, postgres: true)
        let letter = try write(sandbox, "in/letter.txt", "Complaints Team\n\n2 March 2025\n\nDear Sir or Madam,\nI am writing about my mother.\n")
        let ingested = try sandbox.run(["ingest", "--case", caseID, "in", "--json"])
        XCTAssertEqual(ingested.exitCode, 0, ingested.stderr)
        let id = try XCTUnwrap(try ingestedIDs(ingested)["in/letter.txt"])
        XCTAssertEqual(try listedDocuments(sandbox, ["list", "--case", caseID]).compactMap { $0["id"] as? String }.contains(id), true)
        let cat = try sandbox.run(["cat", id])
        XCTAssertEqual(cat.stdout, try String(contentsOfFile: letter, encoding: .utf8))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("vault/vault.db")), "the records are in PostgreSQL, not in vault.db")
        let verify = try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))
        XCTAssertEqual(verify["ok"] as? Bool, true, "\(verify)")
        let audit = try sandbox.run(["audit", "verify"], environment: ["CASEVAULT_ADVOCATE": try XCTUnwrap(sandbox.environment["TEST_MANAGER"])])
        XCTAssertEqual(audit.exitCode, 0, audit.stdout + audit.stderr)

        // A second vault cannot share the database: refused before any file is written.
        let second = try sandbox.run(["init", "--vault", "other", "--keys", "other.identity", "--no-passphrase", "--database", server.url(database: database)])
        XCTAssertEqual(second.exitCode, 1)
        XCTAssertTrue(second.stderr.contains("already holds vault"), second.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("other")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("other.identity")))
    }

    /// A team vault's backup is a vault.db like any other (every record copied from one snapshot, no SQL in it), with
    /// the encrypted bodies; it restores into an empty PostgreSQL database or into vault.db, and never over a vault.
    func testABackupOfAVaultOnPostgreSQLRestoresIntoAnEmptyDatabaseOrIntoVaultDB() throws {
        let server = try PostgresTestServer.shared()
        let sandbox = try Sandbox()
        let database = try server.makeDatabase()
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        _ = try sandbox.initVault(["--no-passphrase", "--database", server.url(database: database)])
        let caseID = try prepare(sandbox, reuse: true, postgres: true)
        let letter = try write(sandbox, "in/letter.txt", "Complaints Team\n\n2 March 2025\n\nDear Sir or Madam,\nI am writing about my mother.\n")
        let id = try XCTUnwrap(try ingestedIDs(try sandbox.run(["ingest", "--case", caseID, "in", "--json"]))["in/letter.txt"])
        let manager = ["CASEVAULT_ADVOCATE": try XCTUnwrap(sandbox.environment["TEST_MANAGER"])]
        XCTAssertEqual(try sandbox.run(["backup", "bk"]).exitCode, 3, "an advocate does not back up the whole vault")
        let backup = try sandbox.run(["backup", "bk"], environment: manager)
        XCTAssertEqual(backup.exitCode, 0, backup.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: sandbox.path("bk/vault.db")))
        let original = try String(contentsOfFile: letter, encoding: .utf8)

        func infoDatabase(_ folder: String) throws -> String? {
            let info = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sandbox.path(folder + "/vault.json")))) as? [String: Any]
            return (info?["database"] as? [String: Any])?["database"] as? String
        }
        func checkRestored(_ folder: String, state: String) throws {
            let there = ["CASEVAULT_VAULT": sandbox.path(folder), "XDG_STATE_HOME": sandbox.path(state)]
            let cat = try sandbox.run(["cat", id], environment: there)
            XCTAssertEqual(cat.stdout, original, cat.stderr)
            let verify = try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"], environment: there))
            XCTAssertEqual(verify["ok"] as? Bool, true, "\(folder): \(verify)")
            let audit = try sandbox.run(["audit", "verify"], environment: there.merging(manager) { $1 })
            XCTAssertEqual(audit.exitCode, 0, audit.stdout + audit.stderr)
        }

        // Into an empty database (as on another computer, with its own state folder).
        let fresh = try server.makeDatabase()
        let team = try sandbox.run(["restore", "bk", "--database", server.url(database: fresh)],
                                   environment: ["CASEVAULT_VAULT": sandbox.path("team"), "XDG_STATE_HOME": sandbox.path("state-team")])
        XCTAssertEqual(team.exitCode, 0, team.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("team/vault.db")), "the records are in the new database")
        XCTAssertEqual(try infoDatabase("team"), fresh)
        try checkRestored("team", state: "state-team")

        // Into vault.db: the same records, no database named.
        let local = try sandbox.run(["restore", "bk"], environment: ["CASEVAULT_VAULT": sandbox.path("local"), "XDG_STATE_HOME": sandbox.path("state-local")])
        XCTAssertEqual(local.exitCode, 0, local.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: sandbox.path("local/vault.db")))
        XCTAssertNil(try infoDatabase("local"))
        try checkRestored("local", state: "state-local")

        // Never into a database that holds a vault: refused, and no folder is left.
        let over = try sandbox.run(["restore", "bk", "--database", server.url(database: database)],
                                   environment: ["CASEVAULT_VAULT": sandbox.path("over"), "XDG_STATE_HOME": sandbox.path("state-over")])
        XCTAssertEqual(over.exitCode, 1)
        XCTAssertTrue(over.stderr.contains("already holds vault"), over.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("over")))
        XCTAssertEqual(try sandbox.run(["cat", id]).stdout, original, "the original vault is untouched")
    }

    func testADatabaseAddressWithAPasswordOrNoServerIsRefusedAndLeavesNothing() throws {
        let sandbox = try Sandbox()
        let withPassword = try sandbox.run(["init", "--vault", "v", "--no-passphrase", "--database", "postgresql://casevault:hunter2@localhost/vault"])
        XCTAssertEqual(withPassword.exitCode, 1)
        XCTAssertTrue(withPassword.stderr.contains("PGPASSWORD"), withPassword.stderr)
        XCTAssertFalse(withPassword.stderr.contains("hunter2"), withPassword.stderr)
        let nowhere = try sandbox.run(["init", "--vault", "v", "--no-passphrase", "--database", "postgresql://casevault@/vault?host=/nonexistent&port=5432"])
        XCTAssertEqual(nowhere.exitCode, 1)
        XCTAssertTrue(nowhere.stderr.contains("cannot reach the vault database"), nowhere.stderr)
        let garbled = try sandbox.run(["init", "--vault", "v", "--no-passphrase", "--database", "mysql://x@y/z"])
        XCTAssertTrue(garbled.stderr.contains("postgresql://USER@HOST:PORT/NAME"), garbled.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("v")), "nothing was created")
    }
}
