import VaultModel
import Audit
import Consent
import Foundation
import VaultCrypto
import VaultStorageSQLite
#if canImport(Glibc)
import Glibc
#endif

/// An open vault: the database, the encrypted bodies and the unlocked key hierarchy.
/// The CLI calls this; this calls the record store (all SQL) and the blob store (all files).
public final class Vault {
    public let paths: VaultPaths
    public let info: VaultInfo
    /// The key file of a key-file vault (an earlier release's, until `migrate`); nil with identities.
    public internal(set) var keyFile: KeyFile?
    public internal(set) var hierarchy: KeyHierarchy
    /// The audit MAC key and the vault signing key, from the key file or (with identities) the database.
    let secrets: VaultSecrets
    public let store: any VaultRecordStore
    /// The same store: every write goes through the state ledger (State/).
    let ledger: LedgeredStore
    public let blobs: BlobStore
    let now: () -> Date
    /// The account acting, recorded in every audit event: the identity's with identities, else the one named (`--as`).
    public let actor: String?
    let auditChain: AuditChain
    /// Events this process wrote; a command that wrote any ends with a signed checkpoint.
    public internal(set) var eventsWritten = 0
    /// Set by a front end that ends its work right after its next write (a download's read event, an upload's
    /// ingest): the next write transaction that records events also signs, after them and the ledger's lines, the
    /// checkpoint the end would write; one write transaction fewer per request. Cleared once that write commits.
    public var checkpointWithNextWrite = false
    /// The running write's count of events at its start, and the checkpoint it signed (`checkpointWithNextWrite`).
    var eventsBeforeWrite = 0
    var checkpointSignedInWrite: AuditCheckpoint?
    /// Set by a front end that carries out the action right after the consent gate and ends with `finishRequest`
    /// (a team server's download or upload): a decision that lets the action go on is recorded in the next write
    /// transaction, before that write's own events (the read's, the ingest's), not in a write of its own. Refusals
    /// are recorded at once.
    public var deferAllowedDecisions = false
    /// Decisions held for the next write (`deferAllowedDecisions`): kept until a write that carries them commits.
    var deferredEvents: [AuditEvent] = []
    var dataKeys: [String: SecureBytes] = [:]
    /// Field openers per data key (scope#version): HKDF and AES key setup once, not once per row.
    var fieldOpeners: [String: AESGCM.Opener] = [:]
    /// Threads that read and decrypt a large document (nil: both cores); 0 uses the three-stage pipeline (one reader,
    /// one decryptor), for comparing.
    public var decryptWorkers: Int?
    /// Consent warnings the person acting has acknowledged for this session (R-CON-7 and the like).
    public var acknowledged: [RuleID] = []
    /// Called once per case and action when the consent rules allow with a warning, so a front end can show it.
    public var onConsentWarning: ((ConsentCheck) -> Void)?
    /// The session's decisions already in the audit log, shared by the `Vault`s a server opens for one sign-in
    /// session; asked only by `requireConsent(_:caseID:showing: true)`. nil: every decision is recorded.
    public var recordedDecisions: RecordedDecisions?
    /// Consent decisions already made in this session, by case and action: a bundle of 40 documents asks once.
    var consentGrants: [String: Decision] = [:]
    /// Cases (with the people read for them) whose records this process checked against the signed state.
    var stateChecked = Set<String>()
    /// The case of each document asked about (a document never moves to another case): `cat` asks at the gate, for
    /// the view and for the read, and a team server's read of a letter read its row three times for it.
    var documentCases: [String: String] = [:]
    /// The row `document(id)` just made its view from, for the read that follows it (`prepareRead`), once.
    var viewedRecord: DocumentRecord?
    /// The acting identity's account row as the open read it (`actingAccount`, once; nil as the row: no such account).
    var openedAccount: AdvocateRecord??
    /// Where this machine keeps the vault's high-water mark; nil keeps none (and checks none).
    let stateMarks: StateMarks?
    /// Set when a restore or an accepted older state must move the mark back to this vault's next checkpoint.
    var moveMarkOnCheckpoint = false
    /// What this open accepted (an older state, or an unreadable mark), for the front end to say.
    public internal(set) var acceptedOlderState: AcceptedOlderState?

    public var databasePath: String { paths.root + "/vault.db" }

    /// Opens the database and checks, before anything else happens, that the clock is not behind the audit log and
    /// (with `stateMarks`) that the vault is not behind the newest state this machine saw; `acceptOlderState`
    /// lets an older state through once, recorded in the audit log.
    public init(_ opened: OpenedVault, actor: String? = nil, now: @escaping () -> Date = Date.init,
                stateMarks: StateMarks? = nil, acceptOlderState: OlderStateAcceptance? = nil) throws {
        // With identities the account acting is the identity's: naming anyone else is refused, not believed.
        if let identity = opened.unlock.identity, let actor, actor != identity.accountID {
            throw AccessError.notYourIdentity(asked: actor, identity: identity.accountID)
        }
        let actor = opened.unlock.identity?.accountID ?? actor
        self.actor = actor
        paths = opened.paths
        info = opened.info
        keyFile = opened.keyFile
        hierarchy = KeyHierarchy(vaultID: opened.info.vaultID, unlock: opened.unlock)
        blobs = BlobStore(root: opened.paths.root)
        self.now = now
        self.stateMarks = stateMarks
        try blobs.ensureLayout()
        let base = try Self.openStore(opened)
        // The mark before the rows it names (see checkStateMark).
        let loadedMark = try stateMarks?.load(vaultID: info.vaultID, folder: paths.root)
        let openReads = try OpenReads(base, unlock: opened.unlock, markSequence: loadedMark?.sequence)
        var reads: OpenReads? = openReads
        let (secrets, newSecrets) = try Self.loadSecrets(opened.unlock, hierarchy: hierarchy, reads: openReads)
        self.secrets = secrets
        // The audit key never changes with a rotation or retirement, so the log verifies for the vault's life. With
        // identities the acting identity signs every event this process appends (the state ledger's lines too).
        auditChain = try AuditChain(auditKey: secrets.auditKey, vaultID: opened.info.vaultID, signer: Self.auditSigner(opened.unlock))
        ledger = LedgeredStore(base: base, chain: auditChain) { action, details in
            AuditEvent(time: InternetTime.string(from: now()), actor: actor, action: action, outcome: AuditOutcome.success.rawValue, details: details)
        }
        store = ledger
        // Unowned: the store lives as long as the vault that made it.
        ledger.beforeFinish = { [unowned self] tx in try self.maintainListings(tx) }
        installWriteHooks()
        // Each check after one that wrote reads afresh (the write may have changed what the others read).
        func step(_ check: (OpenReads?) throws -> Void) throws {
            let before = (eventsWritten, ledger.eventsAppended)
            try check(reads)
            if (eventsWritten, ledger.eventsAppended) != before { reads = nil }
        }
        try step { try prepareDatabase(newSecrets: newSecrets, reads: $0) }
        try step { try adoptEarlierState(reads: $0) }
        try step { try checkClock(reads: $0) }
        try step { try checkStateMark(acceptOlderState, loaded: loadedMark, reads: $0) }
        try step { try sealClearColumns(reads: $0) }
        try step { try moveEarlierRowsToEntitledKeys(reads: $0) }
        if let reads, opened.unlock.identity != nil { openedAccount = .some(reads.account) }
    }

    /// Binds a new database to this vault (id, metadata key, the init event). Checked with a read first, so
    /// opening an existing vault for a listing takes no write lock.
    private func prepareDatabase(newSecrets: Bool, reads: OpenReads?) throws {
        let vaultID = info.vaultID
        let prepared = try reads?.prepared(vaultID: vaultID) ?? store.read { tx -> Bool in
            if let stored = try tx.meta("vault_id"), stored != vaultID {
                throw VaultError.invalidInput("the vault database belongs to vault \(stored), not \(vaultID)")
            }
            return try tx.meta("vault_id") != nil && !(try tx.dataKeyVersions(scope: KeyHierarchy.vaultScope).isEmpty)
        }
        guard !prepared else { return }
        let created = timestamp()
        try store.write { tx in
            // Only a new database is bound and keyed here: one whose log has entries but lost its vault id or its
            // metadata key was changed outside casevault, and making new ones would hide that.
            let fresh = try tx.lastAuditEntry() == nil
            if let stored = try tx.meta("vault_id") {
                guard stored == vaultID else {
                    throw VaultError.invalidInput("the vault database belongs to vault \(stored), not \(vaultID)")
                }
            } else {
                guard fresh else { throw VaultError.invalidInput("the vault database has lost its vault id: vault.db was changed outside casevault") }
                try tx.setMeta("vault_id", vaultID)
                try tx.setMeta(Self.stateLedgerMeta, "1")
                try tx.setMeta(Self.sealedColumnsMeta, String(Self.sealedColumnsLevel))
                try tx.setMeta(Self.caseRowsMetaKey, Self.caseRowsUnderCaseKey)
                try tx.setMeta(Self.caseFactsMetaKey, Self.caseRowsUnderCaseKey)
                try tx.setMeta(Self.entitledRowsMeta, Self.entitledRowsMoved)
                try audit(event("vault.init"), in: tx)
            }
            if try tx.dataKeyVersions(scope: KeyHierarchy.vaultScope).isEmpty {
                guard fresh else { throw VaultError.invalidInput("the vault database has lost its metadata key: vault.db was changed outside casevault") }
                let key = try SecureBytes.random(count: 32)
                if newSecrets {
                    try storeNewSecrets(metadataKey: key, in: tx)
                } else {
                    try tx.insert(DataKeyRecord(scope: KeyHierarchy.vaultScope, version: 1, createdAt: created))
                    try tx.insert(try hierarchy.wrap(key, scope: KeyHierarchy.vaultScope, version: 1, createdAt: created))
                }
            }
        }
    }

    func timestamp() -> String {
        InternetTime.string(from: now())
    }

    // MARK: - Audit

    func event(_ action: String, caseID: String? = nil, documentID: String? = nil, outcome: AuditOutcome = .success,
               details: [String: String] = [:]) -> AuditEvent {
        AuditEvent(time: timestamp(), actor: actor, action: action, caseID: caseID, documentID: documentID, outcome: outcome.rawValue,
                   details: details)
    }

    /// Appends to the hash chain inside the caller's transaction: the change and its record commit together.
    func audit(_ event: AuditEvent, in tx: any VaultRecordWriting) throws {
        try tx.appendChained(try sealingPrivateParts(of: event, in: tx), using: auditChain)
        eventsWritten += 1
    }

    /// An event that stands alone (reads): it commits before anything else happens. Not public: a front end records
    /// only the few things that happen outside the core, through `record(_:)`.
    func audit(_ event: AuditEvent) throws {
        try store.write { tx in try audit(event, in: tx) }
    }

    static func newID(_ prefix: String) throws -> String {
        prefix + "-" + (try SystemRandom.bytes(count: 8)).hexString
    }

    /// A new id whose first byte is given (random itself, chosen once for a group of documents): a document's blob
    /// folder is named by that byte (`objects/ab/`), so the group's blobs share one folder.
    static func newID(_ prefix: String, firstByte: UInt8) throws -> String {
        prefix + "-" + ([firstByte] + (try SystemRandom.bytes(count: 7))).hexString
    }

    // MARK: - Keys below the master key

    static func dataKeyCacheKey(scope: String, version: Int) -> String { "\(scope)#\(version)" }

    func dataKey(scope: String, version: Int, in tx: any VaultRecordReading) throws -> SecureBytes {
        let cacheKey = Self.dataKeyCacheKey(scope: scope, version: version)
        if let cached = dataKeys[cacheKey] { return cached }
        let wrappers = try KeyHierarchy.wrappersToOpen(scope: scope, version: version, identity: hierarchy.unlock.identity, in: tx)
        guard !wrappers.isEmpty else { throw VaultError.damagedKey(scope: scope, version: version) }
        let key = try hierarchy.unwrap(wrappers)
        dataKeys[cacheKey] = key
        return key
    }

    func fieldOpener(scope: String, version: Int, in tx: any VaultRecordReading) throws -> AESGCM.Opener {
        let cacheKey = "\(scope)#\(version)"
        if let cached = fieldOpeners[cacheKey] { return cached }
        let opener = try AESGCM.Opener(key: try KeyHierarchy.fieldKey(try dataKey(scope: scope, version: version, in: tx)))
        fieldOpeners[cacheKey] = opener
        return opener
    }

    /// Drops cached keys of a case whose key versions were destroyed (rekey, erase).
    func forgetCaseKeys(_ caseID: String) {
        let prefix = KeyHierarchy.caseScope(caseID) + "#"
        dataKeys = dataKeys.filter { !$0.key.hasPrefix(prefix) }
        fieldOpeners = fieldOpeners.filter { !$0.key.hasPrefix(prefix) }
    }

    func metadataFieldKey(_ tx: any VaultRecordReading) throws -> SecureBytes {
        try KeyHierarchy.fieldKey(try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx))
    }

    func currentCaseKey(_ caseID: String, in tx: any VaultRecordReading) throws -> (key: SecureBytes, version: Int) {
        guard let version = try tx.dataKeyVersions(scope: KeyHierarchy.caseScope(caseID)).last else {
            throw VaultError.damagedKey(scope: KeyHierarchy.caseScope(caseID), version: 0)
        }
        return (try dataKey(scope: KeyHierarchy.caseScope(caseID), version: version, in: tx), version)
    }
}
