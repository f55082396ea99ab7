import Audit
import Foundation
import VaultStorage

extension Vault {
    /// vault_meta key set once the vault's records are under the ledger (new vaults at once; older ones at first open).
    static let stateLedgerMeta = "state_ledger"

    /// A vault written before the ledger existed: every row is recorded once, as it stands, in `state.baseline`
    /// events, so later changes made outside casevault are caught. (Changes made before this moment cannot be.)
    /// Skipped when the index already holds entries: the flag was removed, which `verify` reports, and re-recording
    /// would bless whatever had been edited.
    func adoptEarlierState(reads: OpenReads? = nil) throws {
        guard try reads.map({ $0.meta[Self.stateLedgerMeta] }) ?? store.read({ try $0.meta(Self.stateLedgerMeta) }) == nil else { return }
        try ledger.write(action: StateHash.baselineAction) { tx in
            guard try tx.meta(Self.stateLedgerMeta) == nil, try tx.recordStates().isEmpty, let ledgerTx = tx as? LedgerTransaction else { return }
            for (key, stored) in try Self.storedRecords(tx).sorted(by: { $0.key < $1.key }) {
                try ledgerTx.record(key, hash: stored.hash, scope: stored.scope)
            }
            try tx.setMeta(Self.stateLedgerMeta, "1")
        }
    }

    /// Every stored record with the hash of its stored value, read through the storage protocols.
    struct StoredState: Equatable {
        let hash: [UInt8]
        let scope: String?
    }

    /// Every stored record with the hash of its stored value and its scope, read through the storage protocols.
    static func storedRecords(_ tx: any VaultRecordReading) throws -> [RecordKey: StoredState] {
        var found: [RecordKey: StoredState] = [:]
        func add<T: Encodable>(_ kind: RecordKind, _ id: String, _ value: T, scope: String? = nil) throws {
            let key = RecordKey(kind: kind, id: id)
            found[key] = StoredState(hash: try StateHash.of(key, value), scope: scope)
        }
        for (key, value) in try tx.metaEntries() { try add(.meta, key, value) }
        for record in try tx.organisations() { try add(.organisation, record.id, record) }
        for record in try tx.advocates() { try add(.advocate, record.id, record) }
        for record in try tx.people() { try add(.person, record.id, record) }
        for record in try tx.dataKeys() { try add(.dataKey, LedgerTransaction.id(record), record) }
        for record in try tx.wrappers() { try add(.keyWrapper, LedgerTransaction.id(record), record) }
        for record in try tx.documents(caseID: nil) { try add(.document, record.id, record, scope: record.caseID) }
        for (key, state) in try caseRecords(tx, caseID: nil, personID: nil) { found[key] = state }
        return found
    }

    /// The records a case (or, with `personID`, a person alone) holds outside documents: the case, its assignments,
    /// its tombstone and its sealed records. nil for both: those of every case and person.
    /// `listings`: with the cases' sealed listings (`verify`); a command's check leaves them out (see checkSignedState).
    static func caseRecords(_ tx: any VaultRecordReading, caseID: String?, personID: String?, listings: Bool = true) throws -> [RecordKey: StoredState] {
        var found: [RecordKey: StoredState] = [:]
        func add<T: Encodable>(_ kind: RecordKind, _ id: String, _ value: T, scope: String?) throws {
            let key = RecordKey(kind: kind, id: id)
            found[key] = StoredState(hash: try StateHash.of(key, value), scope: scope)
        }
        if personID == nil {
            let cases = try caseID.map { try tx.caseRecord($0).map { [$0] } ?? [] } ?? tx.cases()
            for record in cases { try add(.caseRecord, record.id, record, scope: record.id) }
            let assignments = try caseID.map { id in try tx.caseAdvocates(id).map { CaseAdvocateRecord(caseID: id, advocateID: $0) } }
                ?? tx.caseAdvocateRecords()
            for record in assignments { try add(.caseAdvocate, LedgerTransaction.id(record), record, scope: record.caseID) }
            let tombstones = try caseID.map { try tx.tombstone($0).map { [$0] } ?? [] } ?? tx.tombstones()
            for record in tombstones { try add(.tombstone, record.caseID, record, scope: record.caseID) }
        }
        for record in try tx.consentRecords(type: nil, caseID: caseID, personID: personID) where personID == nil || record.caseID == nil {
            if !listings && record.recordType == ConsentRecordType.documentListing.rawValue { continue }
            try add(.sealed, record.id, record, scope: LedgerTransaction.scope(record))
        }
        return found
    }

    /// The whole-state check of `verify`: the ledger replayed from the audit log must match every stored row, the
    /// index must match the ledger, and the newest signed checkpoint's state digest must match the ledger at its place.
    func stateProblems() throws -> [VerifyProblem] {
        let (entries, checkpoints, stored, index) = try store.read { tx in
            (try tx.auditEntries(caseID: nil, since: nil, actor: nil), try tx.auditCheckpoints(), try Self.storedRecords(tx), try tx.recordStates())
        }
        // The newest signed state is checked (every checkpoint at that place): older ones would each need the
        // digest of the whole state at their own place, and the log's MAC chain already binds them to this one.
        let withDigest = checkpoints.filter { $0.format == AuditCheckpoint.formatV2 && $0.stateDigest != nil }
        let newest = withDigest.map(\.sequence).max()
        var replay = StateReplay()
        for entry in entries {
            replay.apply(entry.event)
            if entry.event.sequence == newest {
                for checkpoint in withDigest where checkpoint.sequence == newest { replay.checkDigest(against: checkpoint) }
            }
        }
        if let newest, !entries.contains(where: { $0.event.sequence == newest }) {
            replay.problems.append(VerifyProblem(kind: "state", id: "checkpoint \(newest)",
                                                 message: "the signed checkpoint at entry \(newest) has no entry in the log to match its state"))
        }
        return replay.problems + replay.compare(stored: stored) + replay.compare(index: index)
    }
}

/// The ledger rebuilt from the log: each record's last version and hash, and what went wrong on the way.
struct StateReplay {
    struct Entry {
        var version: Int64
        var hash: [UInt8]?
        var scope: String?
        /// Hashes the record had before its current one: a row equal to one of them is an older value put back.
        var earlier: [[UInt8]] = []
    }

    var entries: [RecordKey: Entry] = [:]
    var problems: [Vault.VerifyProblem] = []
    /// Whether the vault came under the ledger at all (a vault that never did has nothing to compare).
    var started = false

    mutating func apply(_ event: AuditEvent) {
        let baseline = event.action == StateHash.baselineAction
        guard baseline || event.action == StateHash.changeAction else { return }
        started = true
        var recordedAfresh = 0
        defer {
            if recordedAfresh > 0 {
                problems.append(problem("audit entry \(event.sequence)", "records \(recordedAfresh) record(s) afresh although the log already knew them: the state index was reset outside casevault"))
            }
        }
        for line in (event.details[StateHash.changesDetail] ?? "").split(separator: "\n") {
            guard let change = StateChange(line: line) else {
                problems.append(problem("audit entry \(event.sequence)", "holds a state line that cannot be read"))
                continue
            }
            let previous = entries[change.key]
            if baseline, previous != nil {
                recordedAfresh += 1
            } else if change.version != (previous?.version ?? 0) + 1 {
                problems.append(problem(change.key.description, "jumps to version \(change.version) at entry \(event.sequence) after version \(previous?.version ?? 0)"))
            }
            var entry = previous ?? Entry(version: 0, hash: nil, scope: nil)
            entry.version = change.version
            entry.scope = change.scope
            // A reset baseline does not get to bless the value it found: the log's own last hash stays the truth
            // (only the numbering restarts), so a row edited before the reset is still reported.
            if !(baseline && previous != nil) {
                if let old = entry.hash { entry.earlier.append(old) }
                entry.hash = change.hash
            }
            entries[change.key] = entry
        }
    }

    func root() throws -> [UInt8] {
        var buckets: [Int: [StateHash.BucketEntry]] = [:]
        for (key, entry) in entries {
            guard let hash = entry.hash else { continue }
            buckets[try StateHash.bucket(key, scope: entry.scope), default: []]
                .append(StateHash.BucketEntry(key: key, version: entry.version, hash: hash, scope: entry.scope))
        }
        return try StateHash.root(try buckets.mapValues { try StateHash.bucketDigest($0) })
    }

    mutating func checkDigest(against checkpoint: AuditCheckpoint) {
        guard let digest = checkpoint.stateDigest else { return }
        if (try? root().hexString) != digest {
            problems.append(problem("checkpoint \(checkpoint.sequence)", "signs a state the log does not lead to: the stored records were changed around that checkpoint"))
        }
    }

    func compare(stored: [RecordKey: Vault.StoredState]) -> [Vault.VerifyProblem] {
        guard started else { return [] }
        var found: [Vault.VerifyProblem] = []
        for key in Set(stored.keys).union(entries.keys).sorted() {
            let entry = entries[key], hash = stored[key]?.hash
            switch (entry?.hash, hash) {
            case (nil, nil):
                continue
            case (nil, .some):
                found.append(problem(key.description, entry == nil
                    ? "was added outside casevault: no change in the audit log created it"
                    : "was deleted by casevault (version \(entry!.version)) but is back: it was put back outside casevault"))
            case (.some, nil):
                found.append(problem(key.description, "was deleted outside casevault: the audit log's last change (version \(entry!.version)) kept it"))
            case (.some(let expected), .some(let actual)) where expected != actual:
                let older = entry!.earlier.lastIndex(of: actual).map { " (it matches version \($0 + 1), an older value put back)" } ?? ""
                found.append(problem(key.description, "was changed outside casevault: it is not its last recorded version \(entry!.version)\(older)"))
            default:
                continue
            }
        }
        return found
    }

    /// The index only numbers versions, but a wrong entry would make the next change's line disagree: report it now.
    func compare(index: [RecordStateRecord]) -> [Vault.VerifyProblem] {
        guard started else { return [] }
        var seen = Set<RecordKey>()
        var found: [Vault.VerifyProblem] = []
        for state in index {
            guard let kind = RecordKind(rawValue: state.kind) else {
                found.append(problem("state index", "holds an entry of unknown kind"))
                continue
            }
            let key = RecordKey(kind: kind, id: state.recordID)
            seen.insert(key)
            if let entry = entries[key], entry.version == state.version, entry.hash == state.hash.map(Array.init), entry.scope == state.scope,
               (try? StateHash.bucket(key, scope: entry.scope)) == state.bucket { continue }
            found.append(problem(key.description, "has a state index entry that differs from the audit log"))
        }
        for key in Set(entries.keys).subtracting(seen).sorted() {
            found.append(problem(key.description, "is missing from the state index"))
        }
        return found
    }

    func problem(_ id: String, _ message: String) -> Vault.VerifyProblem {
        Vault.VerifyProblem(kind: "state", id: id, message: message)
    }
}
