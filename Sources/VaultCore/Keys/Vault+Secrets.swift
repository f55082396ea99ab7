import Foundation
import VaultCrypto
import VaultStorage
import VaultStorageSQLite

extension Vault {
    /// The audit and signing keys this process works with. A key file holds them; with identities they are data keys in
    /// the database wrapped to each account, opened before the audit chain exists (it needs the audit key). A new
    /// identity vault's database has none yet: they are made here and written, wrapped, by `prepareDatabase`.
    static func loadSecrets(_ unlock: VaultUnlock, hierarchy: KeyHierarchy, reads: OpenReads) throws -> (VaultSecrets, new: Bool) {
        switch unlock {
        case .keyFile(_, let keys):
            // After `migrate` the key file opens nothing: say so, rather than fail on the first key it cannot unwrap.
            if reads.meta[keyModelMeta] == identitiesKeyModel { throw VaultError.migratedToIdentities }
            return (VaultSecrets(auditKey: keys.auditKey, signingKey: keys.signingKey), false)
        case .identity(_, let identity), .session(let identity):
            let (audit, signing, fresh, account) = (reads.auditWrappers, reads.signingWrappers, reads.newestEntry == nil, reads.account)
            // Say why an identity opens nothing: its account was removed, or was given another identity since.
            if let account {
                if let removed = account.removedAt { throw AccessError.accountRemoved(account: account.id, on: removed) }
                if let current = account.agreementPublic, Array(current) != identity.agreementKey.publicKey.rawRepresentation {
                    throw AccessError.identityReplaced(account: account.id)
                }
            }
            if audit.isEmpty && signing.isEmpty && fresh {
                return (VaultSecrets(auditKey: try SecureBytes.random(count: 32), signingKey: try Ed25519.PrivateKey.generate()), true)
            }
            guard !audit.isEmpty, !signing.isEmpty else {
                throw VaultError.invalidInput("the vault database has lost its audit or signing key: vault.db was changed outside casevault")
            }
            return (VaultSecrets(auditKey: try hierarchy.unwrap(audit), signingKey: try Ed25519.PrivateKey(seed: try hierarchy.unwrap(signing))), false)
        }
    }

    /// The acting identity as a holder of wrapped keys.
    var ownRecipient: KeyRecipient? {
        hierarchy.unlock.identity.map { KeyRecipient(kind: .identity, id: $0.accountID, publicKey: $0.agreementKey.publicKey) }
    }

    /// A new identity vault's own keys (metadata, audit, signing), each a data key wrapped to the first administrator.
    func storeNewSecrets(metadataKey: SecureBytes, in tx: any VaultRecordWriting) throws {
        guard let own = ownRecipient else { return }
        let created = timestamp()
        try tx.setMeta(Self.keyModelMeta, Self.identitiesKeyModel)
        for (scope, key) in [(KeyHierarchy.vaultScope, metadataKey), (KeyHierarchy.auditScope, secrets.auditKey),
                             (KeyHierarchy.signingScope, secrets.signingKey.seed)] {
            try tx.insert(DataKeyRecord(scope: scope, version: 1, createdAt: created))
            try tx.insert(try hierarchy.wrap(key, scope: scope, version: 1, to: own, createdAt: created))
        }
    }
}
