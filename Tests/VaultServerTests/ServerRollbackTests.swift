import Foundation
import VaultCrypto
import XCTest
@testable import VaultServer
@testable import VaultCore

/// The server's own rollback mark: a database restored to an older dump (pg_dump, then psql) is refused at start with
/// an explanation, until an administrator accepts it with a reason (recorded in the audit log), as the CLI does.
/// A vault and database of its own (the restore would undo the other tests' work).
final class ServerRollbackTests: XCTestCase {
    func psql(_ w: ServerTestWorld, _ arguments: [String]) async throws -> String {
        try await ServerTestWorld.run("/usr/bin/psql", ["-h", w.postgres.socketFolder, "-p", String(w.postgres.port), "-U", "casevault", "-d", w.databaseName,
                                                        "-v", "ON_ERROR_STOP=1", "-q"] + arguments)
    }

    func testADatabaseRestoredToAnOlderDumpIsRefusedAtStartUntilAccepted() async throws {
        let w = try ServerTestWorld(populated: false)
        let dump = w.directory.appendingPathComponent("older.sql").path
        _ = try await ServerTestWorld.run("/usr/bin/pg_dump", ["-h", w.postgres.socketFolder, "-p", String(w.postgres.port), "-U", "casevault",
                                                               "--no-owner", "--no-privileges", "-f", dump, w.databaseName])
        guard let size = try? FileManager.default.attributesOfItem(atPath: dump)[.size] as? Int, size > 1000 else {
            throw XCTSkip("pg_dump made no dump")
        }

        // Served: a login changes the vault (its audit log and state), and the mark follows the checkpoint.
        try await w.start()
        _ = try await w.token(w.sam)
        await w.stop()
        let marks = try XCTUnwrap(w.config.stateMarks(environment: [:]))
        let markPath = try marks.path(vaultID: try VaultSetup.readInfo(VaultPaths(root: w.root, keyFile: nil)).vaultID, folder: w.root)
        let mode = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: markPath)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o777, 0o600, "the mark is private to the server's account")
        let mark = try JSONDecoder().decode(StateMark.self, from: Data(contentsOf: URL(fileURLWithPath: markPath)))

        // The control: an unchanged database starts.
        try await Self.startAndStop(w.config)

        // Put the older dump back.
        _ = try await psql(w, ["-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"])
        _ = try await psql(w, ["-f", dump])
        do {
            try await Self.startAndStop(w.config)
            XCTFail("a server started on a database older than its mark")
        } catch let error as ServerError {
            let text = error.description
            XCTAssertTrue(text.contains("older than the one this server last served"), text)
            XCTAssertTrue(text.contains("this server last saw record \(mark.sequence)"), text)
            XCTAssertTrue(text.contains("--accept-older-state"), "says how to accept it: \(text)")
            XCTAssertTrue(text.contains("XDG_STATE_HOME=\(w.stateFolder)"), text)
        }

        // An administrator accepts it with a reason, as `casevault --accept-older-state` does with the server's marks
        // folder (XDG_STATE_HOME): recorded in the audit log, and the mark moves to the restored state.
        let admin = try Vault(try VaultSetup.open(paths: VaultPaths(root: w.root, keyFile: w.identities[w.admin]!)) { SecureBytes(copying: []) },
                              stateMarks: marks, acceptOlderState: .accepted(reason: "restored the 06:00 dump after a disk failure"))
        XCTAssertNotNil(admin.acceptedOlderState)
        try admin.writeCheckpoint()
        let accepted = try admin.auditLog(caseID: nil, since: nil, actor: w.admin).last { $0.action == "vault.accept_older_state" }
        XCTAssertEqual(accepted?.details["reason"], "restored the 06:00 dump after a disk failure")
        try await Self.startAndStop(w.config)

        // Served again after the acceptance: a login works and the mark moves on.
        try await w.start()
        let again = try await w.login(w.sam)
        XCTAssertEqual(again.status, 200, again.text)
        await w.stop()
    }

    /// Builds the server (which checks the mark) and stops at once.
    static func startAndStop(_ config: ServerConfig) async throws {
        let server = try VaultServer(config: config)
        try await server.withApplication { _, _ in }
    }
}
