import Foundation
import VaultCrypto
import VaultStorage

/// An organisation's directory key (scope `org:<id>`, issue 17): the fields of the people its advocates register are
/// sealed under it instead of the vault metadata key, which every account of every organisation holds. It is wrapped
/// like a case key, to the organisation's active advocates and managers and to its recovery key (never to an
/// administrator), so a colleague of another organisation who reads vault.db with their own identity opens none of
/// them.
///
/// The key is made by the first advocate or manager of the organisation who registers a person, wrapped to everyone
/// then in it. Not at `org add`: the organisation has no one yet, and the administrator who adds people to it holds
/// no key to wrap it to them. Someone who joins later is given a wrapper by the next colleague who holds the key and
/// registers or changes a person, or shares their keys (`shareKey`), as case keys are shared by the next holder who acts.
/// When someone leaves (their account is removed) the key is rotated (Vault+DirectoryKeyRotation): people are always
/// sealed under its newest version, the only one kept.
extension Vault {
    /// Makes the organisation's directory key when it has none (any caller may: only public keys are needed to
    /// wrap it). Returns the key when it was made here, so the caller can seal with it at once.
    @discardableResult
    func createDirectoryKeyIfMissing(_ organisationID: String, in tx: any VaultRecordWriting) throws -> SecureBytes? {
        let scope = KeyHierarchy.organisationScope(organisationID)
        guard try tx.dataKeyVersions(scope: scope).isEmpty else { return nil }
        let key = try SecureBytes.random(count: 32)
        let created = timestamp()
        try tx.insert(DataKeyRecord(scope: scope, version: 1, createdAt: created))
        try insertWrappers(of: key, scope: scope, version: 1, createdAt: created, in: tx)
        return key
    }

    /// The directory key of the acting account's organisation, made if missing, and wrapped to any colleague who has
    /// joined since (the actor holds it, so can). Refused with `keyNotHeld` for someone who joined after it was made
    /// and has not been given it yet.
    func directoryKey(ofOrganisation organisationID: String, in tx: any VaultRecordWriting) throws -> (key: SecureBytes, version: Int) {
        let scope = KeyHierarchy.organisationScope(organisationID)
        if let made = try createDirectoryKeyIfMissing(organisationID, in: tx) { return (made, 1) }
        let version = try tx.dataKeyVersions(scope: scope).last ?? 1
        let key = try dataKey(scope: scope, version: version, in: tx)
        try shareKey(scope: scope, in: tx)
        return (key, version)
    }

    /// Wraps the organisation's directory key to whoever of it lacks one, when the actor holds it (someone who does not
    /// leaves it for a colleague who does).
    func shareDirectoryKeyIfHeld(of organisationID: String, in tx: any VaultRecordWriting) throws {
        let scope = KeyHierarchy.organisationScope(organisationID)
        guard let own = hierarchy.unlock.identity, let version = try tx.dataKeyVersions(scope: scope).last,
              try tx.wrappers(scope: scope, version: version).contains(where: { $0.wrapperKind == KeyRecipient.Kind.identity.rawValue && $0.wrapperID == own.accountID })
        else { return }
        try shareKey(scope: scope, in: tx)
    }

    /// The acting account's organisation's directory key (people are registered by advocates and managers, who each
    /// belong to one). An account of a vault made before organisations, which belongs to none, keeps the metadata key
    /// as before: there is no other organisation to keep people from.
    func ownDirectoryKey(in tx: any VaultRecordWriting) throws -> (ref: PersonKeyRef, key: SecureBytes) {
        guard let organisationID = try account(in: tx).organisationID else {
            return (PersonKeyRef(scope: KeyHierarchy.vaultScope, version: 1), try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx))
        }
        let (key, version) = try directoryKey(ofOrganisation: organisationID, in: tx)
        return (PersonKeyRef(scope: KeyHierarchy.organisationScope(organisationID), version: version), key)
    }
}
