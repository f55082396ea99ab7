import Audit
import Foundation
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
            (try tx.metaEntries(), try tx.dataKeyVersions(scope: KeyHierarchy.vaultScope),
             identity == nil ? [] : try KeyHierarchy.wrappersToOpen(scope: KeyHierarchy.auditScope, version: 1, identity: identity, in: tx),
             identity == nil ? [] : try KeyHierarchy.wrappersToOpen(scope: KeyHierarchy.signingScope, version: 1, identity: identity, in: tx),
             try tx.lastAuditEntry(), try identity.flatMap { try tx.advocate($0.accountID) },
             try markSequence.flatMap { try tx.auditEntry(sequence: $0) }, try markSequence.map { try tx.auditCheckpoints(sequence: $0) } ?? [])
        }
    }

    /// The database is this vault's and keyed: `prepareDatabase` has nothing to write.
    func prepared(vaultID: String) throws -> Bool {
        if let stored = meta["vault_id"], stored != vaultID {
            throw VaultError.invalidInput("the vault database belongs to vault \(stored), not \(vaultID)")
        }
        return meta["vault_id"] != nil && !vaultKeyVersions.isEmpty
    }
}
