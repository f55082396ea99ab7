import Audit
import Foundation
import PostgresNIO
import VaultStorage

/// The audit log: rows appended in sequence (a taken sequence is refused by the primary key, so a chain never forks)
/// and read back without trusting their types, as the SQLite store does: a column changed outside casevault reads
/// as something no MAC covers and the chain check names it.
extension PostgresTransaction {
    static let headQuery: PostgresQuery = "SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1"

    func lastAuditEntry() throws -> ChainedEvent? {
        if let known = head?.entry { return known }
        let entry = try rows(Self.headQuery).first.map(Self.chainedEvent)
        head?.entry = .some(entry)
        return entry
    }

    /// Takes the vault's writers' lock and reads the chain's head and the state digests under it, in one wait with
    /// the BEGIN before them: nearly every write appends an event after the head, and changes records or signs a
    /// checkpoint, which needs the digests (256 small rows).
    func lockForWriting() throws {
        let answers = try store.runTogether(["SELECT pg_advisory_xact_lock(\(PostgresRecordStore.writeLockKey))", Self.headQuery,
                                             Self.stateBucketsQuery])
        head?.entry = .some(answers[1].rows.first.map(Self.chainedEvent))
        head?.stateBuckets = try Self.stateBucketDigests(answers[2].rows)
    }

    func auditEntries(caseID: String?, since: String?, actor: String?) throws -> [ChainedEvent] {
        try rows("""
            SELECT * FROM audit_events
            WHERE (\(caseID)::text IS NULL OR case_id = \(caseID)) AND (\(since)::text IS NULL OR time >= \(since))
              AND (\(actor)::text IS NULL OR actor = \(actor))
            ORDER BY seq
            """).map(Self.chainedEvent)
    }

    func auditIndex(caseID: String?, since: String?, actor: String?) throws -> [AuditIndexEntry] {
        try rows("""
            SELECT seq, case_id FROM audit_events
            WHERE (\(caseID)::text IS NULL OR case_id = \(caseID)) AND (\(since)::text IS NULL OR time >= \(since))
              AND (\(actor)::text IS NULL OR actor = \(actor))
            ORDER BY seq
            """).map { row in
            let row = row.makeRandomAccess()
            return AuditIndexEntry(sequence: (try? row["seq"].decode(Int64.self)) ?? -1, caseID: try? row["case_id"].decode(String?.self))
        }
    }

    func auditEntries(from first: Int64, through last: Int64) throws -> [ChainedEvent] {
        try rows("SELECT * FROM audit_events WHERE seq >= \(first) AND seq <= \(last) ORDER BY seq").map(Self.chainedEvent)
    }

    func auditEntry(sequence: Int64) throws -> ChainedEvent? {
        try rows("SELECT * FROM audit_events WHERE seq = \(sequence)").first.map(Self.chainedEvent)
    }

    static func chainedEvent(_ row: PostgresRow) -> ChainedEvent {
        let row = row.makeRandomAccess()
        func text(_ column: String) -> String? { try? row[column].decode(String?.self) }
        func bytes(_ column: String) -> [UInt8]? { (try? row[column].decode(Data?.self))?.map(Array.init) }
        let event = AuditEvent(sequence: (try? row["seq"].decode(Int64.self)) ?? -1, time: text("time") ?? "", actor: text("actor"),
                               action: text("action") ?? "", caseID: text("case_id"), documentID: text("document_id"),
                               decision: text("decision"), ruleIDs: CanonicalJSON.ruleIDs(stored: text("rule_ids")), outcome: text("outcome") ?? "",
                               details: CanonicalJSON.details(stored: text("details")))
        return ChainedEvent(event: event, previousMAC: bytes("prev_mac") ?? [], entryMAC: bytes("entry_mac") ?? [], signature: bytes("signature"))
    }

    func append(_ entry: ChainedEvent) throws {
        let e = entry.event
        let signature = entry.signature.map { Data($0) }
        // Under the writers' lock the sequence is free: nothing is read from the answer, so it need not be waited for.
        try appendWithNext("""
            INSERT INTO audit_events (seq, time, actor, action, case_id, document_id, decision, rule_ids, outcome, details, prev_mac, entry_mac,
                                      signature)
            VALUES (\(e.sequence), \(e.time), \(e.actor), \(e.action), \(e.caseID), \(e.documentID), \(e.decision),
                    \(CanonicalJSON.encode(e.ruleIDs)), \(e.outcome), \(CanonicalJSON.encode(e.details)), \(Data(entry.previousMAC)),
                    \(Data(entry.entryMAC)), \(signature))
            """)
        head?.entry = .some(entry)
    }

    func auditCheckpoints() throws -> [AuditCheckpoint] {
        // A checkpoint that no longer decodes is damage, reported, never skipped.
        try rows("SELECT checkpoint FROM audit_checkpoints ORDER BY id").map {
            try JSONDecoder().decode(AuditCheckpoint.self, from: Data(try $0.decode(String.self).utf8))
        }
    }

    func auditCheckpoints(sequence: Int64) throws -> [AuditCheckpoint] {
        // A row that no longer decodes is left out here: it cannot vouch for the mark, and `audit verify` reports it.
        try rows("SELECT checkpoint FROM audit_checkpoints WHERE sequence = \(sequence) ORDER BY id").compactMap {
            try? JSONDecoder().decode(AuditCheckpoint.self, from: Data(try $0.decode(String.self).utf8))
        }
    }

    func insert(_ checkpoint: AuditCheckpoint) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(checkpoint), as: UTF8.self)
        try appendWithNext("INSERT INTO audit_checkpoints (sequence, checkpoint) VALUES (\(checkpoint.sequence), \(json))")
    }
}
