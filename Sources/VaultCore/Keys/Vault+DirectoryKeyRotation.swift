import Foundation
import VaultCrypto
import VaultStorage

/// Rotating an organisation's directory key (issue 17) when someone leaves it: a new version, wrapped to the members
/// entitled now and the recovery key; every person sealed under the old version re-sealed under it, with their person
/// records and authorities (they follow the person, Vault+PersonRecordSealing); the old version and its wrappers
/// deleted, all in the removal's transaction. Deleting the leaver's wrapper alone stopped them unwrapping the key from
/// vault.db, but a key they had copied while a member still opened every later copy of the database: now it opens
/// nothing registered or changed afterwards. What they already decrypted, and older backups, cannot be recalled
/// (SECURITY.md). The actor must hold the key (a manager of the organisation does once it has been shared with them).
extension Vault {
    /// Returns the new version, or nil when the organisation has no directory key yet (no one registered anybody).
    @discardableResult
    func rotateDirectoryKey(_ organisationID: String, in tx: any VaultRecordWriting) throws -> Int? {
        guard usesIdentities else { return nil }
        let scope = KeyHierarchy.organisationScope(organisationID)
        let versions = try tx.dataKeyVersions(scope: scope)
        guard let current = versions.last else { return nil }
        let created = timestamp()
        let newVersion = current + 1
        let newKey = try SecureBytes.random(count: 32)
        try tx.insert(DataKeyRecord(scope: scope, version: newVersion, createdAt: created))
        try insertWrappers(of: newKey, scope: scope, version: newVersion, createdAt: created, in: tx)
        let ref = PersonKeyRef(scope: scope, version: newVersion)
        var moved = 0
        for var person in try tx.people() where person.erasedAt == nil && PersonSealing.parse(person.nameSealed)?.ref.scope == scope {
            let opened = try view(person, in: tx)
            try sealPerson(opened, into: &person, ref: ref, key: newKey)
            try tx.update(person)
            try resealPersonRecords(person.id, ref: ref, key: newKey, in: tx)
            moved += 1
        }
        for old in versions { try tx.deleteDataKey(scope: scope, version: old) }
        try audit(event("organisation.directory_rekey", details: ["organisation": organisationID, "version": String(newVersion),
                                                                  "people": String(moved)]), in: tx)
        return newVersion
    }
}
