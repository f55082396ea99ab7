import Foundation
import VaultCrypto
import VaultStorage

/// Turns a vault of an earlier release (one key file whose master keys open everything) into one whose keys follow
/// people (issue 17, build 6). Run with the old key file by an administrator or manager; afterwards the key file opens
/// nothing and each person acts with their own identity file.
extension Vault {
    static let keyModelMeta = "key_model"
    static let identitiesKeyModel = "identities"

    public struct IdentityMigration: Sendable {
        /// A new identity file per account, to write where the person can fetch it (then change its passphrase).
        public let identities: [(accountID: String, file: IdentityFile)]
        /// Each organisation's new recovery key: split into trustees' shares by the caller, then forgotten.
        public let recoveryKeys: [(organisationID: String, key: X25519.PrivateKey)]
        public let keysRewrapped: Int
    }

    /// One write transaction: identities for every account, a recovery key for every organisation, the audit and
    /// signing keys (the same values, so the log and old bundles keep verifying) stored as data keys, every data key
    /// wrapped to whoever is entitled to it, and every master-key wrapper deleted. Nothing is written if any step fails.
    /// `deliver` stores the new identity files inside the transaction: if it throws, nothing is migrated.
    public func migrateToIdentities(passphrase: SecureBytes?,
                                    deliver: (([(accountID: String, file: IdentityFile)]) throws -> Void)? = nil) throws -> IdentityMigration {
        guard hierarchy.keys != nil else { throw VaultError.invalidInput("this vault already uses identities; nothing was changed") }
        try requireMaintenance()
        var identities: [(String, IdentityFile)] = []
        var recoveryKeys: [(String, X25519.PrivateKey)] = []
        var rewrapped = 0
        try guarded { try store.write { tx in
            let created = timestamp()
            for var account in try tx.advocates() where account.agreementPublic == nil {
                let (file, identity) = try IdentityFile.create(vaultID: info.vaultID, accountID: account.id, passphrase: passphrase, createdAt: created)
                account.agreementPublic = Data(identity.agreementKey.publicKey.rawRepresentation)
                account.signingPublic = Data(identity.signingKey.publicKey.rawRepresentation)
                try tx.update(account)
                identities.append((account.id, file))
            }
            for var organisation in try tx.organisations() where organisation.recoveryPublic == nil {
                let key = try X25519.PrivateKey.generate()
                organisation.recoveryPublic = Data(key.publicKey.rawRepresentation)
                try tx.update(organisation)
                recoveryKeys.append((organisation.id, key))
            }
            for (scope, key) in [(KeyHierarchy.auditScope, secrets.auditKey), (KeyHierarchy.signingScope, secrets.signingKey.seed)]
            where try tx.dataKeyVersions(scope: scope).isEmpty {
                try tx.insert(DataKeyRecord(scope: scope, version: 1, createdAt: created))
                for recipient in try entitledRecipients(scope: scope, in: tx) {
                    try tx.insert(try hierarchy.wrap(key, scope: scope, version: 1, to: recipient, createdAt: created))
                }
                rewrapped += 1
            }
            for dataKey in try tx.dataKeys() where ![KeyHierarchy.auditScope, KeyHierarchy.signingScope].contains(dataKey.scope) {
                let wrappers = try tx.wrappers(scope: dataKey.scope, version: dataKey.version)
                let key = try hierarchy.unwrap(wrappers)
                for recipient in try entitledRecipients(scope: dataKey.scope, in: tx) {
                    try tx.insert(try hierarchy.wrap(key, scope: dataKey.scope, version: dataKey.version, to: recipient, createdAt: created))
                }
                for wrapper in wrappers where wrapper.wrapperKind == KeyHierarchy.masterWrapper { try tx.deleteWrapper(wrapper) }
                rewrapped += 1
            }
            try tx.setMeta(Self.keyModelMeta, Self.identitiesKeyModel)
            try deliver?(identities)
            try audit(event(Self.migrateIdentitiesAction, details: ["identities": String(identities.count),
                                                                      "organisations": String(recoveryKeys.count), "keys": String(rewrapped)]), in: tx)
        } }
        return IdentityMigration(identities: identities, recoveryKeys: recoveryKeys, keysRewrapped: rewrapped)
    }
}
