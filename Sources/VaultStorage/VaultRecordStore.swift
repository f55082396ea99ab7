import Audit
import Foundation

// One small protocol per aggregate, each with its reading and its writing half. A store implements them all; the
// core's services ask for the composition (`VaultRecordReading` / `VaultRecordWriting`) inside one transaction, so a
// change and its audit event commit together. All SQL lives behind these, so a PostgreSQL store can be added without
// touching the engines, the core or the CLI (it must pass Tests/VaultStorageTests/StorageConformance.swift).

/// The vault's own settings (its id).
public protocol MetaReading {
    func meta(_ key: String) throws -> String?
    /// Every setting (the state check reads every row).
    func metaEntries() throws -> [String: String]
}

/// Organisations, accounts and people.
public protocol DirectoryReading {
    func organisations() throws -> [OrganisationRecord]
    func organisation(_ id: String) throws -> OrganisationRecord?
    func advocates() throws -> [AdvocateRecord]
    func advocate(_ id: String) throws -> AdvocateRecord?
    func people() throws -> [PersonRecord]
    func person(_ id: String) throws -> PersonRecord?
    func people(nhsNumberIndex: Data) throws -> [PersonRecord]
    func people(nameIndex: Data) throws -> [PersonRecord]
    /// Every person's id, registrar, erasure flag, sealed name and date of birth and NHS number index (person find), in
    /// no particular order: a store reads them as they lie, since sorting every person would cost more than the search
    /// (which orders what it finds itself).
    func personSearchRows() throws -> [PersonSearchRow]
    /// The same rows, handed over in batches of `batchRows` as they are read.
    func personSearchRows(batchRows: Int, _ body: ([PersonSearchRow]) throws -> Void) throws
    /// The people with these ids, in no particular order (the rows a search found, in one query).
    func people(ids: [String]) throws -> [PersonRecord]
}

/// Cases, their assigned advocates and the tombstones of erased ones.
public protocol CaseReading {
    func cases() throws -> [CaseRecord]
    func caseRecord(_ id: String) throws -> CaseRecord?
    func caseAdvocates(_ caseID: String) throws -> [String]
    func tombstone(_ caseID: String) throws -> TombstoneRecord?
    /// Every assignment and every tombstone (the state check reads every row).
    func caseAdvocateRecords() throws -> [CaseAdvocateRecord]
    func tombstones() throws -> [TombstoneRecord]
}

/// Data keys and their wrappers.
public protocol KeyReading {
    func dataKeyVersions(scope: String) throws -> [Int]
    func dataKeys() throws -> [DataKeyRecord]
    func wrappers() throws -> [KeyWrapperRecord]
    func wrappers(scope: String, version: Int) throws -> [KeyWrapperRecord]
    /// One holder's wrapper of a key (the primary key's row): opening a key reads the opener's own, not the wrapper of
    /// every account that holds it, which grew with the partnership and was a team server's costliest read.
    func wrapper(scope: String, version: Int, kind: String, id: String) throws -> KeyWrapperRecord?
}

/// Document rows (the bodies are files, in the blob store).
public protocol DocumentReading {
    func document(_ id: String) throws -> DocumentRecord?
    func documents(caseID: String?) throws -> [DocumentRecord]
    /// The rows of a listing in batches (see `DocumentListRows` for the order and the batches' bounds).
    func documentListRows(_ query: DocumentListQuery, _ body: (DocumentListRows) throws -> Void) throws
    /// Every content MAC in a case with its document id, for duplicate detection in one query.
    func contentMACs(caseID: String) throws -> [Data: String]
    func documentCount(caseID: String?) throws -> Int
}

/// Sealed records: consents, capacity, status, case facts, case people, redaction terms, bundle logs.
public protocol SealedRecordReading {
    func consentRecords(type: String?, caseID: String?, personID: String?) throws -> [ConsentRecord]
    func consentRecord(_ id: String) throws -> ConsentRecord?
}

/// An audit entry's place in the chain and its case: `AuditLogReading.auditIndex`.
public struct AuditIndexEntry: Sendable, Equatable {
    public let sequence: Int64
    public let caseID: String?

    public init(sequence: Int64, caseID: String?) {
        self.sequence = sequence
        self.caseID = caseID
    }
}

/// The audit log and its signed checkpoints.
public protocol AuditLogReading {
    func lastAuditEntry() throws -> ChainedEvent?
    func auditEntries(caseID: String?, since: String?, actor: String?) throws -> [ChainedEvent]
    /// The sequence number and case of each matching entry, in sequence order, and nothing else: what a page of the
    /// log needs to choose its entries without reading and decoding every row (the web's activity log).
    func auditIndex(caseID: String?, since: String?, actor: String?) throws -> [AuditIndexEntry]
    /// The entries from `first` through `last` (sequence numbers), in sequence order.
    func auditEntries(from first: Int64, through last: Int64) throws -> [ChainedEvent]
    func auditCheckpoints() throws -> [AuditCheckpoint]
    /// One entry by its place in the chain, and the checkpoints at that place (the state-mark check at every open).
    func auditEntry(sequence: Int64) throws -> ChainedEvent?
    func auditCheckpoints(sequence: Int64) throws -> [AuditCheckpoint]
}

/// The state ledger's index (see RecordStateRecord) and the digest of each of its 256 buckets.
public protocol StateReading {
    func recordState(kind: String, id: String) throws -> RecordStateRecord?
    /// Ordered by kind, then id.
    func recordStates(bucket: Int) throws -> [RecordStateRecord]
    /// Several buckets' entries, each ordered as `recordStates(bucket:)` orders them (a bucket with none is absent).
    func recordStates(buckets: Set<Int>) throws -> [Int: [RecordStateRecord]]
    func recordStates() throws -> [RecordStateRecord]
    func recordStates(scope: String) throws -> [RecordStateRecord]
    func stateBucketDigests() throws -> [Int: Data]
}

public protocol StateWriting: StateReading {
    /// Inserts or replaces by kind and id.
    func save(_ record: RecordStateRecord) throws
    func setStateBucket(_ bucket: Int, digest: Data) throws
}

public protocol MetaWriting: MetaReading {
    func setMeta(_ key: String, _ value: String) throws
}

public protocol DirectoryWriting: DirectoryReading {
    func insert(_ record: OrganisationRecord) throws
    func update(_ record: OrganisationRecord) throws
    /// An account's identity keys (given at migration, or re-issued by recovery).
    func update(_ record: AdvocateRecord) throws
    func insert(_ record: AdvocateRecord) throws
    func insert(_ record: PersonRecord) throws
    func update(_ record: PersonRecord) throws
}

public protocol CaseWriting: CaseReading {
    func insert(_ record: CaseRecord) throws
    func update(_ record: CaseRecord) throws
    func insert(_ record: CaseAdvocateRecord) throws
    func deleteCaseAdvocates(caseID: String) throws
    func deleteCaseAdvocate(caseID: String, advocateID: String) throws
    func insert(_ record: TombstoneRecord) throws
}

public protocol KeyWriting: KeyReading {
    func insert(_ record: DataKeyRecord) throws
    func insert(_ record: KeyWrapperRecord) throws
    func deleteWrapper(_ record: KeyWrapperRecord) throws
    /// Deletes the data key version and every wrapper of it.
    func deleteDataKey(scope: String, version: Int) throws
}

public protocol DocumentWriting: DocumentReading {
    func insert(_ record: DocumentRecord) throws
    func update(_ record: DocumentRecord) throws
    func deleteDocuments(caseID: String) throws
    /// Deletes one document row (its wrapped key with it); nothing when there is none.
    func deleteDocument(_ id: String) throws
}

public protocol SealedRecordWriting: SealedRecordReading {
    /// Inserts or replaces by id.
    func save(_ record: ConsentRecord) throws
    func deleteConsentRecords(caseID: String) throws
    /// One sealed record (a record moved under another id); nothing when there is none.
    func deleteConsentRecord(_ id: String) throws
    /// Every sealed record about one person (capacity, status), when the person is erased.
    func deleteConsentRecords(personID: String) throws
}

public protocol AuditLogWriting: AuditLogReading {
    /// Appends one entry; an entry whose sequence is taken is refused (a chain never forks).
    func append(_ entry: ChainedEvent) throws
    func insert(_ checkpoint: AuditCheckpoint) throws
}

/// The newest audit entry as a write transaction knows it: `.some(nil)` for an empty log, nil when not known. A store's
/// write transaction holds the writers' lock, so only it appends meanwhile: once it has read or appended the head, it
/// chains the next event without reading it back (an ingest appends one event per file).
public final class AuditHead {
    public var entry: ChainedEvent??
    /// The state index's bucket digests, once read (a store may keep them: only this transaction changes them, and
    /// each checkpoint it signs digests all 256).
    public var stateBuckets: [Int: Data]?

    public init() {}

    /// What a rolled-back part of the transaction may have changed: read again when next needed.
    public func forget() {
        entry = nil
        stateBuckets = nil
    }
}

extension AuditLogWriting {
    /// Chains `event` after the current head and appends it, in the caller's transaction: two writers cannot both
    /// chain from the same head, since the store serialises transactions and refuses a taken sequence.
    @discardableResult
    public func appendChained(_ event: AuditEvent, using chain: AuditChain) throws -> ChainedEvent {
        let entry = try chain.append(event, after: try lastAuditEntry())
        try append(entry)
        return entry
    }
}

/// Everything the vault reads, in one transaction.
public protocol VaultRecordReading: MetaReading, DirectoryReading, CaseReading, KeyReading, DocumentReading, SealedRecordReading,
    AuditLogReading, StateReading, ReadBatching {}

/// Reads sent together where each statement is a round trip (PostgreSQL), so that a caller who knows several reads
/// it is about to make waits once, not once each.
public protocol ReadBatching {
    /// Makes `reads` together; the same reads made afterwards in this transaction are answered from them. Each
    /// closure makes one read exactly as the caller then makes it (its result is ignored here). A store whose reads
    /// cost no round trip ignores this, and so may any store: it changes when the rows arrive, never which.
    func prefetch(_ reads: [(any VaultRecordReading) throws -> Void]) throws
}

extension ReadBatching {
    public func prefetch(_ reads: [(any VaultRecordReading) throws -> Void]) throws {}
}

/// Changes, always inside one transaction (`VaultRecordStore.write`).
public protocol VaultRecordWriting: VaultRecordReading, MetaWriting, DirectoryWriting, CaseWriting, KeyWriting, DocumentWriting,
    SealedRecordWriting, AuditLogWriting, StateWriting {}

public protocol VaultRecordStore: Sendable {
    func read<T>(_ body: (any VaultRecordReading) throws -> T) throws -> T
    /// Runs `body` in one transaction: everything commits, or nothing does.
    func write<T>(_ body: (any VaultRecordWriting) throws -> T) throws -> T
    /// Problems the database finds in itself (empty when sound).
    func integrityProblems() throws -> [String]
    /// A consistent copy of the database at `path` (which must not exist).
    func backup(to path: String) throws
    /// Makes sure deleted rows are gone from the files too (freed pages overwritten, no older copies in a log), after
    /// a crypto-shredding delete.
    func purgeFreedPages() throws
}

public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case newerSchema
    case notADatabase(path: String)
    case busy
    case diskFull
    case failed(String)

    public var description: String {
        switch self {
        case .newerSchema: "the vault database was written by a newer casevault"
        case .notADatabase(let path): "\(path) is not a casevault database (damaged or replaced)"
        case .busy: "the vault is busy (another casevault is writing) and did not free up in time"
        case .diskFull: "the disk is full"
        case .failed(let what): "database error: \(what)"
        }
    }
}

extension VaultRecordReading {
    /// One bucket at a time: what a store whose statements cost no round trip (SQLite) needs.
    public func recordStates(buckets: Set<Int>) throws -> [Int: [RecordStateRecord]] {
        var found: [Int: [RecordStateRecord]] = [:]
        for bucket in buckets {
            let states = try recordStates(bucket: bucket)
            if !states.isEmpty { found[bucket] = states }
        }
        return found
    }
}
