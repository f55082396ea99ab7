import Audit
import Foundation
import VaultStorage

/// A write transaction that records every change in the state ledger: each write is passed on unchanged, then its
/// record's new version and hash go into the index and into the lines of the transaction's `state.change` event(s),
/// which `finish` appends before the transaction commits. Every write of the core goes through here, so no code path
/// can change a record without the log saying so.
final class LedgerTransaction: VaultRecordWriting {
    let base: any VaultRecordWriting
    private(set) var changes: [StateChange] = []
    private var dirtyBuckets = Set<Int>()

    /// The documents this transaction wrote, by case: each case's sealed listing is brought into step before the
    /// transaction's ledger lines are written (Vault+DocumentListing).
    struct DocumentChanges {
        /// New documents (a listing only gains them).
        var inserted = Set<String>()
        /// Documents changed or deleted (a listing must find and replace or drop them).
        var changed = Set<String>()
        /// The rows written, as last written (a deleted one is absent), so the listing need not read them again.
        var written: [String: DocumentRecord] = [:]
    }
    private(set) var documentChanges: [String: DocumentChanges] = [:]

    init(_ base: any VaultRecordWriting) {
        self.base = base
    }

    /// Numbers the change after the record's current version and updates the index and the bucket list.
    func record(_ key: RecordKey, hash: [UInt8]?, scope: String? = nil) throws {
        let current = try base.recordState(kind: key.kind.rawValue, id: key.id)
        // A deletion of something never recorded (or already deleted) changes nothing and says nothing.
        if hash == nil, current?.hash == nil { return }
        // A deletion keeps the record's scope (and so its bucket); a record that changes scope leaves its old bucket.
        let scope = hash == nil ? current?.scope : scope
        let bucket = try StateHash.bucket(key, scope: scope)
        let version = (current?.version ?? 0) + 1
        try base.save(RecordStateRecord(kind: key.kind.rawValue, recordID: key.id, version: version, hash: hash.map { Data($0) }, bucket: bucket,
                                        scope: scope))
        changes.append(StateChange(key: key, version: version, hash: hash, scope: scope))
        dirtyBuckets.insert(bucket)
        if let old = current?.bucket { dirtyBuckets.insert(old) }
    }

    func record<T: Encodable>(_ kind: RecordKind, _ id: String, _ value: T, scope: String? = nil) throws {
        let key = RecordKey(kind: kind, id: id)
        try record(key, hash: try StateHash.of(key, value), scope: scope)
    }

    func deleted(_ kind: RecordKind, _ id: String) throws {
        try record(RecordKey(kind: kind, id: id), hash: nil)
    }

    /// Recomputes the changed buckets and appends the change lines as audit events (`action`), in this transaction.
    /// Returns how many events were appended.
    func finish(action: String = StateHash.changeAction, append: (AuditEvent) throws -> Void,
                makeEvent: (String, [String: String]) -> AuditEvent) throws -> Int {
        guard !changes.isEmpty else { return 0 }
        for bucket in dirtyBuckets.sorted() {
            try base.setStateBucket(bucket, digest: Data(try StateHash.bucketDigest(StateHash.entries(try base.recordStates(bucket: bucket)))))
        }
        var appended = 0
        for start in stride(from: 0, to: changes.count, by: StateHash.linesPerEvent) {
            let lines = changes[start..<min(start + StateHash.linesPerEvent, changes.count)].map(\.line)
            try append(makeEvent(action, [StateHash.changesDetail: lines.joined(separator: "\n")]))
            appended += 1
        }
        changes = []
        dirtyBuckets = []
        return appended
    }

    // MARK: - Reads pass through

    func meta(_ key: String) throws -> String? { try base.meta(key) }
    func metaEntries() throws -> [String: String] { try base.metaEntries() }
    func organisations() throws -> [OrganisationRecord] { try base.organisations() }
    func organisation(_ id: String) throws -> OrganisationRecord? { try base.organisation(id) }
    func advocates() throws -> [AdvocateRecord] { try base.advocates() }
    func advocate(_ id: String) throws -> AdvocateRecord? { try base.advocate(id) }
    func people() throws -> [PersonRecord] { try base.people() }
    func person(_ id: String) throws -> PersonRecord? { try base.person(id) }
    func people(nhsNumberIndex: Data) throws -> [PersonRecord] { try base.people(nhsNumberIndex: nhsNumberIndex) }
    func people(nameIndex: Data) throws -> [PersonRecord] { try base.people(nameIndex: nameIndex) }
    func personSearchRows() throws -> [PersonSearchRow] { try base.personSearchRows() }
    func personSearchRows(batchRows: Int, _ body: ([PersonSearchRow]) throws -> Void) throws {
        try base.personSearchRows(batchRows: batchRows, body)
    }
    func people(ids: [String]) throws -> [PersonRecord] { try base.people(ids: ids) }
    func cases() throws -> [CaseRecord] { try base.cases() }
    func caseRecord(_ id: String) throws -> CaseRecord? { try base.caseRecord(id) }
    func caseAdvocates(_ caseID: String) throws -> [String] { try base.caseAdvocates(caseID) }
    func tombstone(_ caseID: String) throws -> TombstoneRecord? { try base.tombstone(caseID) }
    func caseAdvocateRecords() throws -> [CaseAdvocateRecord] { try base.caseAdvocateRecords() }
    func tombstones() throws -> [TombstoneRecord] { try base.tombstones() }
    func dataKeyVersions(scope: String) throws -> [Int] { try base.dataKeyVersions(scope: scope) }
    func dataKeys() throws -> [DataKeyRecord] { try base.dataKeys() }
    func wrappers() throws -> [KeyWrapperRecord] { try base.wrappers() }
    func wrappers(scope: String, version: Int) throws -> [KeyWrapperRecord] { try base.wrappers(scope: scope, version: version) }
    func wrapper(scope: String, version: Int, kind: String, id: String) throws -> KeyWrapperRecord? {
        try base.wrapper(scope: scope, version: version, kind: kind, id: id)
    }
    func document(_ id: String) throws -> DocumentRecord? { try base.document(id) }
    func documents(caseID: String?) throws -> [DocumentRecord] { try base.documents(caseID: caseID) }
    func documentListRows(_ query: DocumentListQuery, _ body: (DocumentListRows) throws -> Void) throws {
        try base.documentListRows(query, body)
    }
    func contentMACs(caseID: String) throws -> [Data: String] { try base.contentMACs(caseID: caseID) }
    func documentCount(caseID: String?) throws -> Int { try base.documentCount(caseID: caseID) }
    func consentRecords(type: String?, caseID: String?, personID: String?) throws -> [ConsentRecord] {
        try base.consentRecords(type: type, caseID: caseID, personID: personID)
    }
    func consentRecord(_ id: String) throws -> ConsentRecord? { try base.consentRecord(id) }
    func lastAuditEntry() throws -> ChainedEvent? { try base.lastAuditEntry() }
    func auditEntries(caseID: String?, since: String?, actor: String?) throws -> [ChainedEvent] {
        try base.auditEntries(caseID: caseID, since: since, actor: actor)
    }
    func auditIndex(caseID: String?, since: String?, actor: String?) throws -> [AuditIndexEntry] {
        try base.auditIndex(caseID: caseID, since: since, actor: actor)
    }
    func auditEntries(from first: Int64, through last: Int64) throws -> [ChainedEvent] { try base.auditEntries(from: first, through: last) }
    func auditCheckpoints() throws -> [AuditCheckpoint] { try base.auditCheckpoints() }
    func auditEntry(sequence: Int64) throws -> ChainedEvent? { try base.auditEntry(sequence: sequence) }
    func auditCheckpoints(sequence: Int64) throws -> [AuditCheckpoint] { try base.auditCheckpoints(sequence: sequence) }
    func recordState(kind: String, id: String) throws -> RecordStateRecord? { try base.recordState(kind: kind, id: id) }
    func recordStates(bucket: Int) throws -> [RecordStateRecord] { try base.recordStates(bucket: bucket) }
    func recordStates() throws -> [RecordStateRecord] { try base.recordStates() }
    func recordStates(scope: String) throws -> [RecordStateRecord] { try base.recordStates(scope: scope) }
    func stateBucketDigests() throws -> [Int: Data] { try base.stateBucketDigests() }

    // MARK: - Writes pass through and are recorded

    func setMeta(_ key: String, _ value: String) throws {
        try base.setMeta(key, value)
        try record(.meta, key, value)
    }
    func insert(_ record: OrganisationRecord) throws { try base.insert(record); try self.record(.organisation, record.id, record) }
    func update(_ record: OrganisationRecord) throws { try base.update(record); try self.record(.organisation, record.id, record) }
    func insert(_ record: AdvocateRecord) throws { try base.insert(record); try self.record(.advocate, record.id, record) }
    func update(_ record: AdvocateRecord) throws { try base.update(record); try self.record(.advocate, record.id, record) }
    func insert(_ record: PersonRecord) throws { try base.insert(record); try self.record(.person, record.id, record) }
    func update(_ record: PersonRecord) throws { try base.update(record); try self.record(.person, record.id, record) }
    func insert(_ record: CaseRecord) throws { try base.insert(record); try self.record(.caseRecord, record.id, record, scope: record.id) }
    func update(_ record: CaseRecord) throws { try base.update(record); try self.record(.caseRecord, record.id, record, scope: record.id) }
    func insert(_ record: CaseAdvocateRecord) throws {
        try base.insert(record)
        try self.record(.caseAdvocate, Self.id(record), record, scope: record.caseID)
    }
    func deleteCaseAdvocates(caseID: String) throws {
        let advocates = try base.caseAdvocates(caseID)
        try base.deleteCaseAdvocates(caseID: caseID)
        for advocate in advocates { try deleted(.caseAdvocate, Self.id(CaseAdvocateRecord(caseID: caseID, advocateID: advocate))) }
    }
    func deleteCaseAdvocate(caseID: String, advocateID: String) throws {
        try base.deleteCaseAdvocate(caseID: caseID, advocateID: advocateID)
        try deleted(.caseAdvocate, Self.id(CaseAdvocateRecord(caseID: caseID, advocateID: advocateID)))
    }
    func insert(_ record: TombstoneRecord) throws { try base.insert(record); try self.record(.tombstone, record.caseID, record, scope: record.caseID) }
    func insert(_ record: DataKeyRecord) throws { try base.insert(record); try self.record(.dataKey, Self.id(record), record) }
    func insert(_ record: KeyWrapperRecord) throws { try base.insert(record); try self.record(.keyWrapper, Self.id(record), record) }
    func deleteWrapper(_ record: KeyWrapperRecord) throws {
        try base.deleteWrapper(record)
        try deleted(.keyWrapper, Self.id(record))
    }
    func deleteDataKey(scope: String, version: Int) throws {
        let wrappers = try base.wrappers(scope: scope, version: version)
        let existed = try base.dataKeyVersions(scope: scope).contains(version)
        try base.deleteDataKey(scope: scope, version: version)
        for wrapper in wrappers { try deleted(.keyWrapper, Self.id(wrapper)) }
        if existed { try deleted(.dataKey, Self.id(DataKeyRecord(scope: scope, version: version, createdAt: ""))) }
    }
    func insert(_ record: DocumentRecord) throws {
        try base.insert(record)
        try self.record(.document, record.id, record, scope: record.caseID)
        documentChanges[record.caseID, default: DocumentChanges()].inserted.insert(record.id)
        documentChanges[record.caseID, default: DocumentChanges()].written[record.id] = record
    }
    func update(_ record: DocumentRecord) throws {
        // A document never moves between cases, but if one did, its old case's listing must drop it too.
        if let old = try base.document(record.id)?.caseID, old != record.caseID { documentChanges[old, default: DocumentChanges()].changed.insert(record.id) }
        try base.update(record)
        try self.record(.document, record.id, record, scope: record.caseID)
        try noteChanged(record.id, caseID: record.caseID)
        documentChanges[record.caseID, default: DocumentChanges()].written[record.id] = record
    }
    func deleteDocuments(caseID: String) throws {
        let ids = try base.documents(caseID: caseID).map(\.id)
        try base.deleteDocuments(caseID: caseID)
        for id in ids {
            try deleted(.document, id)
            try noteChanged(id, caseID: caseID)
        }
    }
    func deleteDocument(_ id: String) throws {
        let caseID = try base.document(id)?.caseID
        try base.deleteDocument(id)
        try deleted(.document, id)
        if let caseID { try noteChanged(id, caseID: caseID) }
    }

    private func noteChanged(_ id: String, caseID: String) throws {
        documentChanges[caseID, default: DocumentChanges()].written[id] = nil
        if documentChanges[caseID]?.inserted.contains(id) == true {
            // Added in this transaction: still only new to the listing, or never in it once deleted again.
            if try base.document(id) == nil { documentChanges[caseID]?.inserted.remove(id) }
            return
        }
        documentChanges[caseID, default: DocumentChanges()].changed.insert(id)
    }
    func save(_ record: ConsentRecord) throws {
        try base.save(record)
        try self.record(.sealed, record.id, record, scope: Self.scope(record))
    }
    func deleteConsentRecords(caseID: String) throws {
        let ids = try base.consentRecords(type: nil, caseID: caseID, personID: nil).map(\.id)
        try base.deleteConsentRecords(caseID: caseID)
        for id in ids { try deleted(.sealed, id) }
    }
    func deleteConsentRecord(_ id: String) throws {
        try base.deleteConsentRecord(id)
        try deleted(.sealed, id)
    }
    func deleteConsentRecords(personID: String) throws {
        let ids = try base.consentRecords(type: nil, caseID: nil, personID: personID).map(\.id)
        try base.deleteConsentRecords(personID: personID)
        for id in ids { try deleted(.sealed, id) }
    }
    func append(_ entry: ChainedEvent) throws { try base.append(entry) }
    func insert(_ checkpoint: AuditCheckpoint) throws { try base.insert(checkpoint) }
    func save(_ record: RecordStateRecord) throws { try base.save(record) }
    func setStateBucket(_ bucket: Int, digest: Data) throws { try base.setStateBucket(bucket, digest: digest) }

    // MARK: - Ledger ids of records whose key is several columns

    static func scope(_ record: ConsentRecord) -> String? { record.caseID ?? record.personID }
    static func id(_ record: CaseAdvocateRecord) -> String { record.caseID + "/" + record.advocateID }
    static func id(_ record: DataKeyRecord) -> String { "\(record.scope)#\(record.version)" }
    static func id(_ record: KeyWrapperRecord) -> String { "\(record.scope)#\(record.version)@\(record.wrapperKind):\(record.wrapperID)" }
}
