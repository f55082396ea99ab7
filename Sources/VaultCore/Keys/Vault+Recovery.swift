import VaultModel
import Foundation
import VaultCrypto
import VaultStorage

/// Recovery without a back door (issue 17, build 4): an organisation's recovery key, rebuilt from its trustees' shares,
/// re-issues a person's identity when they forgot their passphrase. No one holds the recovery key between recoveries:
/// its private half exists only as shares (`Shamir`, `ShareCode`).
extension Vault {
    public struct ReissuedIdentity: Sendable {
        public let accountID: String
        public let identity: IdentityFile
        public let keysRewrapped: Int
        /// The person had login codes on: the enrolment was removed with the old identity (see below).
        public let loginCodesReset: Bool
    }

    /// Gives `accountID` a new identity: every key the organisation's recovery key holds and the account is entitled to
    /// is wrapped to the new identity, the old identity's wrappers are deleted, and the account's public keys replaced,
    /// so the forgotten (or stolen) identity file opens nothing and is refused. An administrator, or a manager of the
    /// organisation, does it; the account belongs to the organisation (an administrator's own: any organisation's
    /// recovery key holds the vault's member keys).
    /// `deliver` stores the new identity file inside the transaction: if it cannot be written, nothing changes and the
    /// old identity keeps working (a person is never left with neither).
    public func reissueIdentity(accountID: AccountID, organisationID: OrganisationID, recoveryKey: X25519.PrivateKey,
                                passphrase: SecureBytes?, deliver: ((IdentityFile) throws -> Void)? = nil) throws -> ReissuedIdentity {
        let accountID = accountID.rawValue
        let organisationID = organisationID.rawValue
        guard usesIdentities else { throw VaultError.invalidInput("this vault has no identities; nothing was changed") }
        var result: ReissuedIdentity?
        try guarded { try store.write { tx in
            let actor = try require(.organisationChange, roles: [.admin, .manager], in: tx)
            guard let organisation = try tx.organisation(organisationID) else { throw VaultError.notFound(kind: "organisation", id: organisationID) }
            try requireOwnOrganisation(actor, of: organisationID, .organisationChange, subject: accountID,
                                       reason: "a manager re-issues identities of their own organisation only")
            guard var account = try tx.advocate(accountID) else { throw VaultError.notFound(kind: "advocate", id: accountID) }
            guard account.organisationID == organisationID || (account.role == AccountRole.admin.rawValue && account.organisationID == nil) else {
                throw VaultError.invalidInput("\(accountID) is not an account of \(organisationID): use that organisation's recovery shares")
            }
            guard organisation.recoveryPublic.map(Array.init) == recoveryKey.publicKey.rawRepresentation else {
                throw VaultError.invalidInput("the shares rebuild a key that is not \(organisationID)'s recovery key; nothing was changed")
            }
            let created = timestamp()
            let (file, identity) = try IdentityFile.create(vaultID: info.vaultID, accountID: accountID, passphrase: passphrase, createdAt: created)
            let oldWrappers = try tx.wrappers().filter { $0.wrapperKind == KeyRecipient.Kind.identity.rawValue && $0.wrapperID == accountID }
            for wrapper in oldWrappers { try tx.deleteWrapper(wrapper) }
            // The account's events so far are signed with the key being replaced: the re-issue event keeps it, so
            // `audit verify` checks each event against the key the account held at that point (Vault+AuditSignatures).
            let previousSigningKey = account.signingPublic
            account.agreementPublic = Data(identity.agreementKey.publicKey.rawRepresentation)
            account.signingPublic = Data(identity.signingKey.publicKey.rawRepresentation)
            // Whoever re-issues holds the new file for a moment: an account still awaiting confirmation renews it again.
            account.identityRenewedAt = nil
            try tx.update(account)
            // The login-code secret is sealed to the identity being replaced, which no one can open any more, and the
            // recovery key never held it: left in place, it would refuse every login of the new identity until a
            // manager reset it. It is removed here, as `totp reset` removes it (the same people may do both), and the
            // person enrols again. Read raw: a damaged setting is removed too, not a reason to leave someone locked out.
            let loginCodesReset = !(try tx.meta(Self.totpMetaKey(accountID)) ?? "").isEmpty
            if loginCodesReset {
                try saveTOTP(nil, accountID: accountID, in: tx)
                try audit(event(Self.totpResetAction, details: ["advocate": accountID, "by": Self.reissueIdentityAction]), in: tx)
            }
            let recipient = KeyRecipient(kind: .identity, id: accountID, publicKey: identity.agreementKey.publicKey)
            var rewrapped = 0
            for wrapper in try tx.wrappers() where wrapper.wrapperKind == KeyRecipient.Kind.recovery.rawValue && wrapper.wrapperID == organisationID {
                guard try entitledRecipients(scope: wrapper.scope, in: tx).contains(recipient) else { continue }
                let key = try hierarchy.open(wrapper, with: recoveryKey, kind: .recovery, holder: organisationID)
                try tx.insert(try hierarchy.wrap(key, scope: wrapper.scope, version: wrapper.version, to: recipient, createdAt: created))
                rewrapped += 1
            }
            try deliver?(file)
            var details = ["advocate": accountID, "organisation": organisationID, "keys": String(rewrapped)]
            if let previousSigningKey { details[Self.previousSigningKeyDetail] = previousSigningKey.base64EncodedString() }
            try audit(event(Self.reissueIdentityAction, details: details), in: tx)
            result = ReissuedIdentity(accountID: accountID, identity: file, keysRewrapped: rewrapped, loginCodesReset: loginCodesReset)
        } }
        guard let result else { throw VaultError.invalidInput("the identity of \(accountID) was not re-issued") }
        return result
    }
}

/// A new recovery key for an organisation, when a trustee leaves or a share may have been seen: the old key (rebuilt
/// from enough of its shares) opens each of the organisation's recovery wrappers, which are re-made for the new key and
/// the old ones deleted, in one transaction. Afterwards every old share code rebuilds a key that opens nothing, so a
/// former trustee's share is worthless; re-splitting the same key would have left it valid.
extension Vault {
    static let recoveryReplacedAction = "organisation.recovery_replaced"

    /// Returns how many wrapped keys the new recovery key now holds. The caller splits `newKey`'s private half into
    /// share codes and keeps nothing.
    @discardableResult
    public func replaceRecoveryKey(organisationID: OrganisationID, oldKey: X25519.PrivateKey, newKey: X25519.PublicKey) throws -> Int {
        let organisationID = organisationID.rawValue
        guard usesIdentities else { throw VaultError.invalidInput("this vault has no identities, so organisations have no recovery key") }
        var moved = 0
        try guarded { try store.write { tx in
            let actor = try require(.organisationChange, roles: [.admin, .manager], subject: organisationID, in: tx)
            guard var organisation = try tx.organisation(organisationID) else { throw VaultError.notFound(kind: "organisation", id: organisationID) }
            try requireOwnOrganisation(actor, of: organisationID, .organisationChange, subject: organisationID,
                                       reason: "a manager replaces the recovery key of their own organisation only")
            guard organisation.recoveryPublic.map(Array.init) == oldKey.publicKey.rawRepresentation else {
                throw VaultError.invalidInput("the shares rebuild a key that is not \(organisationID)'s recovery key; nothing was changed")
            }
            guard newKey.rawRepresentation != oldKey.publicKey.rawRepresentation else {
                throw VaultError.invalidInput("the new recovery key is the old one; nothing was changed")
            }
            let recipient = KeyRecipient(kind: .recovery, id: organisationID, publicKey: newKey)
            let created = timestamp()
            for wrapper in try tx.wrappers() where wrapper.wrapperKind == KeyRecipient.Kind.recovery.rawValue && wrapper.wrapperID == organisationID {
                let key = try hierarchy.open(wrapper, with: oldKey, kind: .recovery, holder: organisationID)
                try tx.deleteWrapper(wrapper)
                try tx.insert(try hierarchy.wrap(key, scope: wrapper.scope, version: wrapper.version, to: recipient, createdAt: created))
                moved += 1
            }
            organisation.recoveryPublic = Data(newKey.rawRepresentation)
            try tx.update(organisation)
            try audit(event(Self.recoveryReplacedAction, details: ["organisation": organisationID, "keys": String(moved)]), in: tx)
        } }
        return moved
    }
}
