import Foundation

/// The vault's key file: master key versions and the Ed25519 signing key, each stored raw or sealed under a
/// passphrase. JSON, so any reviewer can read it with standard tools; see SECURITY.md and keys.example.
///
/// Passphrase protection runs scrypt once per unlock (N = 2^17, r = 8, p = 1) and derives two keys from the
/// result with HKDF: one only to recognise a wrong passphrase (the check value), one to unseal the keys with
/// AES-256-GCM. The AAD of every sealed key binds the vault id, the key's kind and its version, so a sealed key
/// copied into another file or slot fails to open.
public struct KeyFile: Codable, Sendable, Equatable {
    public static let formatName = "casevault-keyfile"
    public static let currentFormatVersion = 1
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
    }

    /// One key, raw (`key`) or sealed (`nonce` + `sealed_key`), with a check value over its plaintext.
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
        public var check: String

        public enum Status: String, Codable, Sendable { case active, retired }
        public enum Protection: String, Codable, Sendable { case raw, passphrase }

        enum CodingKeys: String, CodingKey {
            case version, algorithm, status, protection, key, nonce, check
            case createdAt = "created_at"
            case sealedKey = "sealed_key"
            case publicKey = "public_key"
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, passphrase
        case formatVersion = "format_version"
        case vaultID = "vault_id"
        case createdAt = "created_at"
        case masterKeys = "master_keys"
        case signingKey = "signing_key"
    }

    enum KeyKind: String {
        case master = "master-key"
        case signing = "signing-key"
    }

    // MARK: - Creating

    /// A new key file with master key version 1 and a signing key. `passphrase == nil` stores them raw.
    public static func create(vaultID: String, passphrase: SecureBytes?, createdAt: String,
                              scrypt: Scrypt.Parameters = .passphrase) throws -> (KeyFile, UnlockedKeys) {
        let wrapping = try passphrase.map { try PassphraseWrapping.create(passphrase: $0, vaultID: vaultID, parameters: scrypt) }
        let master = try SecureBytes.random(count: 32)
        let signing = try Ed25519.PrivateKey.generate()
        let file = KeyFile(
            format: formatName, formatVersion: currentFormatVersion, vaultID: vaultID, createdAt: createdAt,
            passphrase: wrapping?.settings,
            masterKeys: [try seal(master, kind: .master, version: 1, algorithm: "aes-256", publicKey: nil,
                                  vaultID: vaultID, createdAt: createdAt, wrapping: wrapping)],
            signingKey: try seal(signing.seed, kind: .signing, version: 1, algorithm: "ed25519",
                                 publicKey: Data(signing.publicKey.rawRepresentation).base64EncodedString(),
                                 vaultID: vaultID, createdAt: createdAt, wrapping: wrapping)
        )
        let unlocked = UnlockedKeys(vaultID: vaultID, masterKeys: [1: master], retiredVersions: [], signingKey: signing,
                                    wrapping: wrapping)
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
                                   signingKey: keys.signingKey, wrapping: keys.wrapping))
    }

    /// A copy with `version` marked retired. The caller checks nothing still uses it.
    public func retiringMasterKey(version: Int) throws -> KeyFile {
        guard let index = masterKeys.firstIndex(where: { $0.version == version }) else { throw KeyFileError.unknownVersion(version) }
        let active = masterKeys.filter { $0.status == .active }
        guard !(active.count == 1 && active[0].version == version) else { throw KeyFileError.lastActiveKey(version) }
        var file = self
        file.masterKeys[index].status = .retired
        return file
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
        guard file.formatVersion == currentFormatVersion else { throw KeyFileError.unsupportedFormatVersion(file.formatVersion) }
        guard !file.masterKeys.isEmpty, Set(file.masterKeys.map(\.version)).count == file.masterKeys.count,
              file.masterKeys.allSatisfy({ $0.version > 0 }) else {
            throw KeyFileError.malformed(field: "master_keys")
        }
        if let settings = file.passphrase {
            guard settings.kdf == "scrypt" else { throw KeyFileError.malformed(field: "passphrase.kdf") }
            guard settings.log2N >= minimumScryptLog2N, settings.log2N <= maximumScryptLog2N,
                  (1...32).contains(settings.r), (1...4).contains(settings.p) else {
                throw KeyFileError.weakOrInvalidKDFParameters
            }
        }
        return file
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    public var needsPassphrase: Bool {
        passphrase != nil && (masterKeys.contains { $0.protection == .passphrase } || signingKey.protection == .passphrase)
    }

    /// Opens every key. Wrong passphrase and damaged file are distinct errors, and neither says anything
    /// about the keys themselves.
    public func unlock(passphrase: SecureBytes?) throws -> UnlockedKeys {
        var wrapping: PassphraseWrapping?
        if needsPassphrase {
            guard let passphrase, let settings = self.passphrase else { throw KeyFileError.passphraseRequired }
            wrapping = try PassphraseWrapping.open(settings: settings, passphrase: passphrase, vaultID: vaultID)
        }
        var masters: [Int: SecureBytes] = [:]
        for entry in masterKeys {
            masters[entry.version] = try Self.open(entry, kind: .master, vaultID: vaultID, wrapping: wrapping, expectedSize: 32)
        }
        let seed = try Self.open(signingKey, kind: .signing, vaultID: vaultID, wrapping: wrapping, expectedSize: Ed25519.seedSize)
        let signing = try Ed25519.PrivateKey(seed: seed)
        if let stored = signingKey.publicKey, Data(base64Encoded: stored) != Data(signing.publicKey.rawRepresentation) {
            throw KeyFileError.damaged(what: "signing key public half")
        }
        return UnlockedKeys(vaultID: vaultID, masterKeys: masters,
                            retiredVersions: Set(masterKeys.filter { $0.status == .retired }.map(\.version)),
                            signingKey: signing, wrapping: wrapping)
    }
}
