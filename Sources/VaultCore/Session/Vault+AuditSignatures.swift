import Audit
import Foundation
import VaultCrypto
import VaultStorage

/// Signed actions (issue 17, build 3): which key each audit event must be signed with. Every member holds the audit
/// MAC key, so the chain alone cannot say who acted; a signature by the key only that person's identity holds can.
extension Vault {
    static let migrateIdentitiesAction = "vault.migrate_identities"
    static let reissueIdentityAction = "account.reissue_identity"
    /// The re-issued account's signing key before the re-issue (base64), kept in the re-issue event (see reissueIdentity).
    static let previousSigningKeyDetail = "previous_signing_key"

    /// The audit log's signer: the acting identity, when there is one. A key-file vault has no per-person keys, so its
    /// events stay unsigned.
    static func auditSigner(_ unlock: VaultUnlock) -> AuditSigner? {
        unlock.identity.map { AuditSigner(accountID: $0.accountID, key: $0.signingKey) }
    }

    /// The first event not signed by the identity it names, or nil (and nil for a key-file vault). A vault with identities
    /// from `init` signs from its first event; a migrated one from the first event after the migration's own transaction
    /// (the migration and its state lines were written with the old key file, before anyone had an identity).
    func signatureBreak(_ entries: [ChainedEvent], accounts: [AdvocateRecord]) throws -> AuditBreak? {
        guard usesIdentities else { return nil }
        var current: [String: Ed25519.PublicKey] = [:]
        for account in accounts {
            guard let raw = account.signingPublic, raw.count == Ed25519.publicKeySize else { continue }
            current[account.id] = try Ed25519.PublicKey(rawRepresentation: Array(raw))
        }
        // Where the transaction that wrote entries[index] ends: the state ledger's lines follow its events, same actor.
        func transactionEnd(_ index: Int) -> Int64 {
            var end = index
            while end + 1 < entries.count, entries[end + 1].event.action == StateHash.changeAction,
                  entries[end + 1].event.actor == entries[index].event.actor {
                end += 1
            }
            return entries[end].event.sequence
        }
        // A re-issued identity signed its earlier events with the key it had then: each re-issue names that key, and it
        // stays the account's key up to the end of the re-issue's transaction (a person re-issuing their own identity
        // still signs that transaction with the old one).
        var earlierKeys: [String: [(until: Int64, key: Ed25519.PublicKey?)]] = [:]
        for (index, entry) in entries.enumerated() where entry.event.action == Self.reissueIdentityAction {
            guard let account = entry.event.details["advocate"] else { continue }
            let previous = entry.event.details[Self.previousSigningKeyDetail].flatMap { Data(base64Encoded: $0) }
                .flatMap { $0.count == Ed25519.publicKeySize ? $0 : nil }
            earlierKeys[account, default: []].append((transactionEnd(index), try previous.map { try Ed25519.PublicKey(rawRepresentation: Array($0)) }))
        }
        func key(of account: String, at sequence: Int64) -> Ed25519.PublicKey? {
            if let earlier = earlierKeys[account]?.first(where: { $0.until >= sequence }) { return earlier.key }
            return current[account]
        }
        // Only the first migration counts: one added later would be a rewrite, and it breaks the signatures after it.
        let requiredFrom = entries.firstIndex { $0.event.action == Self.migrateIdentitiesAction }.map { transactionEnd($0) + 1 } ?? 1
        return AuditVerifier(chain: auditChain).verifySignatures(entries, requiredFrom: requiredFrom, key: key)
    }
}
