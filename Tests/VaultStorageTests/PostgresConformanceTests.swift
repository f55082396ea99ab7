import Audit
import Foundation
import VaultCrypto
import VaultStorage
import PostgresTestSupport
import VaultStoragePostgres
import XCTest

/// The PostgreSQL store against the same conformance suite as SQLite, each check in a fresh database of a
/// throwaway server; then what only a shared server adds: several instances writing to one vault.
final class PostgresConformanceTests: XCTestCase {
    func testPostgresStorePassesTheConformanceSuite() throws {
        let server = try PostgresTestServer.start()
        defer { server.stop() }
        var stores: [PostgresRecordStore] = []
        defer { stores.forEach { $0.close() } }
        try StorageConformance.run {
            let store = try PostgresRecordStore(endpoint: server.endpoint(database: try server.makeDatabase()))
            stores.append(store)
            return store
        }
        XCTAssertEqual(stores.count, 9, "each check had its own database")
    }

    /// Two server instances on one database append audit events at the same time: one chain, no gap, no fork, no
    /// refused write (each write takes the vault's writer lock before it reads the head).
    func testTwoInstancesOnOneDatabaseKeepOneChain() throws {
        let server = try PostgresTestServer.start()
        defer { server.stop() }
        let endpoint = server.endpoint(database: try server.makeDatabase())
        let instances = [try PostgresRecordStore(endpoint: endpoint), try PostgresRecordStore(endpoint: endpoint)]
        defer { instances.forEach { $0.close() } }
        let chain = try AuditChain(auditKey: try SecureBytes.random(count: 32), vaultID: "vault-1")
        let perInstance = 40
        let failures = NSLock()
        nonisolated(unsafe) var errors: [String] = []
        DispatchQueue.concurrentPerform(iterations: instances.count) { index in
            for number in 0..<perInstance {
                do {
                    try instances[index].write { tx in
                        let event = AuditEvent(time: "2026-01-01T00:00:00Z", actor: "adv-\(index)", action: "document.read",
                                               details: ["n": String(number)])
                        _ = try tx.appendChained(event, using: chain)
                    }
                } catch {
                    failures.lock()
                    errors.append("\(error)")
                    failures.unlock()
                }
            }
        }
        XCTAssertEqual(errors, [], "no write was refused")
        let all = try instances[1].read { tx in try tx.auditEntries(caseID: nil, since: nil, actor: nil) }
        XCTAssertEqual(all.map(\.event.sequence), (1...Int64(2 * perInstance)).map { $0 })
        XCTAssertEqual(all.filter { $0.event.actor == "adv-0" }.count, perInstance)
        XCTAssertEqual(all.filter { $0.event.actor == "adv-1" }.count, perInstance)
        let anyKey = try Ed25519.PrivateKey.generate().publicKey
        XCTAssertNil(try AuditVerifier(chain: chain).verify(all, checkpoints: [], vaultPublicKey: anyKey), "the chain verifies end to end")
    }

    /// A database migrated by a newer casevault is refused (its tables may mean something this release does not
    /// know); the schema is created once, however many instances start.
    func testSchemaIsCreatedOnceAndANewerOneIsRefused() throws {
        let server = try PostgresTestServer.start()
        defer { server.stop() }
        let endpoint = server.endpoint(database: try server.makeDatabase())
        let first = try PostgresRecordStore(endpoint: endpoint)
        let second = try PostgresRecordStore(endpoint: endpoint)
        second.close()
        try first.write { tx in try tx.setMeta("vault_id", "vault-1") }
        XCTAssertEqual(try first.integrityProblems(), [])
        try first.execute(sql: "INSERT INTO casevault_schema (name, applied_at) VALUES ('p99-from-the-future', 'now')")
        first.close()
        XCTAssertThrowsError(try PostgresRecordStore(endpoint: endpoint)) { error in
            XCTAssertEqual(error as? StoreError, .newerSchema)
        }
    }

    /// A server that is not there: a plain error naming where casevault looked, and never a password.
    func testAnUnreachableServerIsAClearErrorWithoutThePassword() throws {
        let endpoint = PostgresRecordStore.Endpoint(address: .unixSocket(path: "/nonexistent/.s.PGSQL.5432"), username: "casevault",
                                                    password: "secret-word", database: "vault")
        XCTAssertThrowsError(try PostgresRecordStore(endpoint: endpoint)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("cannot reach the vault database at postgresql://casevault@[/nonexistent/.s.PGSQL.5432]/vault"), text)
            XCTAssertFalse(text.contains("secret-word"), text)
        }
    }
}

extension PostgresTestServer {
    func endpoint(database: String) -> PostgresRecordStore.Endpoint {
        PostgresRecordStore.Endpoint(address: .unixSocket(path: "\(socketFolder)/.s.PGSQL.\(port)"), username: "casevault", database: database)
    }
}
