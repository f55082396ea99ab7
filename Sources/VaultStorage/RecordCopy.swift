import Audit

/// Every record of one store, copied into another (empty) one through the record protocols: the backup of a vault
/// whose records are in PostgreSQL is a vault.db like any other, and a backup restores into either kind of store.
///
/// Why through the protocols and not with pg_dump/pg_restore: a dump is SQL that pg_restore runs, so a crafted backup
/// could run statements of its choosing as the restoring account; records copied one by one are typed values bound
/// as parameters. The copy holds exactly what the state ledger covers, so `verify` on the copy shows whether anything
/// was left out (each row's hash is checked against the audit log). Server sessions are not vault records and are not
/// copied: a restored vault starts with nobody logged in.
public enum RecordCopy {
    public struct Summary: Sendable, Equatable {
        /// The documents the copy lists, whose bodies the caller copies next.
        public var documentIDs: [String]
        public var records: Int
    }

    /// Copies everything `source` holds into `target`, in the caller's transactions (one snapshot read, one write).
    /// Refuses a target that already holds a vault.
    public static func copy(from source: any VaultRecordReading, to target: any VaultRecordWriting) throws -> Summary {
        if let existing = try target.meta("vault_id") {
            throw StoreError.failed("the destination already holds vault \(existing)")
        }
        var records = 0
        // Parents before children, so that the destination's foreign keys hold at every insert.
        for (key, value) in try source.metaEntries().sorted(by: { $0.key < $1.key }) {
            try target.setMeta(key, value)
            records += 1
        }
        for record in try source.organisations() { try target.insert(record); records += 1 }
        for record in try source.advocates() { try target.insert(record); records += 1 }
        for record in try source.people() { try target.insert(record); records += 1 }
        for record in try source.cases() { try target.insert(record); records += 1 }
        for record in try source.caseAdvocateRecords() { try target.insert(record); records += 1 }
        for record in try source.tombstones() { try target.insert(record); records += 1 }
        for record in try source.dataKeys() { try target.insert(record); records += 1 }
        for record in try source.wrappers() { try target.insert(record); records += 1 }
        let documents = try source.documents(caseID: nil)
        for record in documents { try target.insert(record); records += 1 }
        for record in try source.consentRecords(type: nil, caseID: nil, personID: nil) { try target.save(record); records += 1 }
        // In chain order: the destination refuses a sequence that is taken, never one that is new.
        for entry in try source.auditEntries(caseID: nil, since: nil, actor: nil).sorted(by: { $0.event.sequence < $1.event.sequence }) {
            try target.append(entry)
            records += 1
        }
        for checkpoint in try source.auditCheckpoints() { try target.insert(checkpoint); records += 1 }
        for state in try source.recordStates() { try target.save(state); records += 1 }
        for (bucket, digest) in try source.stateBucketDigests().sorted(by: { $0.key < $1.key }) {
            try target.setStateBucket(bucket, digest: digest)
            records += 1
        }
        return Summary(documentIDs: documents.map(\.id), records: records)
    }
}
