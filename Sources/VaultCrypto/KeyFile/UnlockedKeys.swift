import Foundation

/// The keys of an unlocked key file, held in wiped-on-release memory.
public struct UnlockedKeys: Sendable, CustomStringConvertible {
    public let vaultID: String
    public let masterKeys: [Int: SecureBytes]
    /// Retired in an older key file: kept, but no longer current.
    public let retiredVersions: Set<Int>
    /// Destroyed by `keys retire`: listed in the file, their keys gone.
    public let destroyedVersions: Set<Int>
    /// Keys the audit chain's MACs (never a master version, so it survives any retirement).
    public let auditKey: SecureBytes
    public let signingKey: Ed25519.PrivateKey
    let wrapping: PassphraseWrapping?

    /// The newest active master key version: the one new case keys are wrapped under.
    public var currentMasterVersion: Int {
        masterKeys.keys.filter { !retiredVersions.contains($0) }.max() ?? masterKeys.keys.max() ?? 0
    }

    public func masterKey(version: Int) throws -> SecureBytes {
        guard let key = masterKeys[version] else {
            throw destroyedVersions.contains(version) ? KeyFileError.destroyedVersion(version) : KeyFileError.unknownVersion(version)
        }
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

    /// The same keys without master version `version` (after `destroyingMasterKey`): its key is dropped here too, and
    /// its buffer wiped once no other copy of these keys holds it.
    public func destroying(_ version: Int) -> UnlockedKeys {
        var remaining = masterKeys
        remaining[version] = nil
        return UnlockedKeys(vaultID: vaultID, masterKeys: remaining, retiredVersions: retiredVersions.subtracting([version]),
                            destroyedVersions: destroyedVersions.union([version]), auditKey: auditKey, signingKey: signingKey,
                            wrapping: wrapping)
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
    /// The version was destroyed by `keys retire`: what only it wrapped can no longer be opened.
    case destroyedVersion(Int)
    case alreadyDestroyed(Int)
    /// A key file without a stored audit key whose master key version 1 is gone: the audit key cannot be recovered.
    case auditKeyMissing
    /// Destroying a version before the audit key is stored could destroy the audit key with it.
    case auditKeyNotStored

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
        case .destroyedVersion(let v):
            "master key version \(v) was destroyed when it was retired: what was wrapped only under it cannot be decrypted any more"
        case .alreadyDestroyed(let v): "master key version \(v) was already destroyed; nothing was changed"
        case .auditKeyMissing:
            "the key file has no audit key and its master key version 1 is gone, so the audit log's key cannot be recovered"
        case .auditKeyNotStored: "the key file does not store its audit key yet; open the vault once so it is added, then retire"
        }
    }
}
