import Audit
import Foundation
import PostgresTestSupport
import VaultCrypto
import VaultStorage
@testable import VaultStoragePostgres
import XCTest

/// Group commit (PostgresGroupCommit): two server instances' pools append signed audit events from many threads at
/// once into one chain; writers queued behind the writers' lock commit together; a failing writer is undone alone;
/// a failed COMMIT fails every writer of its batch and keeps nothing.
final class PostgresGroupCommitTests: XCTestCase {
    struct Refused: Error {}

    func database() throws -> PostgresRecordStore.Endpoint {
        let server = try PostgresTestServer.shared()
        return server.endpoint(database: try server.makeDatabase())
    }

    func chain(for actor: String, auditKey: SecureBytes) throws -> (AuditChain, Ed25519.PublicKey) {
        let key = try Ed25519.PrivateKey.generate()
        return (try AuditChain(auditKey: auditKey, vaultID: "vault-1", signer: AuditSigner(accountID: actor, key: key)), key.publicKey)
    }

    static func event(_ actor: String, _ number: Int, action: String = "document.read") -> AuditEvent {
        AuditEvent(time: "2026-01-01T00:00:00Z", actor: actor, action: action, details: ["n": String(number)])
    }

    /// Another session holds the writers' lock, so the test decides when the next batch may commit.
    func holdWritersLock(_ endpoint: PostgresRecordStore.Endpoint) throws -> PostgresRecordStore {
        let holder = try PostgresRecordStore(endpoint: endpoint)
        try holder.execute(sql: "SELECT pg_advisory_lock(\(PostgresRecordStore.writeLockKey))")
        return holder
    }

    func release(_ holder: PostgresRecordStore) throws {
        try holder.execute(sql: "SELECT pg_advisory_unlock(\(PostgresRecordStore.writeLockKey))")
        holder.close()
    }

    func waitUntil(_ what: String, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(30)
        while !condition() {
            guard Date() < deadline else { return XCTFail("timed out waiting until \(what)") }
            usleep(2_000)
        }
    }

    /// Writers on threads of their own; their outcomes (nil: committed) once all have returned.
    final class Writers: @unchecked Sendable {
        let lock = NSLock()
        var outcomes: [Int: (any Error)?] = [:]
        /// The state index's digests each writer saw, where a test records them.
        var buckets: [Int: [Int: Data]] = [:]
        let group = DispatchGroup()

        func start(_ index: Int, _ body: @escaping @Sendable () throws -> Void) {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                do { try body(); lock.withLock { outcomes[index] = .some(nil) } } catch { lock.withLock { outcomes[index] = error } }
            }
        }

        func wait() -> [Int: (any Error)?] {
            group.wait()
            return lock.withLock { outcomes }
        }
    }

    func testTwoInstancesAppendingFromManyThreadsKeepOneSignedChainWithNothingLostOrDuplicated() throws {
        let endpoint = try database()
        let pools = [PostgresStorePool(endpoint: endpoint, readers: 2), PostgresStorePool(endpoint: endpoint, readers: 2)]
        defer { pools.forEach { $0.close() } }
        let auditKey = try SecureBytes.random(count: 32)
        let (threads, perThread) = (16, 15)
        let signers = try (0..<threads).map { try chain(for: "adv-\($0)", auditKey: auditKey) }
        // Threads of their own (concurrentPerform would run only as many as there are cores).
        let writers = Writers()
        for index in 0..<threads {
            writers.start(index) {
                for number in 0..<perThread {
                    try pools[index % 2].write { tx in _ = try tx.appendChained(Self.event("adv-\(index)", number), using: signers[index].0) }
                }
            }
        }
        let outcomes = writers.wait()
        XCTAssertEqual(outcomes.compactMap { $0.value.map { "\($0)" } }, [], "no write was refused")
        let all = try pools[0].read { tx in try tx.auditEntries(caseID: nil, since: nil, actor: nil) }
        XCTAssertEqual(all.map(\.event.sequence), (1...Int64(threads * perThread)).map { $0 }, "one chain, no gap, no fork")
        for index in 0..<threads {
            let numbers = all.filter { $0.event.actor == "adv-\(index)" }.map { $0.event.details["n"] ?? "" }
            XCTAssertEqual(numbers, (0..<perThread).map(String.init), "each writer's events once each, in the order it wrote them")
        }
        let verifier = AuditVerifier(chain: try AuditChain(auditKey: auditKey, vaultID: "vault-1"))
        XCTAssertNil(try verifier.verify(all, checkpoints: [], vaultPublicKey: try Ed25519.PrivateKey.generate().publicKey), "the MAC chain verifies")
        let keys = Dictionary(uniqueKeysWithValues: signers.enumerated().map { ("adv-\($0.offset)", $0.element.1) })
        XCTAssertNil(verifier.verifySignatures(all, requiredFrom: 1) { actor, _ in keys[actor] }, "each event is signed by its own writer")
        let batches = pools.map(\.commitBatches).reduce(0, +)
        XCTAssertLessThanOrEqual(batches, threads * perThread)
        print("group commit: \(threads * perThread) writes in \(batches) commits")
    }

    func testWritersQueuedBehindTheLockCommitTogetherInOneTransaction() throws {
        let endpoint = try database()
        let pool = PostgresStorePool(endpoint: endpoint, readers: 1)
        defer { pool.close() }
        let (audit, _) = try chain(for: "adv-1", auditKey: try SecureBytes.random(count: 32))
        let holder = try holdWritersLock(endpoint)
        let writers = Writers()
        writers.start(0) { try pool.write { tx in _ = try tx.appendChained(Self.event("adv-1", 0), using: audit) } }
        waitUntil("the first writer leads a batch") { pool.committer.isLeading }
        for number in 1..<10 {
            writers.start(number) { try pool.write { tx in _ = try tx.appendChained(Self.event("adv-1", number), using: audit) } }
        }
        waitUntil("nine writers queue") { pool.committer.queued == 9 }
        try release(holder)
        let outcomes = writers.wait()
        XCTAssertEqual(outcomes.count, 10)
        XCTAssertTrue(outcomes.values.allSatisfy { $0 == nil }, "\(outcomes)")
        XCTAssertEqual(pool.commitBatches, 2, "the first writer alone, then the nine that queued meanwhile in one commit")
        let all = try pool.read { tx in try tx.auditEntries(caseID: nil, since: nil, actor: nil) }
        XCTAssertEqual(all.map(\.event.sequence), (1...10).map { Int64($0) })
        XCTAssertEqual(Set(all.compactMap { $0.event.details["n"] }), Set((0..<10).map(String.init)))
    }

    func testAWriterThatFailsInABatchIsUndoneAloneAndOnlyItsCallerSeesTheError() throws {
        let endpoint = try database()
        let pool = PostgresStorePool(endpoint: endpoint, readers: 1)
        defer { pool.close() }
        let auditKey = try SecureBytes.random(count: 32)
        let (audit, _) = try chain(for: "adv-1", auditKey: auditKey)
        let holder = try holdWritersLock(endpoint)
        let writers = Writers()
        writers.start(0) { try pool.write { tx in _ = try tx.appendChained(Self.event("adv-1", 0), using: audit) } }
        waitUntil("the first writer leads a batch") { pool.committer.isLeading }
        // What each writer saw of the state index after changing its own bucket (a write transaction keeps the
        // digests it read: one undone must not leave its change in what the next writer sees).
        let seen = Writers()
        for number in 1..<6 {
            writers.start(number) {
                try pool.write { tx in
                    _ = try tx.appendChained(Self.event("adv-1", number), using: audit)
                    _ = try tx.stateBucketDigests()
                    try tx.setStateBucket(number, digest: Data([UInt8(number)]))
                    let digests = try tx.stateBucketDigests()
                    seen.lock.withLock { seen.buckets[number] = digests }
                    // Its event was written, then the writer refuses: the event must go with it.
                    if number == 3 { throw Refused() }
                }
            }
        }
        waitUntil("five writers queue") { pool.committer.queued == 5 }
        try release(holder)
        let outcomes = writers.wait()
        XCTAssertTrue(outcomes[3].map { $0 is Refused } ?? false, "the failing writer's caller gets its own error")
        XCTAssertEqual(outcomes.filter { $0.value == nil }.map(\.key).sorted(), [0, 1, 2, 4, 5], "the others committed")
        let all = try pool.read { tx in try tx.auditEntries(caseID: nil, since: nil, actor: nil) }
        XCTAssertEqual(all.map(\.event.sequence), (1...5).map { Int64($0) }, "no gap where the undone event was")
        XCTAssertFalse(all.contains { $0.event.details["n"] == "3" })
        let views = seen.lock.withLock { seen.buckets }
        for number in [1, 2, 4, 5] {
            XCTAssertEqual(views[number]?[number], Data([UInt8(number)]), "writer \(number) sees its own change")
            XCTAssertNil(views[number]?[3], "writer \(number) does not see the undone writer's change")
        }
        XCTAssertEqual(try pool.read { try $0.stateBucketDigests() }.keys.sorted(), [1, 2, 4, 5])
        XCTAssertNil(try AuditVerifier(chain: try AuditChain(auditKey: auditKey, vaultID: "vault-1"))
            .verify(all, checkpoints: [], vaultPublicKey: try Ed25519.PrivateKey.generate().publicKey))
    }

    /// A writer's appended event goes to the database with the batch's next statement (its savepoint's release):
    /// refused there, it is that writer's error alone, and the others of the batch commit.
    func testAnAppendTheDatabaseRefusesInABatchFailsOnlyItsWriter() throws {
        let endpoint = try database()
        let pool = PostgresStorePool(endpoint: endpoint, readers: 1)
        defer { pool.close() }
        let (audit, _) = try chain(for: "adv-1", auditKey: try SecureBytes.random(count: 32))
        let first = try pool.write { tx in try tx.appendChained(Self.event("adv-1", 0), using: audit) }
        let holder = try holdWritersLock(endpoint)
        let writers = Writers()
        writers.start(0) { try pool.write { tx in _ = try tx.appendChained(Self.event("adv-1", 1), using: audit) } }
        waitUntil("the first writer leads a batch") { pool.committer.isLeading }
        for number in 2..<5 {
            writers.start(number) {
                try pool.write { tx in
                    // Writer 3 appends an event whose sequence is taken: the primary key refuses it.
                    if number == 3 { try tx.append(first) } else { _ = try tx.appendChained(Self.event("adv-1", number), using: audit) }
                }
            }
        }
        waitUntil("three writers queue") { pool.committer.queued == 3 }
        try release(holder)
        let outcomes = writers.wait()
        XCTAssertNotNil(outcomes[3] ?? nil, "the refused writer's caller gets an error")
        XCTAssertEqual(outcomes.filter { $0.value == nil }.map(\.key).sorted(), [0, 2, 4], "the others committed")
        let all = try pool.read { tx in try tx.auditEntries(caseID: nil, since: nil, actor: nil) }
        XCTAssertEqual(all.map(\.event.sequence), [1, 2, 3, 4])
        XCTAssertEqual(all.compactMap { $0.event.details["n"] }, ["0", "1", "2", "4"])
    }

    func testAFailedCommitFailsEveryWriterOfItsBatchAndKeepsNothing() throws {
        let endpoint = try database()
        let pool = PostgresStorePool(endpoint: endpoint, readers: 1)
        defer { pool.close() }
        let (audit, _) = try chain(for: "adv-1", auditKey: try SecureBytes.random(count: 32))
        // Checked only at COMMIT (deferred): every statement of the batch succeeds, then the commit fails.
        let setup = try PostgresRecordStore(endpoint: endpoint)
        defer { setup.close() }
        try setup.execute(sql: "CREATE FUNCTION refuse_reads() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$")
        try setup.execute(sql: """
            CREATE CONSTRAINT TRIGGER refuse_reads AFTER INSERT ON audit_events DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW WHEN (NEW.action = 'document.read') EXECUTE FUNCTION refuse_reads();
            """)
        let holder = try holdWritersLock(endpoint)
        let writers = Writers()
        writers.start(0) { try pool.write { tx in _ = try tx.appendChained(Self.event("adv-1", 0), using: audit) } }
        waitUntil("the first writer leads a batch") { pool.committer.isLeading }
        for number in 1..<5 {
            writers.start(number) { try pool.write { tx in _ = try tx.appendChained(Self.event("adv-1", number), using: audit) } }
        }
        waitUntil("four writers queue") { pool.committer.queued == 4 }
        try release(holder)
        let outcomes = writers.wait()
        XCTAssertEqual(outcomes.count, 5)
        XCTAssertTrue(outcomes.values.allSatisfy { $0 != nil }, "no writer is told its change committed: \(outcomes)")
        XCTAssertEqual(try pool.read { tx in try tx.auditEntries(caseID: nil, since: nil, actor: nil) }.count, 0, "nothing was kept")
        // The connection is usable again afterwards.
        try pool.write { tx in _ = try tx.appendChained(Self.event("adv-1", 9, action: "document.list"), using: audit) }
        XCTAssertEqual(try pool.read { tx in try tx.lastAuditEntry() }?.event.sequence, 1)
    }
}
