import Foundation

/// How one key is sealed into, and opened from, the key file.
extension KeyFile {
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
        let name = switch kind {
        case .master: "master key version \(entry.version)"
        case .signing: "signing key"
        case .audit: "audit key"
        }
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
        guard let stored = entry.check, constantTimeEquals(Array(expected.utf8), Array(stored.utf8)) else {
            throw KeyFileError.damaged(what: name)
        }
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
