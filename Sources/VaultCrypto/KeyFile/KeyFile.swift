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

    // MARK: - Sealing one key

    static func aad(kind: KeyKind, vaultID: String, version: Int) -> [UInt8] {
        Array("casevault/keyfile/v1/\(kind.rawValue)".utf8) + [0] + Array(vaultID.utf8) + [0] + Array(String(version).utf8)
    }

    static func checkValue(of key: SecureBytes, kind: KeyKind, vaultID: String, version: Int) throws -> String {
        let info = Array("casevault/keyfile/v1/key-check".utf8) + [0] + aad(kind: kind, vaultID: vaultID, version: version)
        let check = try HKDF.expand(.sha256, pseudoRandomKey: key, info: info, outputCount: 16)
        return Data(check.unsafeCopyToArray()).base64EncodedString()
    }

    static func seal(_ key: SecureBytes, kind: KeyKind, version: Int, algorithm: String, publicKey: String?, vaultID: String,
                     createdAt: String, wrapping: PassphraseWrapping?) throws -> SealedKey {
        var entry = SealedKey(version: version, algorithm: algorithm, createdAt: createdAt, status: .active,
                              protection: wrapping == nil ? .raw : .passphrase, key: nil, nonce: nil, sealedKey: nil,
                              publicKey: publicKey, check: try checkValue(of: key, kind: kind, vaultID: vaultID, version: version))
        if let wrapping {
            let box = try AESGCM.seal(key, key: wrapping.wrappingKey, authenticating: aad(kind: kind, vaultID: vaultID, version: version))
            entry.nonce = Data(box.nonce).base64EncodedString()
            entry.sealedKey = Data(box.ciphertext + box.tag).base64EncodedString()
        } else {
            var raw = key.unsafeCopyToArray()
            defer { secureZero(&raw) }
            entry.key = Data(raw).base64EncodedString()
        }
        return entry
    }

    static func open(_ entry: SealedKey, kind: KeyKind, vaultID: String, wrapping: PassphraseWrapping?, expectedSize: Int) throws -> SecureBytes {
        let name = kind == .master ? "master key version \(entry.version)" : "signing key"
        let key: SecureBytes
        switch entry.protection {
        case .raw:
            guard let encoded = entry.key, var raw = Data(base64Encoded: encoded).map(Array.init) else {
                throw KeyFileError.damaged(what: name)
            }
            defer { secureZero(&raw) }
            key = SecureBytes(copying: raw)
        case .passphrase:
            guard let wrapping else { throw KeyFileError.passphraseRequired }
            guard let nonce = entry.nonce.flatMap({ Data(base64Encoded: $0) }),
                  let sealed = entry.sealedKey.flatMap({ Data(base64Encoded: $0) }), sealed.count >= AESGCM.tagSize else {
                throw KeyFileError.damaged(what: name)
            }
            let box = AESGCM.SealedBox(nonce: Array(nonce), ciphertext: Array(sealed.dropLast(AESGCM.tagSize)),
                                       tag: Array(sealed.suffix(AESGCM.tagSize)))
            do {
                key = try AESGCM.openSecret(box, key: wrapping.wrappingKey, authenticating: aad(kind: kind, vaultID: vaultID, version: entry.version))
            } catch {
                throw KeyFileError.damaged(what: name)
            }
        }
        guard key.count == expectedSize else { throw KeyFileError.damaged(what: name) }
        let expected = try checkValue(of: key, kind: kind, vaultID: vaultID, version: entry.version)
        guard constantTimeEquals(Array(expected.utf8), Array(entry.check.utf8)) else { throw KeyFileError.damaged(what: name) }
        return key
    }
}

/// The passphrase-derived keys, kept while the file is unlocked so a rotation can seal a new version
/// without running scrypt again.
struct PassphraseWrapping: Sendable {
    let settings: KeyFile.PassphraseSettings
    let wrappingKey: SecureBytes

    static func derive(passphrase: SecureBytes, salt: [UInt8], parameters: Scrypt.Parameters, vaultID: String)
        throws -> (check: [UInt8], wrappingKey: SecureBytes) {
        let stretched = try Scrypt.deriveKey(passphrase: passphrase, salt: salt, parameters: parameters, outputCount: 32)
        let label = { (purpose: String) in Array("casevault/keyfile/v1/passphrase-\(purpose)".utf8) + [0] + Array(vaultID.utf8) }
        let check = try HKDF.expand(.sha256, pseudoRandomKey: stretched, info: label("check"), outputCount: 32).unsafeCopyToArray()
        let wrappingKey = try HKDF.expand(.sha256, pseudoRandomKey: stretched, info: label("wrap"), outputCount: 32)
        return (check, wrappingKey)
    }

    static func create(passphrase: SecureBytes, vaultID: String, parameters: Scrypt.Parameters) throws -> PassphraseWrapping {
        let salt = try SystemRandom.bytes(count: 16)
        let derived = try derive(passphrase: passphrase, salt: salt, parameters: parameters, vaultID: vaultID)
        let settings = KeyFile.PassphraseSettings(kdf: "scrypt", salt: Data(salt).base64EncodedString(), log2N: parameters.log2N,
                                                  r: parameters.r, p: parameters.p, check: Data(derived.check).base64EncodedString())
        return PassphraseWrapping(settings: settings, wrappingKey: derived.wrappingKey)
    }

    static func open(settings: KeyFile.PassphraseSettings, passphrase: SecureBytes, vaultID: String) throws -> PassphraseWrapping {
        guard let salt = Data(base64Encoded: settings.salt), let stored = Data(base64Encoded: settings.check) else {
            throw KeyFileError.malformed(field: "passphrase")
        }
        let derived = try derive(passphrase: passphrase, salt: Array(salt),
                                 parameters: .init(log2N: settings.log2N, r: settings.r, p: settings.p), vaultID: vaultID)
        guard constantTimeEquals(derived.check, Array(stored)) else { throw KeyFileError.wrongPassphrase }
        return PassphraseWrapping(settings: settings, wrappingKey: derived.wrappingKey)
    }
}

/// The keys of an unlocked key file, held in wiped-on-release memory.
public struct UnlockedKeys: Sendable, CustomStringConvertible {
    public let vaultID: String
    public let masterKeys: [Int: SecureBytes]
    public let retiredVersions: Set<Int>
    public let signingKey: Ed25519.PrivateKey
    let wrapping: PassphraseWrapping?

    /// The newest active master key version: the one new case keys are wrapped under.
    public var currentMasterVersion: Int {
        masterKeys.keys.filter { !retiredVersions.contains($0) }.max() ?? masterKeys.keys.max() ?? 0
    }

    public func masterKey(version: Int) throws -> SecureBytes {
        guard let key = masterKeys[version] else { throw KeyFileError.unknownVersion(version) }
        return key
    }

    /// A short, non-secret identifier of a master key version (HKDF of the key; reveals nothing about it).
    public func fingerprint(ofMasterVersion version: Int) throws -> String {
        let info = Array("casevault/keyfile/v1/fingerprint".utf8) + [0] + Array(vaultID.utf8) + [0] + Array(String(version).utf8)
        let bytes = try HKDF.expand(.sha256, pseudoRandomKey: try masterKey(version: version), info: info, outputCount: 8)
        return Self.formatFingerprint(bytes.unsafeCopyToArray())
    }

    public var signingKeyFingerprint: String {
        get throws { Self.formatFingerprint(Array(try HashFunction.sha256.hash(signingKey.publicKey.rawRepresentation).prefix(8))) }
    }

    public static func formatFingerprint(_ bytes: [UInt8]) -> String {
        stride(from: 0, to: bytes.count, by: 2).map { i in
            bytes[i..<min(i + 2, bytes.count)].hexString
        }.joined(separator: ":")
    }

    /// The same keys with a new set of retired versions (after `retiringMasterKey`).
    public func withRetired(_ retired: Set<Int>) -> UnlockedKeys {
        UnlockedKeys(vaultID: vaultID, masterKeys: masterKeys, retiredVersions: retired, signingKey: signingKey, wrapping: wrapping)
    }

    public var description: String { "UnlockedKeys(vault: \(vaultID), versions: \(masterKeys.keys.sorted()), <redacted>)" }
}

/// Why a key file could not be read or unlocked. Never carries key material.
public enum KeyFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case notJSON
    case malformed(field: String)
    case unsupportedFormatVersion(Int)
    case weakOrInvalidKDFParameters
    case passphraseRequired
    case wrongPassphrase
    case damaged(what: String)
    case belongsToAnotherVault(keyFileVault: String, expected: String)
    /// The ids agree but the key file was made with another vault: its vault id was changed by hand.
    case madeForAnotherVault(keyFileCreated: String, vaultCreated: String)
    case unknownVersion(Int)
    case lastActiveKey(Int)

    public var description: String {
        switch self {
        case .empty: "the key file is empty"
        case .notJSON: "the key file is truncated or is not a casevault key file (not valid JSON)"
        case .malformed(let field): "the key file is damaged: field '\(field)' is missing or invalid"
        case .unsupportedFormatVersion(let v): "the key file has format version \(v), which this casevault does not understand"
        case .weakOrInvalidKDFParameters: "the key file's scrypt parameters are weaker than allowed (N ≥ 2^17) or invalid"
        case .passphraseRequired: "the key file is protected by a passphrase, and none was given"
        case .wrongPassphrase: "wrong passphrase"
        case .damaged(let what): "the key file is damaged: the \(what) does not match its check value"
        case .belongsToAnotherVault(let keyFileVault, let expected):
            "the key file belongs to another vault (key file vault id \(keyFileVault), this vault \(expected))"
        case .madeForAnotherVault(let keyFileCreated, let vaultCreated):
            "the key file is not this vault's: it carries this vault's id, but it was made on \(keyFileCreated) and this vault on \(vaultCreated) (its vault id was edited; the passphrase was not the problem)"
        case .unknownVersion(let v): "master key version \(v) is not in the key file"
        case .lastActiveKey(let v): "master key version \(v) is the only active version and cannot be retired"
        }
    }
}
