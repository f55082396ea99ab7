import Audit
import Foundation
import GRDB
import VaultStorage

/// The vault database: SQLite through GRDB, WAL, foreign keys on, a busy timeout for a second process.
public final class SQLiteRecordStore: VaultRecordStore {
    let queue: DatabaseQueue
    let path: String

    public init(path: String) throws {
        self.path = path
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        configuration.label = "casevault"
        // Deleted rows (a removed document's wrapped key, an erased case) are overwritten on disk, not left in free
        // pages where a copy of the file would still hold them.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            let migrator = Schema.migrator
            if try queue.read({ try migrator.hasBeenSuperseded($0) }) { throw StoreError.newerSchema }
            try migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
        // GRDB creates the file with the process umask (077 in the CLI); make sure regardless.
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            chmod(path + suffix, 0o600)
        }
    }

    static func translate(_ error: DatabaseError) -> StoreError {
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: .notADatabase(path: "vault.db")
        case .SQLITE_BUSY, .SQLITE_LOCKED: .busy
        case .SQLITE_FULL: .diskFull
        default: .failed(error.message ?? "\(error.resultCode)")
        }
    }

    public func read<T>(_ body: (any VaultRecordReading) throws -> T) throws -> T {
        do {
            return try queue.read { db in try body(GRDBTransaction(db: db, head: nil)) }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    public func write<T>(_ body: (any VaultRecordWriting) throws -> T) throws -> T {
        do {
            return try queue.write { db in try body(GRDBTransaction(db: db, head: AuditHead())) }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    /// secure_delete has already zeroed the freed cells in the pages written to the WAL; a TRUNCATE checkpoint copies
    /// them into the main file and empties the WAL, so no earlier frame still holds the deleted rows.
    public func purgeFreedPages() throws {
        do {
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }

    public func integrityProblems() throws -> [String] {
        try queue.read { db in
            var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            problems += foreignKeys.map { "foreign key violation in \($0[0] as String? ?? "?") row \($0[1] as Int64? ?? -1)" }
            problems += try Self.foreignTextValues(db)
            return problems
        }
    }

    /// A text column holding bytes (a BLOB), or text with a NUL in it, was written outside casevault: such a value can
    /// read back exactly like the original (text is read up to its first NUL), so the record's hash would not change.
    static func foreignTextValues(_ db: Database) throws -> [String] {
        var problems: [String] = []
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'")
        for table in tables {
            let columns = try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info(?)", arguments: [table])
                .filter { ($0["type"] as String? ?? "").uppercased() == "TEXT" }.compactMap { $0["name"] as String? }
            for column in columns {
                let quoted = "\"\(column.replacingOccurrences(of: "\"", with: "\"\""))\""
                let count = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM "\(table)" WHERE typeof(\(quoted)) NOT IN ('text', 'null') OR instr(CAST(\(quoted) AS BLOB), x'00') > 0
                    """) ?? 0
                if count > 0 { problems.append("\(table).\(column) holds \(count) value(s) casevault never writes (bytes, or text with a NUL): changed outside casevault") }
            }
        }
        return problems
    }

    public func backup(to destination: String) throws {
        do {
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [destination])
            }
        } catch let error as DatabaseError {
            throw Self.translate(error)
        }
    }
}

struct GRDBTransaction: VaultRecordWriting {
    let db: Database
    /// A write transaction's audit head once read or appended (nil in a read): `queue.write` holds the only write
    /// lock, so no one else appends until it ends, and a rolled-back transaction takes its head with it.
    let head: AuditHead?

    func meta(_ key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM vault_meta WHERE key = ?", arguments: [key])
    }
    func setMeta(_ key: String, _ value: String) throws {
        try db.execute(sql: "INSERT INTO vault_meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: [key, value])
    }
    func metaEntries() throws -> [String: String] {
        var entries: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM vault_meta") {
            if let key = String.fromDatabaseValue(row[0] as DatabaseValue) { entries[key] = String.fromDatabaseValue(row[1] as DatabaseValue) ?? "" }
        }
        return entries
    }
    func organisations() throws -> [OrganisationRecord] { try OrganisationRecord.order(Column("created_at"), Column("id")).fetchAll(db) }
    func organisation(_ id: String) throws -> OrganisationRecord? { try OrganisationRecord.fetchOne(db, key: id) }
    func advocates() throws -> [AdvocateRecord] { try AdvocateRecord.order(Column("created_at"), Column("id")).fetchAll(db) }
    func advocate(_ id: String) throws -> AdvocateRecord? { try AdvocateRecord.fetchOne(db, key: id) }
    func people() throws -> [PersonRecord] { try PersonRecord.order(Column("created_at"), Column("id")).fetchAll(db) }
    func person(_ id: String) throws -> PersonRecord? { try PersonRecord.fetchOne(db, key: id) }
    func people(nhsNumberIndex: Data) throws -> [PersonRecord] {
        try PersonRecord.filter(Column("nhs_number_index") == nhsNumberIndex).fetchAll(db)
    }
    func people(nameIndex: Data) throws -> [PersonRecord] {
        try PersonRecord.filter(Column("name_index") == nameIndex).fetchAll(db)
    }
    func cases() throws -> [CaseRecord] { try CaseRecord.order(Column("opened_at"), Column("id")).fetchAll(db) }
    func caseRecord(_ id: String) throws -> CaseRecord? { try CaseRecord.fetchOne(db, key: id) }
    func caseAdvocates(_ caseID: String) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT advocate_id FROM case_advocates WHERE case_id = ? ORDER BY advocate_id", arguments: [caseID])
    }
    func caseAdvocateRecords() throws -> [CaseAdvocateRecord] { try CaseAdvocateRecord.fetchAll(db) }
    func tombstones() throws -> [TombstoneRecord] { try TombstoneRecord.fetchAll(db) }
    func dataKeys() throws -> [DataKeyRecord] { try DataKeyRecord.fetchAll(db) }
    func recordState(kind: String, id: String) throws -> RecordStateRecord? {
        // Asked once for every row written (the state ledger numbers its version): one cached statement, not a query
        // built, prepared and authorised again for each row (a tenth of a small-file ingest's writing thread).
        try RecordStateRecord.fetchOne(try db.cachedStatement(sql: "SELECT * FROM \(RecordStateRecord.tableName) WHERE kind = ? AND record_id = ?"),
                                       arguments: [kind, id])
    }
    func recordStates(bucket: Int) throws -> [RecordStateRecord] {
        // Every bucket a write touched is read whole before it commits (an ingest's batch touches most of the 256):
        // one cached statement, not a query built, prepared and authorised for each.
        try RecordStateRecord.fetchAll(try db.cachedStatement(sql: "SELECT * FROM \(RecordStateRecord.tableName) WHERE bucket = ? ORDER BY kind, record_id"),
                                       arguments: [bucket])
    }
    func recordStates() throws -> [RecordStateRecord] { try RecordStateRecord.order(Column("kind"), Column("record_id")).fetchAll(db) }
    func recordStates(scope: String) throws -> [RecordStateRecord] {
        try RecordStateRecord.filter(Column("scope") == scope).order(Column("kind"), Column("record_id")).fetchAll(db)
    }
    func stateBucketDigests() throws -> [Int: Data] {
        var digests: [Int: Data] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT bucket, digest FROM state_buckets") {
            if let bucket = Int.fromDatabaseValue(row[0] as DatabaseValue), let digest = Data.fromDatabaseValue(row[1] as DatabaseValue) {
                digests[bucket] = digest
            }
        }
        return digests
    }
    func save(_ record: RecordStateRecord) throws {
        // Once for every row written: one cached upsert, not GRDB's update-then-insert encoded and built for each.
        try db.cachedStatement(sql: """
            INSERT INTO \(RecordStateRecord.tableName) (kind, record_id, version, hash, bucket, scope) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(kind, record_id) DO UPDATE SET version = excluded.version, hash = excluded.hash, bucket = excluded.bucket,
                                                       scope = excluded.scope
            """).execute(arguments: [record.kind, record.recordID, record.version, record.hash, record.bucket, record.scope])
    }
    func setStateBucket(_ bucket: Int, digest: Data) throws {
        try db.cachedStatement(sql: "INSERT INTO state_buckets(bucket, digest) VALUES (?, ?) ON CONFLICT(bucket) DO UPDATE SET digest = excluded.digest")
            .execute(arguments: [bucket, digest])
    }
    func dataKeyVersions(scope: String) throws -> [Int] {
        try Int.fetchAll(db, sql: "SELECT version FROM data_keys WHERE scope = ? ORDER BY version", arguments: [scope])
    }
    func wrappers() throws -> [KeyWrapperRecord] { try KeyWrapperRecord.fetchAll(db) }
    func wrappers(scope: String, version: Int) throws -> [KeyWrapperRecord] {
        try KeyWrapperRecord.filter(Column("scope") == scope && Column("version") == version).fetchAll(db)
    }
    func wrapper(scope: String, version: Int, kind: String, id: String) throws -> KeyWrapperRecord? {
        try KeyWrapperRecord.fetchOne(db, key: ["scope": scope.databaseValue, "version": version.databaseValue,
                                                "wrapper_kind": kind.databaseValue, "wrapper_id": id.databaseValue])
    }
    func document(_ id: String) throws -> DocumentRecord? { try DocumentRecord.fetchOne(db, key: id) }
    func contentMACs(caseID: String) throws -> [Data: String] {
        var found: [Data: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT content_mac, id FROM documents WHERE case_id = ?", arguments: [caseID]) {
            if let mac = Data.fromDatabaseValue(row[0] as DatabaseValue), let id = String.fromDatabaseValue(row[1] as DatabaseValue) { found[mac] = id }
        }
        return found
    }

    func documentCount(caseID: String?) throws -> Int {
        if let caseID { return try DocumentRecord.filter(Column("case_id") == caseID).fetchCount(db) }
        return try DocumentRecord.fetchCount(db)
    }
    func tombstone(_ caseID: String) throws -> TombstoneRecord? { try TombstoneRecord.fetchOne(db, key: caseID) }

    func insert(_ record: OrganisationRecord) throws { try record.insert(db) }
    func update(_ record: OrganisationRecord) throws { try record.update(db) }
    func insert(_ record: AdvocateRecord) throws { try record.insert(db) }
    func update(_ record: AdvocateRecord) throws { try record.update(db) }
    func insert(_ record: PersonRecord) throws { try record.insert(db) }
    func update(_ record: PersonRecord) throws { try record.update(db) }
    func insert(_ record: CaseRecord) throws { try record.insert(db) }
    func update(_ record: CaseRecord) throws { try record.update(db) }
    func insert(_ record: CaseAdvocateRecord) throws { try record.insert(db) }
    func insert(_ record: DataKeyRecord) throws { try record.insert(db) }
    func insert(_ record: KeyWrapperRecord) throws { try record.insert(db) }
    func deleteWrapper(_ record: KeyWrapperRecord) throws { _ = try record.delete(db) }
    func deleteDataKey(scope: String, version: Int) throws {
        try db.execute(sql: "DELETE FROM data_keys WHERE scope = ? AND version = ?", arguments: [scope, version])
    }
    func insert(_ record: DocumentRecord) throws {
        // One row per file an ingest stores: a cached statement with the columns bound by hand, not the row encoded
        // through Codable and its INSERT built again for each (the conformance suite reads every column back).
        try db.cachedStatement(sql: """
            INSERT INTO documents (id, case_id, kind, media_type, size, document_date, document_date_source, date_source_sealed, kind_sealed,
                                   ingested_at, ingested_by, case_key_version, wrapped_key, original_name_sealed, ciphertext_size,
                                   ciphertext_sha256, content_mac)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [record.id, record.caseID, record.kind, record.mediaType, record.size, record.documentDate,
                                     record.documentDateSource, record.dateSourceSealed, record.kindSealed, record.ingestedAt, record.ingestedBy,
                                     record.caseKeyVersion, record.wrappedKey, record.originalNameSealed, record.ciphertextSize,
                                     record.ciphertextSHA256, record.contentMAC])
    }
    func update(_ record: DocumentRecord) throws { try record.update(db) }
    func deleteDocuments(caseID: String) throws {
        try db.execute(sql: "DELETE FROM documents WHERE case_id = ?", arguments: [caseID])
    }
    func deleteDocument(_ id: String) throws {
        try db.execute(sql: "DELETE FROM documents WHERE id = ?", arguments: [id])
    }
    func deleteCaseAdvocates(caseID: String) throws {
        try db.execute(sql: "DELETE FROM case_advocates WHERE case_id = ?", arguments: [caseID])
    }
    func deleteCaseAdvocate(caseID: String, advocateID: String) throws {
        try db.execute(sql: "DELETE FROM case_advocates WHERE case_id = ? AND advocate_id = ?", arguments: [caseID, advocateID])
    }
    func insert(_ record: TombstoneRecord) throws { try record.insert(db) }
    func save(_ record: ConsentRecord) throws { try record.save(db) }
    func deleteConsentRecords(caseID: String) throws {
        try db.execute(sql: "DELETE FROM consent_records WHERE case_id = ?", arguments: [caseID])
    }
    func deleteConsentRecord(_ id: String) throws {
        try db.execute(sql: "DELETE FROM consent_records WHERE id = ?", arguments: [id])
    }
    func deleteConsentRecords(personID: String) throws {
        try db.execute(sql: "DELETE FROM consent_records WHERE person_id = ?", arguments: [personID])
    }
    func consentRecords(type: String?, caseID: String?, personID: String?) throws -> [ConsentRecord] {
        var request = ConsentRecord.order(Column("created_at"), Column("id"))
        if let type { request = request.filter(Column("record_type") == type) }
        if let caseID { request = request.filter(Column("case_id") == caseID) }
        if let personID { request = request.filter(Column("person_id") == personID) }
        return try request.fetchAll(db)
    }
    func consentRecord(_ id: String) throws -> ConsentRecord? { try ConsentRecord.fetchOne(db, key: id) }

    func lastAuditEntry() throws -> ChainedEvent? {
        if let known = head?.entry { return known }
        let entry = try Row.fetchOne(db, sql: "SELECT * FROM audit_events ORDER BY seq DESC LIMIT 1").map(Self.chainedEvent)
        head?.entry = .some(entry)
        return entry
    }

    func auditEntries(caseID: String?, since: String?, actor: String?) throws -> [ChainedEvent] {
        let (filter, arguments) = Self.auditFilter(caseID: caseID, since: since, actor: actor)
        return try Row.fetchAll(db, sql: "SELECT * FROM audit_events\(filter) ORDER BY seq", arguments: arguments)
            .map(Self.chainedEvent)
    }

    func auditIndex(caseID: String?, since: String?, actor: String?) throws -> [AuditIndexEntry] {
        let (filter, arguments) = Self.auditFilter(caseID: caseID, since: since, actor: actor)
        return try Row.fetchAll(db, sql: "SELECT seq, case_id FROM audit_events\(filter) ORDER BY seq", arguments: arguments)
            .map { row in AuditIndexEntry(sequence: (row["seq"] as Int64?) ?? -1, caseID: row["case_id"] as String?) }
    }

    /// The WHERE clause (empty when nothing is asked) and its arguments for a filtered read of the audit log.
    private static func auditFilter(caseID: String?, since: String?, actor: String?) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let caseID { conditions.append("case_id = ?"); arguments.append(caseID) }
        if let since { conditions.append("time >= ?"); arguments.append(since) }
        if let actor { conditions.append("actor = ?"); arguments.append(actor) }
        return (conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND "), StatementArguments(arguments))
    }

    func auditEntries(from first: Int64, through last: Int64) throws -> [ChainedEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_events WHERE seq >= ? AND seq <= ? ORDER BY seq", arguments: [first, last])
            .map(Self.chainedEvent)
    }

    /// Reads an audit row without trusting its types: a tampered column (a BLOB where text belongs, a
    /// string that no longer parses) reads as something else, and the entry's MAC then fails, so the damage
    /// is reported instead of crashing the reader.
    static func chainedEvent(_ row: Row) -> ChainedEvent {
        func text(_ column: String) -> String? { String.fromDatabaseValue(row[column] as DatabaseValue) }
        func bytes(_ column: String) -> [UInt8] { Data.fromDatabaseValue(row[column] as DatabaseValue).map(Array.init) ?? [] }
        // Only the exact bytes we write count: anything else (unparsable, or parsable but not in our canonical
        // form, e.g. with added whitespace) reads as a marker that no MAC covers.
        let ruleIDs = CanonicalJSON.ruleIDs(stored: text("rule_ids")), details = CanonicalJSON.details(stored: text("details"))
        let event = AuditEvent(sequence: Int64.fromDatabaseValue(row["seq"] as DatabaseValue) ?? -1, time: text("time") ?? "",
                               actor: text("actor"), action: text("action") ?? "", caseID: text("case_id"), documentID: text("document_id"),
                               decision: text("decision"), ruleIDs: ruleIDs, outcome: text("outcome") ?? "", details: details)
        // A signature column holding anything but a BLOB (tampered) reads as an empty signature, which verifies for no one.
        let signature: [UInt8]? = (row["signature"] as DatabaseValue).isNull ? nil : bytes("signature")
        return ChainedEvent(event: event, previousMAC: bytes("prev_mac"), entryMAC: bytes("entry_mac"), signature: signature)
    }

    func append(_ entry: ChainedEvent) throws {
        let e = entry.event
        // One event per file an ingest stores: a cached statement, not the SQL parsed again for each.
        do {
            try db.cachedStatement(sql: """
                INSERT INTO audit_events (seq, time, actor, action, case_id, document_id, decision, rule_ids, outcome, details, prev_mac, entry_mac,
                                          signature)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [e.sequence, e.time, e.actor, e.action, e.caseID, e.documentID, e.decision,
                                         CanonicalJSON.encode(e.ruleIDs), e.outcome, CanonicalJSON.encode(e.details),
                                         Data(entry.previousMAC), Data(entry.entryMAC), entry.signature.map { Data($0) }])
        } catch {
            // Refused (a taken sequence): whatever this transaction assumed of the head is read again.
            head?.entry = nil
            throw error
        }
        head?.entry = .some(entry)
    }

    func auditCheckpoints() throws -> [AuditCheckpoint] {
        // A checkpoint that no longer decodes is damage, reported, never skipped.
        try String.fetchAll(db, sql: "SELECT checkpoint FROM audit_checkpoints ORDER BY id").map {
            try JSONDecoder().decode(AuditCheckpoint.self, from: Data($0.utf8))
        }
    }

    func auditEntry(sequence: Int64) throws -> ChainedEvent? {
        try Row.fetchOne(db, sql: "SELECT * FROM audit_events WHERE seq = ?", arguments: [sequence]).map(Self.chainedEvent)
    }

    func auditCheckpoints(sequence: Int64) throws -> [AuditCheckpoint] {
        // A row that no longer decodes is left out here: it cannot vouch for the mark, and `audit verify` reports it.
        try String.fetchAll(db, sql: "SELECT checkpoint FROM audit_checkpoints WHERE json_extract(checkpoint, '$.sequence') = ? ORDER BY id",
                            arguments: [sequence])
            .compactMap { try? JSONDecoder().decode(AuditCheckpoint.self, from: Data($0.utf8)) }
    }

    func insert(_ checkpoint: AuditCheckpoint) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try db.execute(sql: "INSERT INTO audit_checkpoints (checkpoint) VALUES (?)",
                       arguments: [String(decoding: try encoder.encode(checkpoint), as: UTF8.self)])
    }
}
