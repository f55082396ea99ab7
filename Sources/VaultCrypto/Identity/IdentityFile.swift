import Foundation

/// One person's identity in one vault: an X25519 key pair (case and directory keys are wrapped to its public half,
/// see `RecipientWrap`) and an Ed25519 key pair (signs what they do), in their own file under their own passphrase.
/// JSON like the key file, so a reviewer can read it with standard tools; see keys.example and SECURITY.md.
///
/// Each private key is one `KeyFile.SealedKey` entry (raw, or AES-256-GCM under the scrypt-derived key); its AAD
/// names the vault, the account and the slot, and the passphrase labels name the vault and the account, so neither an
/// entry nor a whole file can be passed off as another person's.
public struct IdentityFile: Codable, Sendable, Equatable {
    public static let formatName = "casevault-identity"
    public static let currentFormatVersion = 1

    public var format: String
    public var formatVersion: Int
    public var vaultID: String
    public var accountID: String
    public var createdAt: String
    public var passphrase: KeyFile.PassphraseSettings?
    public var agreementKey: KeyFile.SealedKey
    public var signingKey: KeyFile.SealedKey

    enum CodingKeys: String, CodingKey {
        case format, passphrase
        case formatVersion = "format_version"
        case vaultID = "vault_id"
        case accountID = "account_id"
        case createdAt = "created_at"
        case agreementKey = "agreement_key"
        case signingKey = "signing_key"
    }

    enum Slot: String {
        case agreement = "agreement-key"
        case signing = "signing-key"
    }

    static func aad(_ slot: Slot, vaultID: String, accountID: String) -> [UInt8] {
        Array("casevault/identity/v1/\(slot.rawValue)".utf8) + [0] + Array(vaultID.utf8) + [0] + Array(accountID.utf8)
    }

    /// The public halves, which the vault stores beside the account so others can wrap keys to it and check its signatures.
    public var agreementPublicKey: X25519.PublicKey {
        get throws { try X25519.PublicKey(rawRepresentation: try Self.publicBytes(agreementKey, field: "agreement_key")) }
    }

    public var signingPublicKey: Ed25519.PublicKey {
        get throws { try Ed25519.PublicKey(rawRepresentation: try Self.publicBytes(signingKey, field: "signing_key")) }
    }

    static func publicBytes(_ entry: KeyFile.SealedKey, field: String) throws -> [UInt8] {
        guard let encoded = entry.publicKey, let bytes = Data(base64Encoded: encoded) else { throw IdentityFileError.malformed(field: field) }
        return Array(bytes)
    }

    // MARK: - Creating

    /// A new identity with fresh key pairs; `passphrase == nil` stores them raw (for scripts; anyone who reads the file is them).
    public static func create(vaultID: String, accountID: String, passphrase: SecureBytes?, createdAt: String,
                              scrypt: Scrypt.Parameters = .passphrase) throws -> (IdentityFile, UnlockedIdentity) {
        let agreement = try X25519.PrivateKey.generate()
        let signing = try Ed25519.PrivateKey.generate()
        let file = try sealed(vaultID: vaultID, accountID: accountID, createdAt: createdAt, agreement: agreement, signing: signing,
                              passphrase: passphrase, scrypt: scrypt)
        return (file, UnlockedIdentity(vaultID: vaultID, accountID: accountID, agreementKey: agreement, signingKey: signing))
    }

    /// The same keys under a new passphrase (or none): what `passwd` writes.
    public func changingPassphrase(_ identity: UnlockedIdentity, to passphrase: SecureBytes?,
                                   scrypt: Scrypt.Parameters = .passphrase) throws -> IdentityFile {
        guard identity.vaultID == vaultID, identity.accountID == accountID else { throw IdentityFileError.notThisIdentity }
        return try Self.sealed(vaultID: vaultID, accountID: accountID, createdAt: createdAt, agreement: identity.agreementKey,
                               signing: identity.signingKey, passphrase: passphrase, scrypt: scrypt)
    }

    static func sealed(vaultID: String, accountID: String, createdAt: String, agreement: X25519.PrivateKey, signing: Ed25519.PrivateKey,
                       passphrase: SecureBytes?, scrypt: Scrypt.Parameters) throws -> IdentityFile {
        let wrapping = try passphrase.map {
            try PassphraseWrapping.create(passphrase: $0, binding: .identity(vaultID: vaultID, accountID: accountID), parameters: scrypt)
        }
        return IdentityFile(
            format: formatName, formatVersion: currentFormatVersion, vaultID: vaultID, accountID: accountID, createdAt: createdAt,
            passphrase: wrapping?.settings,
            agreementKey: try KeyEntrySealing.seal(agreement.rawRepresentation, aad: aad(.agreement, vaultID: vaultID, accountID: accountID),
                                                   version: 1, algorithm: "x25519",
                                                   publicKey: Data(agreement.publicKey.rawRepresentation).base64EncodedString(),
                                                   createdAt: createdAt, wrapping: wrapping),
            signingKey: try KeyEntrySealing.seal(signing.seed, aad: aad(.signing, vaultID: vaultID, accountID: accountID), version: 1,
                                                 algorithm: "ed25519", publicKey: Data(signing.publicKey.rawRepresentation).base64EncodedString(),
                                                 createdAt: createdAt, wrapping: wrapping))
    }

    // MARK: - Reading

    /// Whether `data` claims to be an identity file (so a caller can tell it from a vault key file before decoding).
    public static func isIdentityFile(_ data: Data) -> Bool {
        struct Kind: Decodable { let format: String? }
        return (try? JSONDecoder().decode(Kind.self, from: data))?.format == formatName
    }

    public static func decode(_ data: Data) throws -> IdentityFile {
        guard !data.isEmpty else { throw IdentityFileError.empty }
        // A vault key file of an earlier release is the likeliest mix-up: say so rather than "field missing".
        struct Kind: Decodable { let format: String? }
        if (try? JSONDecoder().decode(Kind.self, from: data))?.format == KeyFile.formatName { throw IdentityFileError.isVaultKeyFile }
        let file: IdentityFile
        do {
            file = try JSONDecoder().decode(IdentityFile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw IdentityFileError.malformed(field: (context.codingPath + [key]).map(\.stringValue).joined(separator: "."))
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw IdentityFileError.malformed(field: context.codingPath.map(\.stringValue).joined(separator: "."))
        } catch {
            throw IdentityFileError.notJSON
        }
        guard file.format == formatName else { throw IdentityFileError.malformed(field: "format") }
        guard file.formatVersion == currentFormatVersion else { throw IdentityFileError.unsupportedFormatVersion(file.formatVersion) }
        for (entry, field, algorithm) in [(file.agreementKey, "agreement_key", "x25519"), (file.signingKey, "signing_key", "ed25519")] {
            guard entry.algorithm == algorithm, entry.status == .active, entry.check != nil, entry.publicKey != nil else {
                throw IdentityFileError.malformed(field: field)
            }
        }
        switch file.passphrase?.problem {
        case .notScrypt?: throw IdentityFileError.malformed(field: "passphrase.kdf")
        case .weakOrInvalid?: throw IdentityFileError.weakOrInvalidKDFParameters
        case nil: return file
        }
    }

    public func encoded() throws -> Data { try KeyFile.fileData(self) }

    public var needsPassphrase: Bool {
        passphrase != nil && (agreementKey.protection == .passphrase || signingKey.protection == .passphrase)
    }

    /// Opens both private keys and checks them against their public halves. A wrong passphrase and a damaged file are
    /// distinct errors; neither says anything about the keys.
    public func unlock(passphrase: SecureBytes?) throws -> UnlockedIdentity {
        var wrapping: PassphraseWrapping?
        if needsPassphrase {
            guard let passphrase, let settings = self.passphrase else { throw IdentityFileError.passphraseRequired }
            do {
                wrapping = try PassphraseWrapping.open(settings: settings, passphrase: passphrase,
                                                       binding: .identity(vaultID: vaultID, accountID: accountID))
            } catch KeyFileError.wrongPassphrase {
                throw IdentityFileError.wrongPassphrase
            } catch {
                throw IdentityFileError.malformed(field: "passphrase")
            }
        }
        let agreementSeed = try open(agreementKey, slot: .agreement, wrapping: wrapping, expectedSize: X25519.keySize, name: "agreement key")
        let signingSeed = try open(signingKey, slot: .signing, wrapping: wrapping, expectedSize: Ed25519.seedSize, name: "signing key")
        let agreement = try X25519.PrivateKey(rawRepresentation: agreementSeed)
        let signing = try Ed25519.PrivateKey(seed: signingSeed)
        guard agreement.publicKey == (try agreementPublicKey) else { throw IdentityFileError.damaged(what: "agreement key's public half") }
        guard signing.publicKey == (try signingPublicKey) else { throw IdentityFileError.damaged(what: "signing key's public half") }
        return UnlockedIdentity(vaultID: vaultID, accountID: accountID, agreementKey: agreement, signingKey: signing)
    }

    private func open(_ entry: KeyFile.SealedKey, slot: Slot, wrapping: PassphraseWrapping?, expectedSize: Int, name: String) throws -> SecureBytes {
        do {
            return try KeyEntrySealing.open(entry, aad: Self.aad(slot, vaultID: vaultID, accountID: accountID), wrapping: wrapping,
                                            expectedSize: expectedSize)
        } catch KeyEntrySealing.Failure.passphraseRequired {
            throw IdentityFileError.passphraseRequired
        } catch {
            throw IdentityFileError.damaged(what: name)
        }
    }
}

/// An unlocked identity: whose it is and its two private keys (wiped when the last copy goes).
public struct UnlockedIdentity: Sendable, CustomStringConvertible {
    public let vaultID: String
    public let accountID: String
    public let agreementKey: X25519.PrivateKey
    public let signingKey: Ed25519.PrivateKey

    public init(vaultID: String, accountID: String, agreementKey: X25519.PrivateKey, signingKey: Ed25519.PrivateKey) {
        self.vaultID = vaultID
        self.accountID = accountID
        self.agreementKey = agreementKey
        self.signingKey = signingKey
    }

    public var description: String { "UnlockedIdentity(vault: \(vaultID), account: \(accountID), <redacted>)" }
}

/// Why an identity file could not be read or unlocked. Never carries key material.
public enum IdentityFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case notJSON
    case malformed(field: String)
    case isVaultKeyFile
    case unsupportedFormatVersion(Int)
    case weakOrInvalidKDFParameters
    case passphraseRequired
    case wrongPassphrase
    case damaged(what: String)
    case notThisIdentity

    public var description: String {
        switch self {
        case .empty: "the identity file is empty"
        case .notJSON: "the identity file is truncated or is not a casevault identity file (not valid JSON)"
        case .malformed(let field): "the identity file is damaged: field '\(field)' is missing or invalid"
        case .isVaultKeyFile: "this is a vault key file of an earlier casevault, not a personal identity file"
        case .unsupportedFormatVersion(let v): "the identity file has format version \(v), which this casevault does not understand"
        case .weakOrInvalidKDFParameters: "the identity file's scrypt parameters are weaker than allowed (N ≥ 2^17) or invalid"
        case .passphraseRequired: "the identity file is protected by a passphrase, and none was given"
        case .wrongPassphrase: "wrong passphrase"
        case .damaged(let what): "the identity file is damaged: the \(what) does not match its check value"
        case .notThisIdentity: "these keys belong to another identity"
        }
    }
}

extension IdentityFile {
    /// What the person reads out and a manager compares before confirming their account: SHA-256 over the vault, the
    /// account and both public keys, the first 16 bytes (128 bits, so no one can make another identity that shows
    /// the same fingerprint), as colon-separated hex pairs. The vault computes it from the public keys it stores.
    public static func fingerprint(vaultID: String, accountID: String, agreementPublic: [UInt8], signingPublic: [UInt8]) throws -> String {
        var bytes = Array("casevault/identity-fingerprint/v1".utf8) + [0] + Array(vaultID.utf8) + [0] + Array(accountID.utf8) + [0]
        bytes += agreementPublic + signingPublic
        return UnlockedKeys.formatFingerprint(Array(try HashFunction.sha256.hash(bytes).prefix(16)))
    }

    /// This file's fingerprint (from its public keys, so no passphrase is needed).
    public var fingerprint: String {
        get throws {
            try Self.fingerprint(vaultID: vaultID, accountID: accountID, agreementPublic: try Self.publicBytes(agreementKey, field: "agreement_key"),
                             signingPublic: try Self.publicBytes(signingKey, field: "signing_key"))
        }
    }
}
