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
        /// Who can now confirm the account, to whom the person reads the fingerprint.
        public let confirmers: Confirmers
    }

    /// A renewal to public keys made elsewhere (the person's own computer, over a team server): what the vault did.
    public struct RenewedKeys: Sendable {
        public let accountID: String
        public let fingerprint: String
        public let keysRewrapped: Int
        public let confirmers: Confirmers
    }

    /// Gives the acting account, while it awaits confirmation, a new identity: new X25519 and Ed25519 key pairs under
    /// `passphrase`. Refused (audited, nothing changed) for an account that does not await confirmation: a confirmed
    /// account's keys were wrapped to it by members, and a new identity then comes by recovery (`reissueIdentity`).
    /// `deliver` writes the new file inside the transaction, as `reissueIdentity`'s does: if it cannot be written,
    /// nothing changes and the old file keeps working. The caller puts it in the old file's place after the commit.
    public func renewOwnIdentity(passphrase: SecureBytes?, deliver: (IdentityFile) throws -> Void) throws -> RenewedIdentity {
        var file: IdentityFile?
        let renewed = try renewOwnIdentity(newKeys: { actor, created in
            let (made, identity) = try IdentityFile.create(vaultID: info.vaultID, accountID: actor, passphrase: passphrase, createdAt: created)
            file = made
            return (identity.agreementKey.publicKey, identity.signingKey.publicKey)
        }, inside: { if let file { try deliver(file) } })
        guard let file else { throw VaultError.invalidInput("the identity was not renewed") }
        return RenewedIdentity(accountID: renewed.accountID, identity: file, fingerprint: renewed.fingerprint, keysRewrapped: renewed.keysRewrapped,
                               confirmers: renewed.confirmers)
    }

    /// The same renewal to public keys the person made on their own computer: a team server runs this for the
    /// session's account, so the new private keys never leave that computer (the server opens the old wrappers with
    /// the session's identity and wraps each key to `agreementPublic`).
    public func renewOwnIdentity(agreementPublic: X25519.PublicKey, signingPublic: Ed25519.PublicKey) throws -> RenewedKeys {
        try renewOwnIdentity(newKeys: { _, _ in (agreementPublic, signingPublic) }, inside: {})
    }

    /// The one renewal both entry points share: `newKeys` gives the new public halves, `inside` runs in the
    /// transaction once the vault holds them (a failure there changes nothing); every wrapper of the account is
    /// opened with the identity this vault was opened with and wrapped to the new agreement key, in one transaction.
    private func renewOwnIdentity(newKeys: (_ actor: String, _ created: String) throws -> (X25519.PublicKey, Ed25519.PublicKey),
                                  inside: () throws -> Void) throws -> RenewedKeys {
        guard usesIdentities, let current = hierarchy.unlock.identity else {
            throw VaultError.invalidInput("this vault has no identities; nothing was changed")
        }
        var result: RenewedKeys?
        try guarded { try store.write { tx in
            let actor = try account(in: tx, evenAwaiting: true)
            guard actor.awaitsConfirmation, var record = try tx.advocate(actor.id) else {
                throw AccessError.refused(operation: .identityRenew, actor: actor.id, subject: actor.id,
                                          reason: RefusalReason("this account does not await confirmation, so its identity is renewed "
                                              + "only by recovery (a manager of its organisation with the recovery shares)"))
            }
            let created = timestamp()
            // Read while the names' key still opens with the identity this vault was opened with (rewrapped below).
            let confirmers = try confirmers(of: record, in: tx)
            let (agreement, signing) = try newKeys(actor.id, created)
            let recipient = KeyRecipient(kind: .identity, id: actor.id, publicKey: agreement)
            var rewrapped = 0
            for wrapper in try tx.wrappers() where wrapper.wrapperKind == KeyRecipient.Kind.identity.rawValue && wrapper.wrapperID == actor.id {
                let key = try hierarchy.open(wrapper, with: current.agreementKey, kind: .identity, holder: actor.id)
                try tx.deleteWrapper(wrapper)
                try tx.insert(try hierarchy.wrap(key, scope: wrapper.scope, version: wrapper.version, to: recipient, createdAt: created))
                rewrapped += 1
            }
            try rewrapTOTP(actor.id, from: current, to: agreement, in: tx)
            // Signed with the old key, as a re-issue is: the event keeps it, so `audit verify` checks the account's
            // earlier events (and this transaction's) against it (Vault+AuditSignatures).
            let previousSigningKey = record.signingPublic
            // The point is keys the administrator never held: "renewing" to the very keys it wrote would leave its copy working.
            guard record.agreementPublic != Data(agreement.rawRepresentation), previousSigningKey != Data(signing.rawRepresentation) else {
                throw VaultError.invalidInput("the new keys are the ones the identity already has: a renewal needs new key pairs; nothing was changed")
            }
            record.agreementPublic = Data(agreement.rawRepresentation)
            record.signingPublic = Data(signing.rawRepresentation)
            record.identityRenewedAt = created
            try tx.update(record)
            try inside()
            var details = ["advocate": actor.id, "keys": String(rewrapped), "renewed_by": "holder"]
            if let previousSigningKey { details[Self.previousSigningKeyDetail] = previousSigningKey.base64EncodedString() }
            try audit(event(Self.reissueIdentityAction, details: details), in: tx)
            result = RenewedKeys(accountID: actor.id, fingerprint: try fingerprint(of: record), keysRewrapped: rewrapped,
                                 confirmers: confirmers)
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
