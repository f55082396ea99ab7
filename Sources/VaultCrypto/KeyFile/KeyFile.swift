import Foundation

/// The vault's key file: master key versions, the audit key and the Ed25519 signing key, each stored raw or sealed
/// under a passphrase. JSON, so any reviewer can read it with standard tools; see SECURITY.md and keys.example.
///
/// The audit key is its own key, not derived from a master version, so retiring (destroying) any master version leaves
/// the audit log verifiable. Key files written before it existed get it on first open (`storingAuditKey`): its value
/// there is the one those vaults always used, HKDF of master key version 1.
///
/// Passphrase protection runs scrypt once per unlock (N = 2^17, r = 8, p = 1) and derives two keys from the
/// result with HKDF: one only to recognise a wrong passphrase (the check value), one to unseal the keys with
/// AES-256-GCM. The AAD of every sealed key binds the vault id, the key's kind and its version, so a sealed key
/// copied into another file or slot fails to open.
public struct KeyFile: Codable, Sendable, Equatable {
    public static let formatName = "casevault-keyfile"
    /// 2 added the stored audit key and destroyed master versions. A version-1 file (neither) is still read, and
    /// rewritten as version 2 when its audit key is stored; an older casevault refuses a version-2 file by name
    /// instead of deriving a wrong audit key from it.
    public static let currentFormatVersion = 2
    static let oldestReadableFormatVersion = 1
    /// Below this, a passphrase is too cheap to guess; a file asking for less was weakened and is refused.
    public static let minimumScryptLog2N = 17
    static let maximumScryptLog2N = 22

    public var format: String
    public var formatVersion: Int
    public var vaultID: String
    public var createdAt: String
    public var passphrase: PassphraseSettings?
    public var masterKeys: [SealedKey]
    public var signingKey: SealedKey
    /// Absent only in key files written before the audit key was stored (see `storingAuditKey`).
    public var auditKey: SealedKey?

    public struct PassphraseSettings: Codable, Sendable, Equatable {
        public var kdf: String
        public var salt: String
        public var log2N: Int
        public var r: Int
        public var p: Int
        /// HKDF of the scrypt output: tells a wrong passphrase from a damaged file.
        public var check: String

        enum CodingKeys: String, CodingKey {
            case kdf, salt, r, p, check
            case log2N = "log2_n"
        }

        enum Problem { case notScrypt, weakOrInvalid }

        /// What is wrong with settings read from a file (key file or identity file): another KDF, or parameters
        /// weaker than allowed (a file asking for less was weakened) or out of range.
        var problem: Problem? {
            guard kdf == "scrypt" else { return .notScrypt }
            guard log2N >= KeyFile.minimumScryptLog2N, log2N <= KeyFile.maximumScryptLog2N, (1...32).contains(r), (1...4).contains(p) else {
                return .weakOrInvalid
            }
            return nil
        }
    }

    /// Pretty, sorted JSON with a final newline: how key files and identity files are written.
    static func fileData(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    /// One key, raw (`key`) or sealed (`nonce` + `sealed_key`), with a check value over its plaintext.
    /// A destroyed master version keeps only its entry (version, dates, status): no key, no check value.
    public struct SealedKey: Codable, Sendable, Equatable {
        public var version: Int
        public var algorithm: String
        public var createdAt: String
        public var status: Status
        public var protection: Protection
        public var key: String?
        public var nonce: String?
        public var sealedKey: String?
        public var publicKey: String?
        public var check: String?
        public var destroyedAt: String?

        /// `retired` is read from older key files (the key kept); `keys retire` now destroys the version.
        public enum Status: String, Codable, Sendable { case active, retired, destroyed }
        public enum Protection: String, Codable, Sendable { case raw, passphrase }

        enum CodingKeys: String, CodingKey {
            case version, algorithm, status, protection, key, nonce, check
            case createdAt = "created_at"
            case sealedKey = "sealed_key"
            case publicKey = "public_key"
            case destroyedAt = "destroyed_at"
        }

        /// Whether any key material (raw, sealed or its check value) is left in the entry.
        var holdsKeyMaterial: Bool { key != nil || nonce != nil || sealedKey != nil || check != nil }
    }

    enum CodingKeys: String, CodingKey {
        case format, passphrase
        case formatVersion = "format_version"
        case vaultID = "vault_id"
        case createdAt = "created_at"
        case masterKeys = "master_keys"
        case signingKey = "signing_key"
        case auditKey = "audit_key"
    }

    enum KeyKind: String {
        case master = "master-key"
        case signing = "signing-key"
        case audit = "audit-key"
    }

    static let auditKeyAlgorithm = "hmac-sha256"

    // MARK: - Creating

    /// A new key file with master key version 1, an audit key and a signing key. `passphrase == nil` stores them raw.
    /// The audit key is random: the HKDF-of-version-1 value exists only so logs written before the audit key was
    /// stored keep verifying, and a new vault has no such log; a random key has no tie to any master version at all.
    public static func create(vaultID: String, passphrase: SecureBytes?, createdAt: String,
                              scrypt: Scrypt.Parameters = .passphrase) throws -> (KeyFile, UnlockedKeys) {
        let wrapping = try passphrase.map { try PassphraseWrapping.create(passphrase: $0, binding: .keyFile(vaultID: vaultID), parameters: scrypt) }
        let master = try SecureBytes.random(count: 32)
        let signing = try Ed25519.PrivateKey.generate()
        let audit = try SecureBytes.random(count: 32)
        let file = KeyFile(
            format: formatName, formatVersion: currentFormatVersion, vaultID: vaultID, createdAt: createdAt,
            passphrase: wrapping?.settings,
            masterKeys: [try seal(master, kind: .master, version: 1, algorithm: "aes-256", publicKey: nil,
                                  vaultID: vaultID, createdAt: createdAt, wrapping: wrapping)],
            signingKey: try seal(signing.seed, kind: .signing, version: 1, algorithm: "ed25519",
                                 publicKey: Data(signing.publicKey.rawRepresentation).base64EncodedString(),
                                 vaultID: vaultID, createdAt: createdAt, wrapping: wrapping),
            auditKey: try seal(audit, kind: .audit, version: 1, algorithm: auditKeyAlgorithm, publicKey: nil, vaultID: vaultID,
                               createdAt: createdAt, wrapping: wrapping)
        )
        let unlocked = UnlockedKeys(vaultID: vaultID, masterKeys: [1: master], retiredVersions: [], destroyedVersions: [],
                                    auditKey: audit, signingKey: signing, wrapping: wrapping)
        return (file, unlocked)
    }

    /// A copy with one more master key version, sealed the same way as the others.
    public func addingMasterKey(using keys: UnlockedKeys, createdAt: String) throws -> (KeyFile, UnlockedKeys) {
        guard keys.vaultID == vaultID else { throw KeyFileError.belongsToAnotherVault(keyFileVault: vaultID, expected: keys.vaultID) }
        let version = (masterKeys.map(\.version).max() ?? 0) + 1
        let master = try SecureBytes.random(count: 32)
        var file = self
        file.masterKeys.append(try Self.seal(master, kind: .master, version: version, algorithm: "aes-256", publicKey: nil,
                                             vaultID: vaultID, createdAt: createdAt, wrapping: keys.wrapping))
        var all = keys.masterKeys
        all[version] = master
        return (file, UnlockedKeys(vaultID: vaultID, masterKeys: all, retiredVersions: keys.retiredVersions,
                                   destroyedVersions: keys.destroyedVersions, auditKey: keys.auditKey,
                                   signingKey: keys.signingKey, wrapping: keys.wrapping))
    }

    /// A copy in which master key `version` is destroyed: its key and check value are gone, its entry stays (status
    /// `destroyed`) so the file still says what happened to it. The caller checks nothing still uses it. Refused while
    /// the audit key is not stored in the file yet, since an older file's audit key is derived from version 1.
    public func destroyingMasterKey(version: Int, destroyedAt: String) throws -> KeyFile {
        guard let index = masterKeys.firstIndex(where: { $0.version == version }) else { throw KeyFileError.unknownVersion(version) }
        guard masterKeys[index].status != .destroyed else { throw KeyFileError.alreadyDestroyed(version) }
        let active = masterKeys.filter { $0.status == .active }
        guard !(active.count == 1 && active[0].version == version) else { throw KeyFileError.lastActiveKey(version) }
        guard auditKey != nil else { throw KeyFileError.auditKeyNotStored }
        var file = self
        file.masterKeys[index].status = .destroyed
        file.masterKeys[index].key = nil
        file.masterKeys[index].nonce = nil
        file.masterKeys[index].sealedKey = nil
        file.masterKeys[index].check = nil
        file.masterKeys[index].destroyedAt = destroyedAt
        return file
    }

    /// A copy that stores the audit key these unlocked keys use, protected like the other keys (under the passphrase
    /// when the file has one). For a key file written before the audit key was stored: its value is the one derived
    /// from master key version 1 at unlock, so every existing audit MAC stays valid. The key's creation date is the
    /// file's, since that is when the value came into use.
    public func storingAuditKey(_ keys: UnlockedKeys) throws -> KeyFile {
        guard keys.vaultID == vaultID else { throw KeyFileError.belongsToAnotherVault(keyFileVault: vaultID, expected: keys.vaultID) }
        var file = self
        file.formatVersion = Self.currentFormatVersion
        file.auditKey = try Self.seal(keys.auditKey, kind: .audit, version: 1, algorithm: Self.auditKeyAlgorithm, publicKey: nil,
                                      vaultID: vaultID, createdAt: createdAt, wrapping: keys.wrapping)
        return file
    }

    /// The audit key of a vault whose key file predates the stored audit key: HKDF-Expand of master key version 1 with
    /// the label the audit chain always used. Computed once, when such a file is first opened.
    public static func legacyAuditKey(masterKeyVersion1 master: SecureBytes, vaultID: String) throws -> SecureBytes {
        try HKDF.expand(.sha256, pseudoRandomKey: master, info: Array("casevault/audit-key/v1".utf8) + [0] + Array(vaultID.utf8),
                        outputCount: 32)
    }

    // MARK: - Reading

    public static func decode(_ data: Data) throws -> KeyFile {
        guard !data.isEmpty else { throw KeyFileError.empty }
        let file: KeyFile
        do {
            file = try JSONDecoder().decode(KeyFile.self, from: data)
        } catch DecodingError.dataCorrupted {
            throw KeyFileError.notJSON
        } catch let DecodingError.keyNotFound(key, context) {
            throw KeyFileError.malformed(field: (context.codingPath + [key]).map(\.stringValue).joined(separator: "."))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw KeyFileError.malformed(field: context.codingPath.map(\.stringValue).joined(separator: "."))
        } catch {
            throw KeyFileError.notJSON
        }
        guard file.format == formatName else { throw KeyFileError.malformed(field: "format") }
        guard (oldestReadableFormatVersion...currentFormatVersion).contains(file.formatVersion) else {
            throw KeyFileError.unsupportedFormatVersion(file.formatVersion)
        }
        if file.formatVersion == 1 {
            guard file.auditKey == nil, !file.masterKeys.contains(where: { $0.status == .destroyed }) else {
                throw KeyFileError.malformed(field: "format_version")
            }
        } else if file.auditKey == nil {
            throw KeyFileError.malformed(field: "audit_key")
        }
        guard !file.masterKeys.isEmpty, Set(file.masterKeys.map(\.version)).count == file.masterKeys.count,
              file.masterKeys.allSatisfy({ $0.version > 0 }) else {
            throw KeyFileError.malformed(field: "master_keys")
        }
        // A destroyed version must hold nothing; any other key must have its check value.
        for entry in file.masterKeys {
            guard entry.status == .destroyed ? !entry.holdsKeyMaterial : entry.check != nil else {
                throw KeyFileError.malformed(field: "master_keys.\(entry.version)")
            }
        }
        guard file.signingKey.status == .active, file.signingKey.check != nil else { throw KeyFileError.malformed(field: "signing_key") }
        if let audit = file.auditKey {
            guard audit.status == .active, audit.version == 1, audit.check != nil else { throw KeyFileError.malformed(field: "audit_key") }
        }
        switch file.passphrase?.problem {
        case .notScrypt?: throw KeyFileError.malformed(field: "passphrase.kdf")
        case .weakOrInvalid?: throw KeyFileError.weakOrInvalidKDFParameters
        case nil: return file
        }
    }

    public func encoded() throws -> Data { try Self.fileData(self) }

    public var needsPassphrase: Bool {
        passphrase != nil && (masterKeys.contains { $0.status != .destroyed && $0.protection == .passphrase }
            || signingKey.protection == .passphrase || auditKey?.protection == .passphrase)
    }

    /// Opens every key. Wrong passphrase and damaged file are distinct errors, and neither says anything
    /// about the keys themselves.
    public func unlock(passphrase: SecureBytes?) throws -> UnlockedKeys {
        var wrapping: PassphraseWrapping?
        if needsPassphrase {
            guard let passphrase, let settings = self.passphrase else { throw KeyFileError.passphraseRequired }
            wrapping = try PassphraseWrapping.open(settings: settings, passphrase: passphrase, binding: .keyFile(vaultID: vaultID))
        }
        var masters: [Int: SecureBytes] = [:]
        for entry in masterKeys where entry.status != .destroyed {
            masters[entry.version] = try Self.open(entry, kind: .master, vaultID: vaultID, wrapping: wrapping, expectedSize: 32)
        }
        let audit: SecureBytes
        if let stored = auditKey {
            audit = try Self.open(stored, kind: .audit, vaultID: vaultID, wrapping: wrapping, expectedSize: 32)
        } else if let version1 = masters[1] {
            audit = try Self.legacyAuditKey(masterKeyVersion1: version1, vaultID: vaultID)
        } else {
            throw KeyFileError.auditKeyMissing
        }
        let seed = try Self.open(signingKey, kind: .signing, vaultID: vaultID, wrapping: wrapping, expectedSize: Ed25519.seedSize)
        let signing = try Ed25519.PrivateKey(seed: seed)
        if let stored = signingKey.publicKey, Data(base64Encoded: stored) != Data(signing.publicKey.rawRepresentation) {
            throw KeyFileError.damaged(what: "signing key public half")
        }
        return UnlockedKeys(vaultID: vaultID, masterKeys: masters,
                            retiredVersions: Set(masterKeys.filter { $0.status == .retired }.map(\.version)),
                            destroyedVersions: Set(masterKeys.filter { $0.status == .destroyed }.map(\.version)),
                            auditKey: audit, signingKey: signing, wrapping: wrapping)
    }
}
