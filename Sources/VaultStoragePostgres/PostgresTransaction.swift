import Audit
import Foundation
import PostgresNIO
import VaultStorage

/// One transaction on the vault's PostgreSQL database: the readers and writers the core uses, each one statement.
/// Rows are ordered as the SQLite store orders them, by byte order of the text ("C" collation) whatever the
/// database's own locale, so listings and the state check see the same order on both stores.
struct PostgresTransaction: VaultRecordWriting {
    let store: PostgresRecordStore
    /// A read-only transaction's answers so far (nil in a write transaction). One snapshot answers the same
    /// statement with the same rows, so a statement the core asks twice in one read (the consent gate reads the
    /// case, its records and the audit head from several places) costs one round trip to the database, not two.
    let answers: ReadAnswers?
    /// A write transaction's audit head once read or appended (nil in a read): under the writers' lock only this
    /// transaction appends, so each event after the first is chained without reading the head back (a group commit's
    /// writers each appended after a read of the head). Forgotten when a writer's savepoint is rolled back.
    let head: AuditHead?

    init(store: PostgresRecordStore, readOnly: Bool = false) {
        self.store = store
        answers = readOnly ? ReadAnswers() : nil
        head = readOnly ? nil : AuditHead()
    }

    // MARK: - Statements

    @discardableResult
    func execute(_ query: PostgresQuery) throws -> PostgresQueryResult { try store.run(query) }

    /// A write whose answer is only that it worked (an audit event or checkpoint appended), sent with the transaction's
    /// next statement (at the latest its COMMIT, or a group commit's RELEASE of the writer's savepoint), in the same
    /// wait. A failure is thrown there: the transaction is aborted either way, and nothing of it commits.
    func appendWithNext(_ query: PostgresQuery) throws {
        guard answers == nil else { throw StoreError.failed("a write in a read-only transaction") }
        store.sendWithNext(query)
    }

    func rows(_ query: PostgresQuery) throws -> [PostgresRow] {
        guard let answers else { return try store.run(query).rows }
        if let known = answers.rows[query] { return known }
        if answers.recording != nil {
            answers.recording?.append(query)
            return []
        }
        let rows = try store.run(query).rows
        // Small answers only: a listing's thousands of rows are read once and need not be held to the end.
        if rows.count <= ReadAnswers.maxRows { answers.rows[query] = rows }
        return rows
    }

    func records<T: Decodable>(_ type: T.Type, _ query: PostgresQuery) throws -> [T] {
        try rows(query).map { try RowDecoder.decode(T.self, from: $0) }
    }

    func record<T: Decodable>(_ type: T.Type, _ query: PostgresQuery) throws -> T? { try records(type, query).first }

    /// Every column of `table`, in table order (an update sets each, NULL where the record has no value).
    func columns(of table: String) throws -> [String] {
        if let known = store.tableColumns[table] { return known }
        let names = try rows("""
            SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = \(table)
            ORDER BY ordinal_position
            """).map { try $0.decode(String.self) }
        if answers?.recording == nil { store.tableColumns[table] = names }
        return names
    }

    static func bind(_ value: ColumnValue, into bindings: inout PostgresBindings) throws {
        switch value {
        case .text(let text): bindings.append(text)
        case .bytes(let data): try bindings.append(data)
        case .integer(let number): bindings.append(number)
        case .null: bindings.appendNull()
        }
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    enum Conflict { case refuse, replace }

    func insert(_ record: some Encodable, into table: String, onConflict: Conflict = .refuse) throws {
        let given = try ColumnEncoder.columns(of: record)
        // An upsert names every column, so a value the new record lacks becomes NULL as in SQLite's INSERT OR REPLACE.
        let names = onConflict == .replace ? try columns(of: table) : given.keys.sorted()
        var bindings = PostgresBindings()
        for name in names { try Self.bind(given[name] ?? .null, into: &bindings) }
        var sql = "INSERT INTO \(Self.quoted(table)) (\(names.map(Self.quoted).joined(separator: ", "))) VALUES ("
            + (1...names.count).map { "$\($0)" }.joined(separator: ", ") + ")"
        if onConflict == .replace {
            let keys = PostgresSchema.primaryKeys[table] ?? ["id"]
            let others = names.filter { !keys.contains($0) }
            sql += " ON CONFLICT (\(keys.map(Self.quoted).joined(separator: ", "))) DO "
                + (others.isEmpty ? "NOTHING" : "UPDATE SET " + others.map { "\(Self.quoted($0)) = EXCLUDED.\(Self.quoted($0))" }.joined(separator: ", "))
        }
        try execute(PostgresQuery(unsafeSQL: sql, binds: bindings))
    }

    /// Updates the row with the record's primary key; no such row is an error, as in the SQLite store.
    func update(_ record: some Encodable, in table: String) throws {
        let given = try ColumnEncoder.columns(of: record)
        let keys = PostgresSchema.primaryKeys[table] ?? ["id"]
        let others = try columns(of: table).filter { !keys.contains($0) }
        var bindings = PostgresBindings()
        for name in others + keys { try Self.bind(given[name] ?? .null, into: &bindings) }
        let set = others.enumerated().map { "\(Self.quoted($1)) = $\($0 + 1)" }.joined(separator: ", ")
        let key = keys.enumerated().map { "\(Self.quoted($1)) = $\(others.count + $0 + 1)" }.joined(separator: " AND ")
        let result = try execute(PostgresQuery(unsafeSQL: "UPDATE \(Self.quoted(table)) SET \(set) WHERE \(key)", binds: bindings))
        guard (result.metadata.rows ?? 0) > 0 else { throw StoreError.failed("no \(table) row to update") }
    }

    // MARK: - Meta

    func meta(_ key: String) throws -> String? {
        try rows("SELECT value FROM vault_meta WHERE key = \(key)").first.map { try $0.decode(String.self) }
    }
    func setMeta(_ key: String, _ value: String) throws {
        try execute("INSERT INTO vault_meta (key, value) VALUES (\(key), \(value)) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value")
    }
    func metaEntries() throws -> [String: String] {
        var entries: [String: String] = [:]
        for row in try rows("SELECT key, value FROM vault_meta") {
            let (key, value) = try row.decode((String, String).self)
            entries[key] = value
        }
        return entries
    }

    // MARK: - Directory

    func organisations() throws -> [OrganisationRecord] {
        try records(OrganisationRecord.self, #"SELECT * FROM organisations ORDER BY created_at COLLATE "C", id COLLATE "C""#)
    }
    func organisation(_ id: String) throws -> OrganisationRecord? { try record(OrganisationRecord.self, "SELECT * FROM organisations WHERE id = \(id)") }
    func advocates() throws -> [AdvocateRecord] {
        try records(AdvocateRecord.self, #"SELECT * FROM advocates ORDER BY created_at COLLATE "C", id COLLATE "C""#)
    }
    func advocate(_ id: String) throws -> AdvocateRecord? { try record(AdvocateRecord.self, "SELECT * FROM advocates WHERE id = \(id)") }
    func people() throws -> [PersonRecord] { try records(PersonRecord.self, #"SELECT * FROM people ORDER BY created_at COLLATE "C", id COLLATE "C""#) }
    func person(_ id: String) throws -> PersonRecord? { try record(PersonRecord.self, "SELECT * FROM people WHERE id = \(id)") }
    func people(nhsNumberIndex: Data) throws -> [PersonRecord] {
        try records(PersonRecord.self, #"SELECT * FROM people WHERE nhs_number_index = \#(nhsNumberIndex) ORDER BY id COLLATE "C""#)
    }
    func people(nameIndex: Data) throws -> [PersonRecord] {
        try records(PersonRecord.self, #"SELECT * FROM people WHERE name_index = \#(nameIndex) ORDER BY id COLLATE "C""#)
    }
    func personSearchRows() throws -> [PersonSearchRow] {
        try rows(#"""
            SELECT id, added_by, erased_at IS NOT NULL, name_sealed, dob_sealed, nhs_number_index FROM people
            """#).map { row in
            let (id, addedBy, erased, name, dob, nhs) = try row.decode((String, String?, Bool, Data, Data?, Data?).self)
            return PersonSearchRow(id: id, addedBy: addedBy, erased: erased, nameSealed: name, dobSealed: dob, nhsNumberIndex: nhs)
        }
    }
    func people(ids: [String]) throws -> [PersonRecord] {
        // One array parameter: no statement built from values, and no limit on how many.
        try records(PersonRecord.self, "SELECT * FROM people WHERE id = ANY(\(ids))")
    }
    func insert(_ record: OrganisationRecord) throws { try insert(record, into: OrganisationRecord.tableName) }
    func update(_ record: OrganisationRecord) throws { try update(record, in: OrganisationRecord.tableName) }
    func insert(_ record: AdvocateRecord) throws { try insert(record, into: AdvocateRecord.tableName) }
    func update(_ record: AdvocateRecord) throws { try update(record, in: AdvocateRecord.tableName) }
    func insert(_ record: PersonRecord) throws { try insert(record, into: PersonRecord.tableName) }
    func update(_ record: PersonRecord) throws { try update(record, in: PersonRecord.tableName) }

    // MARK: - Cases

    func cases() throws -> [CaseRecord] { try records(CaseRecord.self, #"SELECT * FROM cases ORDER BY opened_at COLLATE "C", id COLLATE "C""#) }
    func caseRecord(_ id: String) throws -> CaseRecord? { try record(CaseRecord.self, "SELECT * FROM cases WHERE id = \(id)") }
    func caseAdvocates(_ caseID: String) throws -> [String] {
        try rows(#"SELECT advocate_id FROM case_advocates WHERE case_id = \#(caseID) ORDER BY advocate_id COLLATE "C""#).map { try $0.decode(String.self) }
    }
    func caseAdvocateRecords() throws -> [CaseAdvocateRecord] {
        try records(CaseAdvocateRecord.self, #"SELECT * FROM case_advocates ORDER BY case_id COLLATE "C", advocate_id COLLATE "C""#)
    }
    func tombstone(_ caseID: String) throws -> TombstoneRecord? { try record(TombstoneRecord.self, "SELECT * FROM tombstones WHERE case_id = \(caseID)") }
    func tombstones() throws -> [TombstoneRecord] { try records(TombstoneRecord.self, #"SELECT * FROM tombstones ORDER BY case_id COLLATE "C""#) }
    func insert(_ record: CaseRecord) throws { try insert(record, into: CaseRecord.tableName) }
    func update(_ record: CaseRecord) throws { try update(record, in: CaseRecord.tableName) }
    func insert(_ record: CaseAdvocateRecord) throws { try insert(record, into: CaseAdvocateRecord.tableName) }
    func deleteCaseAdvocates(caseID: String) throws { try execute("DELETE FROM case_advocates WHERE case_id = \(caseID)") }
    func deleteCaseAdvocate(caseID: String, advocateID: String) throws {
        try execute("DELETE FROM case_advocates WHERE case_id = \(caseID) AND advocate_id = \(advocateID)")
    }
    func insert(_ record: TombstoneRecord) throws { try insert(record, into: TombstoneRecord.tableName) }

    // MARK: - Keys

    func dataKeyVersions(scope: String) throws -> [Int] {
        try rows("SELECT version FROM data_keys WHERE scope = \(scope) ORDER BY version").map { try $0.decode(Int.self) }
    }
    func dataKeys() throws -> [DataKeyRecord] { try records(DataKeyRecord.self, #"SELECT * FROM data_keys ORDER BY scope COLLATE "C", version"#) }
    func wrappers() throws -> [KeyWrapperRecord] {
        try records(KeyWrapperRecord.self, #"SELECT * FROM key_wrappers ORDER BY scope COLLATE "C", version, wrapper_kind COLLATE "C", wrapper_id COLLATE "C""#)
    }
    func wrappers(scope: String, version: Int) throws -> [KeyWrapperRecord] {
        try records(KeyWrapperRecord.self, #"""
            SELECT * FROM key_wrappers WHERE scope = \#(scope) AND version = \#(version) ORDER BY wrapper_kind COLLATE "C", wrapper_id COLLATE "C"
            """#)
    }
    func wrapper(scope: String, version: Int, kind: String, id: String) throws -> KeyWrapperRecord? {
        try record(KeyWrapperRecord.self, """
            SELECT * FROM key_wrappers WHERE scope = \(scope) AND version = \(version) AND wrapper_kind = \(kind) AND wrapper_id = \(id)
            """)
    }
    func insert(_ record: DataKeyRecord) throws { try insert(record, into: DataKeyRecord.tableName) }
    func insert(_ record: KeyWrapperRecord) throws { try insert(record, into: KeyWrapperRecord.tableName) }
    func deleteWrapper(_ record: KeyWrapperRecord) throws {
        try execute("""
            DELETE FROM key_wrappers WHERE scope = \(record.scope) AND version = \(record.version) AND wrapper_kind = \(record.wrapperKind)
            AND wrapper_id = \(record.wrapperID)
            """)
    }
    func deleteDataKey(scope: String, version: Int) throws { try execute("DELETE FROM data_keys WHERE scope = \(scope) AND version = \(version)") }

    // MARK: - Documents

    func document(_ id: String) throws -> DocumentRecord? { try record(DocumentRecord.self, "SELECT * FROM documents WHERE id = \(id)") }
    func documents(caseID: String?) throws -> [DocumentRecord] {
        if let caseID {
            return try records(DocumentRecord.self, #"SELECT * FROM documents WHERE case_id = \#(caseID) ORDER BY ingested_at COLLATE "C", id COLLATE "C""#)
        }
        return try records(DocumentRecord.self, #"SELECT * FROM documents ORDER BY ingested_at COLLATE "C", id COLLATE "C""#)
    }
    func contentMACs(caseID: String) throws -> [Data: String] {
        var found: [Data: String] = [:]
        for row in try rows("SELECT content_mac, id FROM documents WHERE case_id = \(caseID)") {
            let (mac, id) = try row.decode((Data, String).self)
            found[mac] = id
        }
        return found
    }
    func documentCount(caseID: String?) throws -> Int {
        let counted = if let caseID { try rows("SELECT count(*) FROM documents WHERE case_id = \(caseID)") } else {
            try rows("SELECT count(*) FROM documents")
        }
        return try counted.first?.decode(Int.self) ?? 0
    }
    func insert(_ record: DocumentRecord) throws { try insert(record, into: DocumentRecord.tableName) }
    func update(_ record: DocumentRecord) throws { try update(record, in: DocumentRecord.tableName) }
    func deleteDocuments(caseID: String) throws { try execute("DELETE FROM documents WHERE case_id = \(caseID)") }
    func deleteDocument(_ id: String) throws { try execute("DELETE FROM documents WHERE id = \(id)") }

    // MARK: - Sealed records

    func consentRecords(type: String?, caseID: String?, personID: String?) throws -> [ConsentRecord] {
        // A read that already has the same records of every type (the consent gate reads a case's and its client's
        // records, then their authorities) takes the type's from them: the same rows, in the same order.
        if let type, let answers, let all = answers.rows[Self.consentRecordsQuery(type: nil, caseID: caseID, personID: personID)] {
            return try all.map { try RowDecoder.decode(ConsentRecord.self, from: $0) }.filter { $0.recordType == type }
        }
        return try records(ConsentRecord.self, Self.consentRecordsQuery(type: type, caseID: caseID, personID: personID))
    }

    static func consentRecordsQuery(type: String?, caseID: String?, personID: String?) -> PostgresQuery {
        // NULL filters match everything, so one statement serves every combination.
        #"""
        SELECT * FROM consent_records
        WHERE (\#(type)::text IS NULL OR record_type = \#(type)) AND (\#(caseID)::text IS NULL OR case_id = \#(caseID))
          AND (\#(personID)::text IS NULL OR person_id = \#(personID))
        ORDER BY created_at COLLATE "C", id COLLATE "C"
        """#
    }
    func consentRecord(_ id: String) throws -> ConsentRecord? { try record(ConsentRecord.self, "SELECT * FROM consent_records WHERE id = \(id)") }
    func save(_ record: ConsentRecord) throws { try insert(record, into: ConsentRecord.tableName, onConflict: .replace) }
    func deleteConsentRecord(_ id: String) throws { try execute("DELETE FROM consent_records WHERE id = \(id)") }
    func deleteConsentRecords(caseID: String) throws { try execute("DELETE FROM consent_records WHERE case_id = \(caseID)") }
    func deleteConsentRecords(personID: String) throws { try execute("DELETE FROM consent_records WHERE person_id = \(personID)") }

    // MARK: - State ledger index

    func recordState(kind: String, id: String) throws -> RecordStateRecord? {
        try record(RecordStateRecord.self, "SELECT * FROM record_state WHERE kind = \(kind) AND record_id = \(id)")
    }
    func recordStates(bucket: Int) throws -> [RecordStateRecord] {
        try records(RecordStateRecord.self, #"SELECT * FROM record_state WHERE bucket = \#(bucket) ORDER BY kind COLLATE "C", record_id COLLATE "C""#)
    }
    func recordStates(buckets: Set<Int>) throws -> [Int: [RecordStateRecord]] {
        // One statement for the consent gate's buckets (the case's, the client's, the account's), not one each.
        let states = try records(RecordStateRecord.self, #"""
            SELECT * FROM record_state WHERE bucket = ANY(\#(buckets.sorted())) ORDER BY bucket, kind COLLATE "C", record_id COLLATE "C"
            """#)
        return Dictionary(grouping: states, by: \.bucket)
    }
    func recordStates() throws -> [RecordStateRecord] {
        try records(RecordStateRecord.self, #"SELECT * FROM record_state ORDER BY kind COLLATE "C", record_id COLLATE "C""#)
    }
    func recordStates(scope: String) throws -> [RecordStateRecord] {
        try records(RecordStateRecord.self, #"SELECT * FROM record_state WHERE scope = \#(scope) ORDER BY kind COLLATE "C", record_id COLLATE "C""#)
    }
    func stateBucketDigests() throws -> [Int: Data] {
        // A write transaction keeps them (the writers of one group commit each sign a checkpoint of all 256).
        if let known = head?.stateBuckets { return known }
        let digests = try Self.stateBucketDigests(try rows(Self.stateBucketsQuery))
        head?.stateBuckets = digests
        return digests
    }
    /// 256 rows. Packed into one value (string_agg of int8send ‖ int4send ‖ digest) the server decoded less, but the
    /// aggregate cost PostgreSQL about as much, and reads were no faster (A/B, 2026-12-08: 132 and 143 reads/s against
    /// 146 and 139 as rows; PostgreSQL 5.1 and 4.6 ms of CPU per read against 4.4 and 4.6): kept as rows.
    static let stateBucketsQuery: PostgresQuery = "SELECT bucket, digest FROM state_buckets"
    static func stateBucketDigests(_ rows: [PostgresRow]) throws -> [Int: Data] {
        var digests: [Int: Data] = [:]
        for row in rows {
            let (bucket, digest) = try row.decode((Int, Data).self)
            digests[bucket] = digest
        }
        return digests
    }
    func save(_ record: RecordStateRecord) throws { try insert(record, into: RecordStateRecord.tableName, onConflict: .replace) }
    func setStateBucket(_ bucket: Int, digest: Data) throws {
        try execute("INSERT INTO state_buckets (bucket, digest) VALUES (\(bucket), \(digest)) ON CONFLICT (bucket) DO UPDATE SET digest = EXCLUDED.digest")
        head?.stateBuckets?[bucket] = digest
    }
}

/// The rows a read-only transaction already received, by statement and bound values. Used by one transaction on one
/// thread at a time (the store's lock), and dropped with it.
final class ReadAnswers {
    static let maxRows = 256
    var rows: [PostgresQuery: [PostgresRow]] = [:]
    /// While `prefetch` learns which statements its reads make: each is noted and answered with no rows.
    var recording: [PostgresQuery]?
}

extension PostgresTransaction {
    /// Runs each read once with no database (`ReadAnswers.recording`) to learn its statement, sends the statements not
    /// answered yet together (with the BEGIN, when this is the transaction's first), and keeps their answers for the
    /// reads themselves. Only in a read-only transaction, whose snapshot makes an answer good until it ends.
    func prefetch(_ reads: [(any VaultRecordReading) throws -> Void]) throws {
        guard let answers, answers.recording == nil else { return }
        answers.recording = []
        for read in reads { try? read(self) }
        var queries: [PostgresQuery] = []
        for query in answers.recording ?? [] where answers.rows[query] == nil && !queries.contains(query) { queries.append(query) }
        answers.recording = nil
        guard !queries.isEmpty else { return }
        for (query, result) in zip(queries, try store.runTogether(queries)) where result.rows.count <= ReadAnswers.maxRows {
            answers.rows[query] = result.rows
        }
    }
}
