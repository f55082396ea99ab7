import Foundation
import VaultCrypto

extension Vault {
    /// Adds a master key version and rewraps every data key under it in one transaction (headers only;
    /// no document is re-encrypted). The new key file is durable before the database changes, so a crash
    /// leaves at worst an unused new version.
    public func rotateMasterKey() throws -> Int {
        try requireMaintenance()
        let (keyFile, keys) = try masterKeys()
        let (newFile, newKeys) = try keyFile.addingMasterKey(using: keys, createdAt: timestamp())
        try VaultSetup.writeKeyFile(newFile, paths: paths)
        let old = hierarchy
        let new = KeyHierarchy(vaultID: info.vaultID, unlock: .keyFile(newFile, newKeys))
        let created = timestamp()
        try store.write { tx in
            let grouped = Dictionary(grouping: try tx.wrappers()) { "\($0.scope)#\($0.version)" }
            for (_, wrappers) in grouped {
                let key = try old.unwrap(wrappers)
                try tx.insert(try new.wrap(key, scope: wrappers[0].scope, version: wrappers[0].version, createdAt: created))
                for wrapper in wrappers where wrapper.wrapperKind == KeyHierarchy.masterWrapper {
                    try tx.deleteWrapper(wrapper)
                }
            }
            try audit(event("keys.rotate", details: ["master_version": String(newKeys.currentMasterVersion), "rewrapped": String(grouped.count)]), in: tx)
        }
        self.keyFile = newFile
        hierarchy = new
        return newKeys.currentMasterVersion
    }

    /// Destroys a master key version: its key leaves the key file (the entry stays, marked destroyed). Refused while any
    /// wrapper in this vault still uses it. Whatever was wrapped only under it elsewhere, such as a backup made before
    /// the last rotation, can no longer be decrypted: that is how an erasure reaches old backups.
    public func retireMasterKey(version: Int) throws {
        try requireMaintenance()
        let (keyFile, keys) = try masterKeys()
        guard keyFile.masterKeys.contains(where: { $0.version == version }) else { throw KeyFileError.unknownVersion(version) }
        let users = try store.read { tx in
            try tx.wrappers().filter { $0.wrapperKind == KeyHierarchy.masterWrapper && $0.wrapperID == String(version) }.count
        }
        guard users == 0 else { throw VaultError.keyVersionInUse(version: version, wrappers: users) }
        let newFile = try keyFile.destroyingMasterKey(version: version, destroyedAt: timestamp())
        try audit(event("keys.retire", details: ["master_version": String(version), "destroyed": "true"]))
        try VaultSetup.writeKeyFile(newFile, paths: paths)
        self.keyFile = newFile
        hierarchy = KeyHierarchy(vaultID: info.vaultID, unlock: .keyFile(newFile, keys.destroying(version)))
    }

    /// The key file's master keys; a vault with identities has none (each case key is rotated on its own instead).
    func masterKeys() throws -> (KeyFile, UnlockedKeys) {
        guard let file = keyFile, let keys = hierarchy.keys else { throw VaultError.noMasterKeys }
        return (file, keys)
    }

    /// Rotates one case key: a new version, every document key of the case rewrapped under it and its
    /// sealed fields resealed (its details, and the people kept under the case key), and the old version destroyed,
    /// all in one transaction.
    public func rekeyCase(_ caseID: CaseID) throws -> Int {
        let caseID = caseID.rawValue
        let version = try guarded { try store.write { tx -> Int in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: record, in: tx)
            return try rotateCaseKey(caseID, in: tx)
        } }
        forgetCaseKeys(caseID)
        return version
    }

    /// The rotation inside the caller's transaction (a rekey, or an unassignment or transfer with identities): the new
    /// version is wrapped to whoever is entitled to the case at this point of the transaction.
    func rotateCaseKey(_ caseID: String, in tx: any VaultRecordWriting) throws -> Int {
        let created = timestamp()
        let scope = KeyHierarchy.caseScope(caseID)
        let versions = try tx.dataKeyVersions(scope: scope)
        let newVersion = (versions.last ?? 0) + 1
        let newKey = try SecureBytes.random(count: 32)
        let newFieldKey = try KeyHierarchy.fieldKey(newKey)
        try tx.insert(DataKeyRecord(scope: scope, version: newVersion, createdAt: created))
        try insertWrappers(of: newKey, scope: scope, version: newVersion, createdAt: created, in: tx)
        for var document in try tx.documents(caseID: caseID) {
            try rewrap(&document, from: try dataKey(scope: scope, version: document.caseKeyVersion, in: tx), to: newKey,
                       version: newVersion, fieldKey: newFieldKey)
            try tx.update(document)
        }
        try resealCaseRows(caseID, newKey: newKey, newVersion: newVersion, in: tx)
        try resealCaseDetails(caseID, newKey: newKey, newVersion: newVersion, in: tx)
        try resealCasePeople(caseID, newKey: newKey, newVersion: newVersion, in: tx)
        for old in versions { try tx.deleteDataKey(scope: scope, version: old) }
        try audit(event("case.rekey", caseID: caseID, details: ["case_key_version": String(newVersion)]), in: tx)
        return newVersion
    }

    /// Master key versions and how many data keys each still wraps.
    public func masterKeyUsage() throws -> [Int: Int] {
        try store.read { tx in
            var usage: [Int: Int] = [:]
            for wrapper in try tx.wrappers() where wrapper.wrapperKind == KeyHierarchy.masterWrapper {
                usage[Int(wrapper.wrapperID) ?? -1, default: 0] += 1
            }
            return usage
        }
    }

    /// Key rotation and retirement change the whole vault: an administrator's (or a manager's) job.
    func requireMaintenance() throws {
        try guarded { try store.read { tx in try require(.vaultMaintenance, roles: [.admin, .manager], in: tx) } }
    }
}
