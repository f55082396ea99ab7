import Audit
import Foundation
import VaultStorage

// What a command checks before it relies on a case's records (issue 18): `verify` replays the whole log, which is too
// slow for every command, so a command checks only the records it is about to trust against the state the newest
// signed checkpoint vouches for. A case's records (the case row, its assignments, its tombstone and its sealed
// records) share one bucket of the state digest, so recomputing that bucket from the index, and the root from the
// bucket digests, proves the index entries are the signed ones; the rows must then equal those entries exactly, so a
// row deleted, added, edited or put back with an older value is refused before anything is decided from it.
extension Vault {
    /// Checks the acting account's own row and the records of `caseID` and of the people whose records the consent
    /// rules read (`personIDs`). Skipped, not failed, when the log has moved past its newest signed checkpoint (this
    /// process, or another, is between a change and its checkpoint; a crash leaves it so until the next command).
    func checkSignedState(caseID: String, personIDs: [String] = [], in tx: any VaultRecordReading) throws {
        let checked = Self.stateCheckKey(caseID: caseID, personIDs: personIDs)
        guard !stateChecked.contains(checked) else { return }
        defer { stateChecked.insert(checked) }
        guard let buckets = try signedStateBuckets(in: tx) else { return }
        let accountKey = actor.map { RecordKey(kind: .advocate, id: $0) }
        // Every bucket this check reads, in one read (one statement on a team server's database, not one each).
        let read = try tx.recordStates(buckets: try stateCheckBuckets(caseID: caseID, personIDs: personIDs))
        func checkBucket(_ bucket: Int, subject: String) throws -> [RecordStateRecord] {
            try Self.checkedBucket(bucket, against: buckets, subject: subject, states: read[bucket] ?? [])
        }
        // The scope's complete set of records, as signed, against the rows stored.
        func checkScope(_ scope: String, subject: String, stored: [RecordKey: StoredState]) throws {
            let signed = try checkBucket(try StateHash.bucket(RecordKey(kind: .caseRecord, id: scope), scope: scope), subject: subject)
                .filter { $0.scope == scope && $0.hash != nil && $0.kind != RecordKind.document.rawValue && !Self.isListing($0) }
            var expected: [RecordKey: [UInt8]] = [:]
            for state in signed {
                guard let kind = RecordKind(rawValue: state.kind), let hash = state.hash else { continue }
                expected[RecordKey(kind: kind, id: state.recordID)] = Array(hash)
            }
            for (key, state) in stored where expected[key] != state.hash {
                throw VaultError.changedOutside(subject: subject, what: expected[key] == nil ? "\(key) was added" : "\(key) was edited or put back")
            }
            if let missing = expected.keys.sorted().first(where: { stored[$0] == nil }) {
                throw VaultError.changedOutside(subject: subject, what: "\(missing) was deleted")
            }
        }
        try checkScope(caseID, subject: "case \(caseID)", stored: try Self.caseRecords(tx, caseID: caseID, personID: nil, listings: false))
        for person in Set(personIDs) {
            try checkScope(person, subject: "person \(person)", stored: try Self.caseRecords(tx, caseID: nil, personID: person))
        }
        // The account acting: its role and organisation decide what it may do.
        if let actor, let key = accountKey, let record = try tx.advocate(actor) {
            let signed = try checkBucket(try StateHash.bucket(key, scope: nil), subject: "account \(actor)")
            guard signed.first(where: { $0.kind == key.kind.rawValue && $0.recordID == actor })?.hash.map(Array.init) == (try StateHash.of(key, record)) else {
                throw VaultError.changedOutside(subject: "account \(actor)", what: "its role or organisation")
            }
        }
    }

    /// What `stateChecked` remembers a check of these records by.
    static func stateCheckKey(caseID: String, personIDs: [String]) -> String { ([caseID] + personIDs.sorted()).joined(separator: "|") }

    /// The index buckets `checkSignedState` reads: the case's, each person's and the acting account's.
    func stateCheckBuckets(caseID: String, personIDs: [String]) throws -> Set<Int> {
        try Set([try StateHash.bucket(RecordKey(kind: .caseRecord, id: caseID), scope: caseID)]
            + personIDs.map { try StateHash.bucket(RecordKey(kind: .caseRecord, id: $0), scope: $0) }
            + (actor.map { [try StateHash.bucket(RecordKey(kind: .advocate, id: $0), scope: nil)] } ?? []))
    }

    /// What the consent gate reads next about a case and its client (the state check's rows, the rules' facts), as
    /// `prefetch` takes them: one wait on a team server's database instead of one per statement. Only reads; which
    /// of them the gate then makes is still its own decision.
    func gateReads(caseID: String, clientID: String) -> [(any VaultRecordReading) throws -> Void] {
        var reads: [(any VaultRecordReading) throws -> Void] = [
            { _ = try $0.caseAdvocates(caseID) }, { _ = try $0.tombstone(caseID) }, { _ = try $0.person(clientID) },
            { _ = try $0.consentRecords(type: nil, caseID: caseID, personID: nil) },
            { _ = try $0.consentRecords(type: nil, caseID: nil, personID: clientID) },
        ]
        if !stateChecked.contains(Self.stateCheckKey(caseID: caseID, personIDs: [clientID])), let buckets = try? stateCheckBuckets(caseID: caseID, personIDs: [clientID]) {
            reads += [{ _ = try $0.stateBucketDigests() }, { _ = try $0.recordStates(buckets: buckets) }]
        }
        // The case's facts record (the rules' transfers and dates), and the identity's wrapper of the vault's member
        // key, which the rules' facts open: each was a wait of its own after the batch.
        reads.append { _ = try $0.consentRecord(Self.factsRecordID(caseID)) }
        if let identity = hierarchy.unlock.identity, dataKeys[Self.dataKeyCacheKey(scope: KeyHierarchy.vaultScope, version: 1)] == nil {
            reads.append { _ = try KeyHierarchy.ownWrapper(scope: KeyHierarchy.vaultScope, version: 1, identity: identity, in: $0) }
        }
        return reads
    }

    /// The state index's bucket digests, once their root is the one the newest signed checkpoint vouches for; nil when
    /// no signed checkpoint covers the log's head (between a change and its checkpoint), so there is nothing to check.
    func signedStateBuckets(in tx: any VaultRecordReading) throws -> [Int: [UInt8]]? {
        guard let head = try tx.lastAuditEntry(),
              let checkpoint = try tx.auditCheckpoints(sequence: head.event.sequence).last(where: {
                  $0.format == AuditCheckpoint.formatV2 && $0.hasValidSignature(vaultPublicKey: secrets.signingKey.publicKey)
              }),
              let signedDigest = checkpoint.stateDigest
        else { return nil }
        let buckets = try tx.stateBucketDigests().mapValues(Array.init)
        guard try StateHash.root(buckets).hexString == signedDigest else {
            throw VaultError.changedOutside(subject: "this vault", what: "the state index")
        }
        return buckets
    }

    /// One bucket's index entries, once they hash to the signed bucket digest (a bucket absent there is empty).
    static func checkedBucket(_ bucket: Int, against buckets: [Int: [UInt8]], subject: String,
                              in tx: any VaultRecordReading) throws -> [RecordStateRecord] {
        try checkedBucket(bucket, against: buckets, subject: subject, states: try tx.recordStates(bucket: bucket))
    }

    /// The same for entries already read.
    static func checkedBucket(_ bucket: Int, against buckets: [Int: [UInt8]], subject: String,
                              states: [RecordStateRecord]) throws -> [RecordStateRecord] {
        guard try StateHash.bucketDigest(StateHash.entries(states)) == buckets[bucket] ?? StateHash.bucketDigest([]) else {
            throw VaultError.changedOutside(subject: subject, what: "the state index")
        }
        return states
    }

    /// A case's sealed listing is left out of this check, as its documents are: a case of 100 000 documents has
    /// megabytes of listing, too much to hash on every command. Its rows are still vouched for: the bucket's digest
    /// above covers their index entries (version and hash), and each row's seal binds the ledger version it was saved
    /// at, so a row put back from an older state does not open and is not used (Vault+DocumentListing); `verify`
    /// compares their hashes as it does every row's.
    static func isListing(_ state: RecordStateRecord) -> Bool {
        state.kind == RecordKind.sealed.rawValue && state.recordID.hasPrefix(listingIDPrefix)
    }
}
