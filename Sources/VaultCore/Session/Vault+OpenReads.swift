import Audit
import Foundation
import VaultCrypto
import VaultStorage

/// What opening a vault reads, read in one transaction. The checks at open (the keys, the database's binding, the
/// earlier releases' upgrades, the clock) each read their own before: seven transactions, some thirty round trips to
/// a team server's database for every request it serves. Each check still decides exactly as before; only where it
/// finds the rows changed. A check that has to write (a new database, an upgrade still to run) goes its own way, as
/// before, and every check after a write reads afresh (`Vault.init` drops these reads).
struct OpenReads {
    let meta: [String: String]
    let vaultKeyVersions: [Int]
    /// The audit and signing keys' wrappers (opened with an identity; empty with a key file).
    let auditWrappers: [KeyWrapperRecord]
    let signingWrappers: [KeyWrapperRecord]
    let newestEntry: ChainedEvent?
    /// The acting identity's account row (nil with a key file, or when there is no such account).
    let account: AdvocateRecord?
    /// The state mark's sequence as loaded before this read (`checkStateMark`), its entry and its checkpoints.
    let markSequence: Int64?
    let markEntry: ChainedEvent?
    let markCheckpoints: [AuditCheckpoint]

    init(_ store: any VaultRecordStore, unlock: VaultUnlock, markSequence: Int64?) throws {
        let identity = unlock.identity
        self.markSequence = markSequence
        (meta, vaultKeyVersions, auditWrappers, signingWrappers, newestEntry, account, markEntry, markCheckpoints) = try store.read { tx in
            // Independent of one another: on PostgreSQL one wait for all (a request's open made eight before).
            try tx.prefetch(Self.reads(identity: identity, markSequence: markSequence))
            return (try tx.metaEntries(), try tx.dataKeyVersions(scope: KeyHierarchy.vaultScope),
             identity == nil ? [] : try KeyHierarchy.wrappersToOpen(scope: KeyHierarchy.auditScope, version: 1, identity: identity, in: tx),
             identity == nil ? [] : try KeyHierarchy.wrappersToOpen(scope: KeyHierarchy.signingScope, version: 1, identity: identity, in: tx),
             try tx.lastAuditEntry(), try identity.flatMap { try tx.advocate($0.accountID) },
             try markSequence.flatMap { try tx.auditEntry(sequence: $0) }, try markSequence.map { try tx.auditCheckpoints(sequence: $0) } ?? [])
        }
    }

    /// The reads below as `prefetch` takes them (an identity's own wrappers only: the fallback to every wrapper is
    /// for a vault without them, which then reads as before).
    private static func reads(identity: UnlockedIdentity?, markSequence: Int64?) -> [(any VaultRecordReading) throws -> Void] {
        var reads: [(any VaultRecordReading) throws -> Void] = [
            { _ = try $0.metaEntries() }, { _ = try $0.dataKeyVersions(scope: KeyHierarchy.vaultScope) }, { _ = try $0.lastAuditEntry() },
        ]
        if let identity {
            for scope in [KeyHierarchy.auditScope, KeyHierarchy.signingScope] {
                reads.append { _ = try KeyHierarchy.ownWrapper(scope: scope, version: 1, identity: identity, in: $0) }
            }
            reads.append { _ = try $0.advocate(identity.accountID) }
        }
        if let markSequence {
            reads.append { _ = try $0.auditEntry(sequence: markSequence) }
            reads.append { _ = try $0.auditCheckpoints(sequence: markSequence) }
        }
        return reads
    }

    /// The database is this vault's and keyed: `prepareDatabase` has nothing to write.
    func prepared(vaultID: String) throws -> Bool {
        if let stored = meta["vault_id"], stored != vaultID {
            throw VaultError.invalidInput("the vault database belongs to vault \(stored), not \(vaultID)")
        }
        return meta["vault_id"] != nil && !vaultKeyVersions.isEmpty
    }
}
