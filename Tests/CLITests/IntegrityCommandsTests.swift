import Foundation
import XCTest

/// Issue 18 through the CLI: an older copy of the vault folder, a cut audit tail and a clock set back are refused;
/// `--accept-older-state` and `restore` move the mark kept in `$XDG_STATE_HOME/casevault`.
final class IntegrityCommandsTests: XCTestCase {
    /// Its `prepare` (a vault, an organisation, its advocate and manager, a case with written consent) and `write`.
    let helper = VaultCommandsTests(name: "helper") { _ in }

    func sandbox() throws -> (Sandbox, String) {
        let sandbox = try Sandbox()
        sandbox.environment["XDG_STATE_HOME"] = sandbox.path("state")
        return (sandbox, try helper.prepare(sandbox))
    }

    func consentID(_ sandbox: Sandbox, _ caseID: String) throws -> String {
        let listed = try sandbox.run(["consent", "list", "--case", caseID, "--json"])
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]], listed.stderr)
        return try XCTUnwrap((rows.first?["authority"] as? [String: Any])?["id"] as? String)
    }

    func copyFolder(_ from: String, _ to: String) throws {
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }

    func swapIn(_ sandbox: Sandbox, _ old: String) throws {
        try FileManager.default.removeItem(atPath: sandbox.path("vault"))
        try FileManager.default.moveItem(atPath: sandbox.path(old), toPath: sandbox.path("vault"))
    }

    func testAnOlderCopyOfTheFolderIsRefusedThenAcceptedOnceWithAReason() throws {
        try Sandbox.skipOnPostgres("the older copy is of the vault folder, which holds a PostgreSQL vault's records only in its database (ServerRollbackTests restores an older dump)")
        let (sandbox, caseID) = try sandbox()
        XCTAssertEqual(try sandbox.mode("state/casevault"), 0o700)
        try copyFolder(sandbox.path("vault"), sandbox.path("vault-before"))
        _ = try helper.write(sandbox, "in/new.txt", "a letter that arrived later")
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "in"]).exitCode, 0)
        let consent = try consentID(sandbox, caseID)
        XCTAssertEqual(try sandbox.run(["consent", "withdraw", consent, "--received-by", "letter", "--yes"]).exitCode, 0)

        try swapIn(sandbox, "vault-before")
        let refused = try sandbox.run(["consent", "list", "--case", caseID])
        XCTAssertEqual(refused.exitCode, 1)
        XCTAssertTrue(refused.stderr.contains("this vault is older than the one you last used on"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--accept-older-state"), refused.stderr)
        XCTAssertTrue(refused.stdout.isEmpty, "nothing listed from the rolled-back vault")

        let accepted = try sandbox.run(["consent", "list", "--case", caseID, "--json"],
                                       environment: ["CASEVAULT_ACCEPT_OLDER_STATE": "testing a rollback"])
        XCTAssertEqual(accepted.exitCode, 0, accepted.stderr)
        XCTAssertTrue(accepted.stderr.contains("accepted this vault as it is"), accepted.stderr)
        XCTAssertEqual(try sandbox.run(["consent", "list", "--case", caseID]).exitCode, 0, "accepted once, the mark follows this vault")
        let log = try sandbox.asManager(["audit", "log", "--json"])
        XCTAssertTrue(log.stdout.contains("vault.accept_older_state") && log.stdout.contains("testing a rollback"), log.stdout)
    }

    func testDeletingTheLastAuditEventsAndCheckpointsIsRefused() throws {
        try Sandbox.skipOnPostgres("the rows are deleted from vault.db with sqlite3")
        let (sandbox, caseID) = try sandbox()
        _ = try helper.write(sandbox, "in/a.txt", "alpha")
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "in"]).exitCode, 0)
        let database = sandbox.path("vault/vault.db")
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { throw XCTSkip("sqlite3 is not installed") }
        sqlite.arguments = [database, """
            DELETE FROM audit_checkpoints WHERE json_extract(checkpoint, '$.sequence') > (SELECT max(seq) - 3 FROM audit_events);
            DELETE FROM audit_events WHERE seq > (SELECT max(seq) - 3 FROM audit_events);
            """]
        try sqlite.run()
        sqlite.waitUntilExit()
        XCTAssertEqual(sqlite.terminationStatus, 0)
        for command in [["list", "--case", caseID], ["audit", "verify"], ["verify"]] {
            let refused = try sandbox.run(command)
            XCTAssertEqual(refused.exitCode, 1, "\(command)")
            XCTAssertTrue(refused.stderr.contains("its newest records deleted"), refused.stderr)
        }
        let empty = try sandbox.run(["list", "--case", caseID, "--accept-older-state", " "])
        XCTAssertEqual(empty.exitCode, 64, "a reason is required: \(empty.stderr)")
        let accepted = try sandbox.run(["list", "--case", caseID, "--accept-older-state", "audit tail lost in a disk repair"])
        XCTAssertEqual(accepted.exitCode, 0, accepted.stderr)
        XCTAssertEqual(try sandbox.run(["audit", "verify"]).exitCode, 0, "accepted once, the vault opens again without the option")
    }

    func testRestoringABackupIsAcceptedAndMovesTheMark() throws {
        try Sandbox.skipOnPostgres("the backup is copied into the vault folder by hand, which rolls back only a vault.db vault (VaultCommandsTests+Postgres restores a PostgreSQL vault)")
        let (sandbox, caseID) = try sandbox()
        XCTAssertEqual(try sandbox.asManager(["backup", "bk"]).exitCode, 0)
        _ = try helper.write(sandbox, "in/a.txt", "alpha")
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "in"]).exitCode, 0)
        try FileManager.default.moveItem(atPath: sandbox.path("vault/keys.json"), toPath: sandbox.path("keys.json"))
        sandbox.environment["CASEVAULT_KEYS"] = sandbox.path("keys.json")
        try FileManager.default.removeItem(atPath: sandbox.path("vault"))
        // Copying the backup into place by hand is a rollback like any other.
        try copyFolder(sandbox.path("bk"), sandbox.path("vault"))
        XCTAssertTrue(try sandbox.run(["list", "--case", caseID]).stderr.contains("this vault is older"))
        try FileManager.default.removeItem(atPath: sandbox.path("vault"))

        let restored = try sandbox.run(["restore", "bk"])
        XCTAssertEqual(restored.exitCode, 0, restored.stderr)
        XCTAssertTrue(restored.stderr.contains("accepted this vault as it is"), "restore says what it accepted: \(restored.stderr)")
        let listed = try sandbox.run(["list", "--case", caseID, "--json"])
        XCTAssertEqual(listed.exitCode, 0, "the mark moved to the restored vault: \(listed.stderr)")
        XCTAssertFalse(listed.stdout.contains("a.txt"), "the document ingested after the backup is not in it")
        let log = try sandbox.asManager(["audit", "log", "--json"])
        XCTAssertTrue(log.stdout.contains("\"by\" : \"restore\""), log.stdout)
    }

    /// `faketime` (apt package faketime) sets the clock of one process. Its wrapper is used rather than LD_PRELOAD by
    /// hand: preloaded alone, the library loses the Swift binary's arguments.
    func faketime(_ sandbox: Sandbox, _ offset: String, _ arguments: [String]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/faketime")
        process.arguments = ["-f", offset, try casevaultBinary().path] + arguments
        process.currentDirectoryURL = sandbox.directory
        process.environment = sandbox.actingEnvironment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    func testCatIsRefusedWithTheClockSetBack() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/faketime") else {
            throw XCTSkip("faketime is not installed (apt package faketime): the clock-set-back test did not run")
        }
        let (sandbox, caseID) = try sandbox()
        _ = try helper.write(sandbox, "in/a.txt", "alpha")
        let ingested = try helper.ingestedIDs(try sandbox.run(["ingest", "--case", caseID, "in", "--json"]))
        let id = try XCTUnwrap(ingested["in/a.txt"])
        let (status, stdout, stderr) = try faketime(sandbox, "-2d", ["cat", id, "-o", "-"])
        XCTAssertEqual(status, 1, stderr)
        XCTAssertTrue(stderr.contains("the computer's clock says") && stderr.contains("check the computer's clock"), stderr)
        XCTAssertFalse(stdout.contains("alpha"))
        let slow = try faketime(sandbox, "-2m", ["cat", id, "-o", "-"])
        XCTAssertEqual(slow.1, "alpha", "a clock two minutes slow is within the tolerance: \(slow.2)")
    }
}
