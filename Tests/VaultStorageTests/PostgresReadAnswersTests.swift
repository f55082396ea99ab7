import Audit
import Foundation
import PostgresTestSupport
import VaultCrypto
import VaultStorage
import VaultStoragePostgres
import XCTest

/// A read transaction sees one snapshot, so a statement it sends twice (the consent gate reads the case, its records
/// and the audit head from several places) is answered from the first time; a write transaction asks every time, but
/// for the audit head, which only it moves while it holds the writers' lock.
final class PostgresReadAnswersTests: XCTestCase {
    /// A store on a fresh database of a private server, and what stops both.
    func startStore() throws -> (PostgresRecordStore, () -> Void) {
        let server = try PostgresTestServer.start()
        do {
            let store = try PostgresRecordStore(endpoint: server.endpoint(database: try server.makeDatabase()))
            return (store, { store.close(); server.stop() })
        } catch {
            server.stop()
            throw error
        }
    }

    func testARepeatedStatementInAReadIsSentOnceAndAWriteAsksAgain() throws {
        let (store, stop) = try startStore()
        defer { stop() }
        try store.write { tx in try tx.setMeta("answered", "first") }

        var (sent, waits) = (store.statementsSent, store.roundTrips)
        let (once, again) = try store.read { tx in (try tx.meta("answered"), try tx.meta("answered")) }
        XCTAssertEqual([once, again], ["first", "first"])
        XCTAssertEqual(store.statementsSent - sent, 3, "BEGIN, one SELECT, COMMIT")
        XCTAssertEqual(store.roundTrips - waits, 2, "BEGIN goes with the SELECT")

        (sent, waits) = (store.statementsSent, store.roundTrips)
        let seen = try store.write { tx -> [String?] in
            let before = try tx.meta("answered")
            try tx.setMeta("answered", "second")
            return [before, try tx.meta("answered")]
        }
        XCTAssertEqual(seen, ["first", "second"], "a write reads its own change")
        XCTAssertEqual(store.statementsSent - sent, 8, "BEGIN, the writers' lock, the audit head and the state digests, SELECT, the change, SELECT again, COMMIT")
        XCTAssertEqual(store.roundTrips - waits, 5, "BEGIN, the lock, the head and the digests in one wait")
        XCTAssertEqual(try store.read { try $0.meta("answered") }, "second", "answers end with their transaction")

        // The state index's digests: read once per write transaction, then kept with its own changes.
        sent = store.statementsSent
        let (before, after) = try store.write { tx -> ([Int: Data], [Int: Data]) in
            let before = try tx.stateBucketDigests()
            try tx.setStateBucket(4, digest: Data([4]))
            return (before, try tx.stateBucketDigests())
        }
        XCTAssertNil(before[4])
        XCTAssertEqual(after[4], Data([4]), "its own change is in what it sees next")
        XCTAssertEqual(store.statementsSent - sent, 6, "BEGIN, the writers' lock, the audit head and the digests (read once), the change, COMMIT")
        XCTAssertEqual(try store.read { try $0.stateBucketDigests() }, after)
    }

    func testAWriteTransactionReadsTheAuditHeadOnceForAllItsEvents() throws {
        let (store, stop) = try startStore()
        defer { stop() }
        let chain = try AuditChain(auditKey: try SecureBytes.random(count: 32), vaultID: "vault-1")
        func event(_ number: Int) -> AuditEvent {
            AuditEvent(time: "2026-01-01T00:00:00Z", actor: "adv-1", action: "document.read", details: ["n": String(number)])
        }
        try store.write { tx in _ = try tx.appendChained(event(0), using: chain) }

        let (sent, waits) = (store.statementsSent, store.roundTrips)
        let heads = try store.write { tx -> [Int64?] in
            var seen: [Int64?] = []
            for number in 1...3 {
                _ = try tx.appendChained(event(number), using: chain)
                seen.append(try tx.lastAuditEntry()?.event.sequence)
            }
            return seen
        }
        XCTAssertEqual(heads, [2, 3, 4], "each event is chained after the one before it")
        XCTAssertEqual(store.statementsSent - sent, 8, "BEGIN, the writers' lock, one read of the head, the state digests, three INSERTs, COMMIT")
        XCTAssertEqual(store.roundTrips - waits, 2, "BEGIN, the lock, the head and the digests in one wait; the three INSERTs with the COMMIT")
        let all = try store.read { tx in try tx.auditEntries(caseID: nil, since: nil, actor: nil) }
        XCTAssertEqual(all.map(\.event.sequence), [1, 2, 3, 4])
        XCTAssertNil(try AuditVerifier(chain: chain).verify(all, checkpoints: [], vaultPublicKey: try Ed25519.PrivateKey.generate().publicKey))
    }

    /// The gate reads a person's records of every type, then their authorities: the second is taken from the first's
    /// rows in the same read, with the same records in the same order as the statement would give.
    func testRecordsOfOneTypeComeFromTheSameReadsRecordsOfEveryType() throws {
        let (store, stop) = try startStore()
        defer { stop() }
        try store.write { tx in
            for (n, type) in ["authority", "person_status", "authority", "capacity"].enumerated() {
                try tx.save(ConsentRecord(id: "rec-\(9 - n)", recordType: type, personID: "per-1", createdAt: "2026-01-0\(n + 1)", updatedAt: "t",
                                          sealed: Data([UInt8(n)])))
            }
            try tx.save(ConsentRecord(id: "rec-other", recordType: "authority", personID: "per-2", createdAt: "2026-01-01", updatedAt: "t", sealed: Data()))
        }
        let alone = try store.read { try $0.consentRecords(type: "authority", caseID: nil, personID: "per-1") }
        XCTAssertEqual(alone.map(\.id), ["rec-9", "rec-7"])

        let sent = store.statementsSent
        let (all, authorities, none) = try store.read { tx in
            (try tx.consentRecords(type: nil, caseID: nil, personID: "per-1"), try tx.consentRecords(type: "authority", caseID: nil, personID: "per-1"),
             try tx.consentRecords(type: "case_note", caseID: nil, personID: "per-1"))
        }
        XCTAssertEqual(all.map(\.id), ["rec-9", "rec-8", "rec-7", "rec-6"])
        XCTAssertEqual(authorities, alone, "the same records as the statement of the type gives")
        XCTAssertEqual(none, [])
        XCTAssertEqual(store.statementsSent - sent, 3, "BEGIN, one SELECT, COMMIT")
    }

    /// Reads a caller names ahead (`prefetch`) go to the database in one wait with the BEGIN, and the same reads after
    /// are answered from them, with the rows they would have read; a read the prefetch did not name is sent as usual.
    func testPrefetchedReadsAreOneWaitAndAnswerTheSameRows() throws {
        let (store, stop) = try startStore()
        defer { stop() }
        let chain = try AuditChain(auditKey: try SecureBytes.random(count: 32), vaultID: "vault-1")
        try store.write { tx in
            try tx.setMeta("vault_id", "vault-1")
            _ = try tx.appendChained(AuditEvent(time: "2026-01-01T00:00:00Z", actor: "adv-1", action: "vault.init"), using: chain)
        }
        let plain = try store.read { tx in (try tx.metaEntries(), try tx.lastAuditEntry()?.entryMAC, try tx.advocate("adv-1")) }

        let (sent, waits) = (store.statementsSent, store.roundTrips)
        let prefetched = try store.read { tx in
            try tx.prefetch([{ _ = try $0.metaEntries() }, { _ = try $0.lastAuditEntry() }, { _ = try $0.advocate("adv-1") }])
            return (try tx.metaEntries(), try tx.lastAuditEntry()?.entryMAC, try tx.advocate("adv-1"))
        }
        XCTAssertEqual(prefetched.0, plain.0)
        XCTAssertEqual(prefetched.1, plain.1)
        XCTAssertNil(prefetched.2)
        XCTAssertEqual(store.statementsSent - sent, 5, "BEGIN, three SELECTs, COMMIT: the reads themselves were answered")
        XCTAssertEqual(store.roundTrips - waits, 2, "BEGIN and the three reads in one wait, then the COMMIT")

        // A failed statement among them fails the read, as it would have alone, and leaves the connection usable.
        XCTAssertThrowsError(try store.read { tx in
            // Text with a NUL byte: PostgreSQL refuses the statement.
            try tx.prefetch([{ _ = try $0.metaEntries() }, { _ = try $0.meta("no\u{0}such") }])
        })
        XCTAssertEqual(try store.read { try $0.meta("vault_id") }, "vault-1")
    }

    /// The state index's bucket digests, as a read and as the writers' lock read them, whatever the digests' lengths
    /// and bucket numbers (a digest edited in the database still reads as what it is).
    func testTheStateBucketDigestsReadAsStoredInAReadAndUnderTheWritersLock() throws {
        let (store, stop) = try startStore()
        defer { stop() }
        XCTAssertEqual(try store.read { try $0.stateBucketDigests() }, [:], "none yet")
        var expected: [Int: Data] = [:]
        for bucket in 0..<256 { expected[bucket] = Data((0..<32).map { UInt8(truncatingIfNeeded: bucket &* 7 &+ $0) }) }
        expected[3] = Data()
        expected[200] = Data(repeating: 0xAB, count: 100)
        try store.write { tx in for (bucket, digest) in expected { try tx.setStateBucket(bucket, digest: digest) } }
        XCTAssertEqual(try store.read { try $0.stateBucketDigests() }, expected)
        XCTAssertEqual(try store.write { try $0.stateBucketDigests() }, expected, "as the writers' lock reads them")
        try store.execute(sql: "INSERT INTO state_buckets (bucket, digest) VALUES (-5, '\\x0102')")
        XCTAssertEqual(try store.read { try $0.stateBucketDigests() }[-5], Data([1, 2]), "an out-of-range bucket added outside reads as itself")
    }

    /// An appended event is sent with the transaction's next statement, not waited for alone: when the database
    /// refuses it (here a sequence already taken), the write fails there and nothing of it is stored.
    func testAnAppendRefusedByTheDatabaseFailsItsWriteWhereverItsAnswerArrives() throws {
        let (store, stop) = try startStore()
        defer { stop() }
        let chain = try AuditChain(auditKey: try SecureBytes.random(count: 32), vaultID: "vault-1")
        let first = try store.write { tx in
            try tx.appendChained(AuditEvent(time: "2026-01-01T00:00:00Z", actor: "adv-1", action: "document.read"), using: chain)
        }
        // Answered with the COMMIT.
        XCTAssertThrowsError(try store.write { tx in
            try tx.setMeta("kept", "no")
            try tx.append(first)
        }) { error in
            XCTAssertTrue("\(error)".contains("23505") || "\(error)".contains("duplicate"), "\(error)")
        }
        // Answered with the next statement, which the write then never sees succeed.
        XCTAssertThrowsError(try store.write { tx in
            try tx.append(first)
            try tx.setMeta("kept", "no")
        })
        XCTAssertNil(try store.read { try $0.meta("kept") }, "nothing of either write was stored")
        XCTAssertEqual(try store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil) }.map(\.event.sequence), [1])
        _ = try store.write { tx in
            try tx.appendChained(AuditEvent(time: "2026-01-01T00:00:01Z", actor: "adv-1", action: "document.read"), using: chain)
        }
        XCTAssertEqual(try store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil) }.map(\.event.sequence), [1, 2],
                       "the connection works after it")
    }

    /// PostgreSQL answers the COMMIT of a transaction a failed statement aborted with ROLLBACK, not an error: a write
    /// whose body caught that statement's error must fail, not report its other changes stored.
    func testAWriteWhoseStatementFailedCannotCommitQuietly() throws {
        let (store, stop) = try startStore()
        defer { stop() }
        XCTAssertThrowsError(try store.write { tx in
            try tx.setMeta("kept", "no")
            _ = try? tx.meta("no\u{0}such")    // refused by PostgreSQL (text with a NUL byte), the error caught
        }) { error in
            XCTAssertTrue("\(error)".contains("rolled the transaction back"), "\(error)")
        }
        XCTAssertNil(try store.read { try $0.meta("kept") })
        try store.write { tx in try tx.setMeta("kept", "yes") }
        XCTAssertEqual(try store.read { try $0.meta("kept") }, "yes", "the connection works after it")
    }
}
