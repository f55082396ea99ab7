import Foundation
import VaultCrypto

/// The vault's key hierarchy below the master keys (SECURITY.md, "Key hierarchy"):
/// master key → data keys (the vault metadata key, case keys) → document keys → Cobblestone bodies.
/// Every sealed value's AAD names exactly where it belongs, so moving it elsewhere makes it fail.
public struct KeyHierarchy: Sendable {
    public let vaultID: String
    public let unlock: VaultUnlock

    public init(vaultID: String, unlock: VaultUnlock) {
        self.vaultID = vaultID
        self.unlock = unlock
    }

    /// The master keys of a key-file vault (an earlier release's); nil with identities.
    public var keys: UnlockedKeys? { unlock.keys }

    public static let vaultScope = "vault"
    /// With identities, the audit MAC key and the vault signing key's seed are data keys of their own.
    static let auditScope = "vault-audit"
    static let signingScope = "vault-signing"
    /// The keys every account holds with identities.
    static let memberScopes = [vaultScope, auditScope, signingScope]
    public static func caseScope(_ caseID: String) -> String { "case:" + caseID }
    /// The case a scope belongs to, if it is a case key's.
    static func caseID(ofScope scope: String) -> String? { scope.hasPrefix("case:") ? String(scope.dropFirst(5)) : nil }
    /// An organisation's directory key: the people its advocates registered are sealed under it (Vault+DirectoryKeys).
    public static func organisationScope(_ organisationID: String) -> String { "org:" + organisationID }
    /// The organisation a scope belongs to, if it is a directory key's.
    static func organisationID(ofScope scope: String) -> String? { scope.hasPrefix("org:") ? String(scope.dropFirst(4)) : nil }
    static let masterWrapper = "master"

    static func join(_ parts: String...) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(parts.count) { $0 + $1.utf8.count })
        for (index, part) in parts.enumerated() {
            if index > 0 { out.append(0) }
            out.append(contentsOf: part.utf8)
        }
        return out
    }

    // MARK: Data keys

    func dataKeyAAD(scope: String, version: Int, masterVersion: Int) -> [UInt8] {
        Self.join("casevault/data-key/v1", vaultID, scope, String(version), String(masterVersion))
    }

    /// Seals a data key under the current master key version.
    func wrap(_ dataKey: SecureBytes, scope: String, version: Int, createdAt: String) throws -> KeyWrapperRecord {
        guard let keys else { throw VaultError.keyUnavailable }
        let master = keys.currentMasterVersion
        let box = try AESGCM.seal(dataKey, key: try keys.masterKey(version: master),
                                  authenticating: dataKeyAAD(scope: scope, version: version, masterVersion: master))
        return KeyWrapperRecord(scope: scope, version: version, wrapperKind: Self.masterWrapper, wrapperID: String(master),
                                sealed: Data(box.combined), createdAt: createdAt)
    }

    /// Opens the wrapper this process's keys can open: a master-key wrapper with a key file, the acting identity's own
    /// wrapper with identities.
    func unwrap(_ wrappers: [KeyWrapperRecord]) throws -> SecureBytes {
        switch unlock {
        case .keyFile(_, let keys): try unwrapMaster(wrappers, keys: keys)
        case .identity(_, let identity), .session(let identity): try unwrapOwn(wrappers, identity: identity)
        }
    }

    private func unwrapMaster(_ wrappers: [KeyWrapperRecord], keys: UnlockedKeys) throws -> SecureBytes {
        guard let wrapper = wrappers.first(where: { $0.wrapperKind == Self.masterWrapper && keys.masterKeys[Int($0.wrapperID) ?? -1] != nil })
        else {
            let versions = wrappers.filter { $0.wrapperKind == Self.masterWrapper }.compactMap { Int($0.wrapperID) }
            if !versions.isEmpty, versions.allSatisfy(keys.destroyedVersions.contains) {
                throw VaultError.keyDestroyed(scope: wrappers[0].scope, masterVersions: Array(Set(versions)).sorted())
            }
            throw VaultError.keyUnavailable
        }
        let master = Int(wrapper.wrapperID) ?? -1
        do {
            return try AESGCM.openSecret(try AESGCM.SealedBox(combined: Array(wrapper.sealed)), key: try keys.masterKey(version: master),
                                         authenticating: dataKeyAAD(scope: wrapper.scope, version: wrapper.version, masterVersion: master))
        } catch {
            throw VaultError.damagedKey(scope: wrapper.scope, version: wrapper.version)
        }
    }

    // MARK: Document keys

    static func documentKeyAAD(documentID: String, caseID: String, caseKeyVersion: Int) -> [UInt8] {
        join("casevault/document-key/v1", documentID, caseID, String(caseKeyVersion))
    }

    func wrapDocumentKey(_ key: SecureBytes, documentID: String, caseID: String, caseKey: SecureBytes, caseKeyVersion: Int) throws -> Data {
        Data(try AESGCM.seal(key, key: caseKey, authenticating: Self.documentKeyAAD(documentID: documentID, caseID: caseID,
                                                                                      caseKeyVersion: caseKeyVersion)).combined)
    }

    func unwrapDocumentKey(_ document: DocumentRecord, caseKey: SecureBytes) throws -> SecureBytes {
        do {
            return try AESGCM.openSecret(try AESGCM.SealedBox(combined: Array(document.wrappedKey)), key: caseKey,
                                         authenticating: Self.documentKeyAAD(documentID: document.id, caseID: document.caseID,
                                                                             caseKeyVersion: document.caseKeyVersion))
        } catch {
            throw VaultError.damagedDocumentKey(documentID: document.id)
        }
    }

    /// Binds a blob to this vault and document: a blob moved under another id fails its commitment.
    func documentContext(documentID: String) -> [UInt8] {
        Self.join("casevault/document/v1", vaultID, documentID)
    }

    // MARK: Fields and lookups

    static func fieldKey(_ dataKey: SecureBytes) throws -> SecureBytes {
        try HKDF.expand(.sha256, pseudoRandomKey: dataKey, info: Array("casevault/field-key/v1".utf8), outputCount: 32)
    }

    /// `binding` adds clear columns of the same row to the AAD, so editing them breaks this field.
    static func fieldAAD(table: String, column: String, rowID: String, binding: [UInt8] = []) -> [UInt8] {
        join("casevault/field/v1", table, column, rowID) + (binding.isEmpty ? [] : [0] + binding)
    }

    static func seal(_ value: [UInt8], fieldKey: SecureBytes, table: String, column: String, rowID: String, binding: [UInt8] = []) throws -> Data {
        Data(try AESGCM.seal(value, key: fieldKey, authenticating: fieldAAD(table: table, column: column, rowID: rowID, binding: binding)).combined)
    }

    /// Opens with a cipher context already keyed for this field key (listings open one field per row).
    static func open(_ sealed: Data, opener: AESGCM.Opener, table: String, column: String, rowID: String, binding: [UInt8] = []) throws -> [UInt8] {
        do {
            let aad = fieldAAD(table: table, column: column, rowID: rowID, binding: binding)
            return try sealed.withUnsafeBytes { box in try aad.withUnsafeBytes { try opener.open(combined: box, authenticating: $0) } }
        } catch {
            throw VaultError.damagedField(table: table, column: column, rowID: rowID)
        }
    }

    static func open(_ sealed: Data, fieldKey: SecureBytes, table: String, column: String, rowID: String, binding: [UInt8] = []) throws -> [UInt8] {
        do {
            return try AESGCM.open(try AESGCM.SealedBox(combined: Array(sealed)), key: fieldKey,
                                   authenticating: fieldAAD(table: table, column: column, rowID: rowID, binding: binding))
        } catch {
            throw VaultError.damagedField(table: table, column: column, rowID: rowID)
        }
    }

    /// A blind index (as CipherSweet does): HMAC-SHA-256 under a per-field key, truncated to 16 bytes.
    static func blindIndex(_ normalised: String, field: String, metadataKey: SecureBytes) throws -> Data {
        let key = try HKDF.expand(.sha256, pseudoRandomKey: metadataKey, info: join("casevault/blind-index/v1", field), outputCount: 32)
        return Data(try HMACSHA256.authenticationCode(for: Array(normalised.utf8), key: key).prefix(16))
    }

    /// The per-case key for duplicate detection: HMAC of the plaintext, comparable only within one case.
    static func contentMACKey(metadataKey: SecureBytes, caseID: String) throws -> SecureBytes {
        try HKDF.expand(.sha256, pseudoRandomKey: metadataKey, info: join("casevault/content-mac/v1", caseID), outputCount: 32)
    }
}

extension DocumentRecord {
    /// The clear columns a document's sealed name is bound to: editing the case, kind, media type, sizes,
    /// dates, who ingested it or the ciphertext hash makes the name fail to open, so `verify` reports it.
    var clearFieldsBinding: [UInt8] { clearFieldsBinding(ciphertextHex: ciphertextSHA256.hexString) }

    /// The same, with the ciphertext hash's hex already made (a listing shows it too).
    func clearFieldsBinding(ciphertextHex: String) -> [UInt8] {
        KeyHierarchy.join(caseID, kind, mediaType, String(size), documentDate ?? "-", documentDateSource, ingestedAt, ingestedBy ?? "-",
                          String(ciphertextSize), ciphertextHex, contentMAC.base64EncodedString())
    }
}

/// Normalisation for blind indexes: the same person typed differently must index the same.
public enum Normalise {
    public static func nhsNumber(_ text: String) -> String { text.filter(\.isNumber) }

    public static func name(_ text: String) -> String {
        text.lowercased().unicodeScalars.map { CharacterSet.letters.contains($0) ? String($0) : " " }.joined()
            .split(separator: " ").joined(separator: " ")
    }
}
