import Foundation
import VaultCrypto

/// Data keys wrapped to people and organisations instead of a master key (issue 17, SECURITY.md "Identities").
/// A wrapper's AAD names the vault, the key's scope and version, and the holder, so a wrapper copied to another slot
/// or relabelled for another holder does not open.
extension KeyHierarchy {
    static func recipientAAD(scope: String, version: Int, kind: KeyRecipient.Kind, holder: String, vaultID: String) -> [UInt8] {
        join("casevault/data-key/v2", vaultID, scope, String(version), kind.rawValue, holder)
    }

    func wrap(_ dataKey: SecureBytes, scope: String, version: Int, to recipient: KeyRecipient, createdAt: String) throws -> KeyWrapperRecord {
        let aad = Self.recipientAAD(scope: scope, version: version, kind: recipient.kind, holder: recipient.id, vaultID: vaultID)
        return KeyWrapperRecord(scope: scope, version: version, wrapperKind: recipient.kind.rawValue, wrapperID: recipient.id,
                                sealed: Data(try RecipientWrap.wrap(dataKey, to: recipient.publicKey, context: aad)), createdAt: createdAt)
    }

    /// The wrappers `unwrap` needs: an identity's own when it has one (one row by its primary key), else every wrapper
    /// of the key, so that `unwrap` decides exactly as before (not held, destroyed, damaged) from all of them. Reading
    /// every holder's wrapper to use one grew with the number of accounts and was a team server's costliest read.
    static func wrappersToOpen(scope: String, version: Int, identity: UnlockedIdentity?, in tx: any KeyReading) throws -> [KeyWrapperRecord] {
        if let identity, let own = try ownWrapper(scope: scope, version: version, identity: identity, in: tx) { return [own] }
        return try tx.wrappers(scope: scope, version: version)
    }

    /// The identity's own wrapper of a key: the read `wrappersToOpen` makes first, and the one a batch names ahead of
    /// it (`prefetch`), which answers it only when both make the very same statement.
    static func ownWrapper(scope: String, version: Int, identity: UnlockedIdentity, in tx: any KeyReading) throws -> KeyWrapperRecord? {
        try tx.wrapper(scope: scope, version: version, kind: KeyRecipient.Kind.identity.rawValue, id: identity.accountID)
    }

    /// The acting identity's own wrapper. None means the person holds no key to this scope: with identities that is
    /// the rule, not damage (a case of someone else's is simply not theirs to decrypt).
    func unwrapOwn(_ wrappers: [KeyWrapperRecord], identity: UnlockedIdentity) throws -> SecureBytes {
        guard let wrapper = wrappers.first(where: { $0.wrapperKind == KeyRecipient.Kind.identity.rawValue && $0.wrapperID == identity.accountID })
        else { throw VaultError.keyNotHeld(scope: wrappers.first?.scope ?? "", account: identity.accountID) }
        return try open(wrapper, with: identity.agreementKey, kind: .identity, holder: identity.accountID)
    }

    /// Opens one recipient wrapper with a private key (an identity's, or a recovery key rebuilt from shares).
    func open(_ wrapper: KeyWrapperRecord, with privateKey: X25519.PrivateKey, kind: KeyRecipient.Kind, holder: String) throws -> SecureBytes {
        let aad = Self.recipientAAD(scope: wrapper.scope, version: wrapper.version, kind: kind, holder: holder, vaultID: vaultID)
        do {
            return try RecipientWrap.unwrap(Array(wrapper.sealed), with: privateKey, context: aad)
        } catch {
            throw VaultError.damagedKey(scope: wrapper.scope, version: wrapper.version)
        }
    }
}
