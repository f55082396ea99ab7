import Audit
import Foundation

/// Everything the vault reads from its database. All SQL lives behind this and `VaultRecordWriting`, so a
/// PostgreSQL store for a team server can be added without touching the engines or the CLI.
public protocol VaultRecordReading {
    func meta(_ key: String) throws -> String?
    func organisations() throws -> [OrganisationRecord]
    func organisation(_ id: String) throws -> OrganisationRecord?
    func advocates() throws -> [AdvocateRecord]
    func advocate(_ id: String) throws -> AdvocateRecord?
    func people() throws -> [PersonRecord]
    func person(_ id: String) throws -> PersonRecord?
    func people(nhsNumberIndex: Data) throws -> [PersonRecord]
    func people(nameIndex: Data) throws -> [PersonRecord]
    func cases() throws -> [CaseRecord]
    func caseRecord(_ id: String) throws -> CaseRecord?
    func caseAdvocates(_ caseID: String) throws -> [String]
    func dataKeyVersions(scope: String) throws -> [Int]
    func wrappers() throws -> [KeyWrapperRecord]
    func wrappers(scope: String, version: Int) throws -> [KeyWrapperRecord]
    func document(_ id: String) throws -> DocumentRecord?
    func documents(caseID: String?) throws -> [DocumentRecord]
    /// Every content MAC in a case with its document id, for duplicate detection in one query.
    func contentMACs(caseID: String) throws -> [Data: String]
    func documentCount(caseID: String?) throws -> Int
    func tombstone(_ caseID: String) throws -> TombstoneRecord?
    func lastAuditEntry() throws -> ChainedEvent?
    func auditEntries(caseID: String?, since: String?, actor: String?) throws -> [ChainedEvent]
    func auditCheckpoints() throws -> [AuditCheckpoint]
    /// One entry by its place in the chain, and the checkpoints at that place (the state-mark check at every open).
    func auditEntry(sequence: Int64) throws -> ChainedEvent?
    func auditCheckpoints(sequence: Int64) throws -> [AuditCheckpoint]
    func consentRecords(type: String?, caseID: String?, personID: String?) throws -> [ConsentRecord]
    func consentRecord(_ id: String) throws -> ConsentRecord?
}

/// Changes, always inside one transaction (`VaultRecordStore.write`).
public protocol VaultRecordWriting: VaultRecordReading {
    func setMeta(_ key: String, _ value: String) throws
    func insert(_ record: OrganisationRecord) throws
    func insert(_ record: AdvocateRecord) throws
    func insert(_ record: PersonRecord) throws
    func update(_ record: PersonRecord) throws
    func insert(_ record: CaseRecord) throws
    func update(_ record: CaseRecord) throws
    func insert(_ record: CaseAdvocateRecord) throws
    func insert(_ record: DataKeyRecord) throws
    func insert(_ record: KeyWrapperRecord) throws
    func deleteWrapper(_ record: KeyWrapperRecord) throws
    func deleteDataKey(scope: String, version: Int) throws
    func insert(_ record: DocumentRecord) throws
    func update(_ record: DocumentRecord) throws
    func deleteDocuments(caseID: String) throws
    func deleteCaseAdvocates(caseID: String) throws
    func insert(_ record: TombstoneRecord) throws
    func append(_ entry: ChainedEvent) throws
    func insert(_ checkpoint: AuditCheckpoint) throws
    func save(_ record: ConsentRecord) throws
    func deleteConsentRecords(caseID: String) throws
    /// Every sealed record about one person (capacity, status), when the person is erased.
    func deleteConsentRecords(personID: String) throws
}

public protocol VaultRecordStore: Sendable {
    func read<T>(_ body: (any VaultRecordReading) throws -> T) throws -> T
    /// Runs `body` in one transaction: everything commits, or nothing does.
    func write<T>(_ body: (any VaultRecordWriting) throws -> T) throws -> T
    /// Problems the database finds in itself (empty when sound).
    func integrityProblems() throws -> [String]
    /// A consistent copy of the database at `path` (which must not exist).
    func backup(to path: String) throws
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

    public var hints: [String] {
        switch self {
        case .newerSchema: ["upgrade casevault to open this vault"]
        case .notADatabase: ["restore the vault from a backup with 'casevault restore'; nothing was changed"]
        case .busy: ["try again in a moment"]
        case .diskFull: ["free some disk space and try again; nothing was changed"]
        case .failed: ["run 'casevault verify' to check the vault"]
        }
    }
}
