import VaultModel
import Foundation
import VaultCrypto
import VaultStorage

/// The administrator writes a newcomer's identity file and chooses its passphrase, so a copy it kept would match the
/// fingerprint a manager checks (`passwd` changes the passphrase, not the keys). Before a manager may confirm the
/// account (Vault+AccountConfirmation), its holder replaces the key pair with one only they ever held: every key
/// wrapped to the account is wrapped to the new public key instead and the old wrappers deleted, so the
/// administrator's copy opens nothing and is refused as a replaced identity.
extension Vault {
    public struct RenewedIdentity: Sendable {
        public let accountID: String
        public let identity: IdentityFile
        public let fingerprint: String
        public let keysRewrapped: Int
    }

    /// Gives the acting account, while it awaits confirmation, a new identity: new X25519 and Ed25519 key pairs under
    /// `passphrase`. Refused (audited, nothing changed) for an account that does not await confirmation: a confirmed
    /// account's keys were wrapped to it by members, and a new identity then comes by recovery (`reissueIdentity`).
    /// `deliver` writes the new file inside the transaction, as `reissueIdentity`'s does: if it cannot be written,
    /// nothing changes and the old file keeps working. The caller puts it in the old file's place after the commit.
    public func renewOwnIdentity(passphrase: SecureBytes?, deliver: (IdentityFile) throws -> Void) throws -> RenewedIdentity {
        guard usesIdentities, let current = hierarchy.unlock.identity else {
            throw VaultError.invalidInput("this vault has no identities; nothing was changed")
        }
        var result: RenewedIdentity?
        try guarded { try store.write { tx in
            let actor = try account(in: tx, evenAwaiting: true)
            guard actor.awaitsConfirmation, var record = try tx.advocate(actor.id) else {
                throw AccessError.refused(operation: .identityRenew, actor: actor.id, subject: actor.id,
                                          reason: RefusalReason("this account does not await confirmation, so its identity is renewed "
                                              + "only by recovery (a manager of its organisation with the recovery shares)"))
            }
            let created = timestamp()
            let (file, identity) = try IdentityFile.create(vaultID: info.vaultID, accountID: actor.id, passphrase: passphrase, createdAt: created)
            let recipient = KeyRecipient(kind: .identity, id: actor.id, publicKey: identity.agreementKey.publicKey)
            var rewrapped = 0
            for wrapper in try tx.wrappers() where wrapper.wrapperKind == KeyRecipient.Kind.identity.rawValue && wrapper.wrapperID == actor.id {
                let key = try hierarchy.open(wrapper, with: current.agreementKey, kind: .identity, holder: actor.id)
                try tx.deleteWrapper(wrapper)
                try tx.insert(try hierarchy.wrap(key, scope: wrapper.scope, version: wrapper.version, to: recipient, createdAt: created))
                rewrapped += 1
            }
            // Signed with the old key, as a re-issue is: the event keeps it, so `audit verify` checks the account's
            // earlier events (and this transaction's) against it (Vault+AuditSignatures).
            let previousSigningKey = record.signingPublic
            record.agreementPublic = Data(identity.agreementKey.publicKey.rawRepresentation)
            record.signingPublic = Data(identity.signingKey.publicKey.rawRepresentation)
            record.identityRenewedAt = created
            try tx.update(record)
            try deliver(file)
            var details = ["advocate": actor.id, "keys": String(rewrapped), "renewed_by": "holder"]
            if let previousSigningKey { details[Self.previousSigningKeyDetail] = previousSigningKey.base64EncodedString() }
            try audit(event(Self.reissueIdentityAction, details: details), in: tx)
            result = RenewedIdentity(accountID: actor.id, identity: file, fingerprint: try fingerprint(of: record), keysRewrapped: rewrapped)
        } }
        guard let result else { throw VaultError.invalidInput("the identity was not renewed") }
        return result
    }

    /// Confirmation checks a fingerprint of keys only the person ever held: refused until they renewed the identity
    /// the administrator wrote (a re-issue by recovery clears the mark, since its file was written by someone else).
    func requireRenewedByHolder(_ target: AdvocateRecord, actor: String) throws {
        guard target.identityRenewedAt == nil else { return }
        throw AccessError.refused(operation: .accountConfirm, actor: actor, subject: target.id,
                                  reason: RefusalReason("the person has not yet replaced the identity file the administrator wrote for them, "
                                      + "so a copy of it could still be held by someone else: ask them to renew their own identity first, "
                                      + "then to read you its new fingerprint"))
    }
}
