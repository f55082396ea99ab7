import Foundation

/// How one key is sealed into, and opened from, the key file.
extension KeyFile {
    static func aad(kind: KeyKind, vaultID: String, version: Int) -> [UInt8] {
        Array("casevault/keyfile/v1/\(kind.rawValue)".utf8) + [0] + Array(vaultID.utf8) + [0] + Array(String(version).utf8)
    }

    static func checkValue(of key: SecureBytes, kind: KeyKind, vaultID: String, version: Int) throws -> String {
        try KeyEntrySealing.checkValue(of: key, aad: aad(kind: kind, vaultID: vaultID, version: version))
    }

    static func seal(_ key: SecureBytes, kind: KeyKind, version: Int, algorithm: String, publicKey: String?, vaultID: String,
                     createdAt: String, wrapping: PassphraseWrapping?) throws -> SealedKey {
        try KeyEntrySealing.seal(key, aad: aad(kind: kind, vaultID: vaultID, version: version), version: version, algorithm: algorithm,
                                 publicKey: publicKey, createdAt: createdAt, wrapping: wrapping)
    }

    static func open(_ entry: SealedKey, kind: KeyKind, vaultID: String, wrapping: PassphraseWrapping?, expectedSize: Int) throws -> SecureBytes {
        let name = switch kind {
        case .master: "master key version \(entry.version)"
        case .signing: "signing key"
        case .audit: "audit key"
        }
        do {
            return try KeyEntrySealing.open(entry, aad: aad(kind: kind, vaultID: vaultID, version: entry.version), wrapping: wrapping,
                                            expectedSize: expectedSize)
        } catch KeyEntrySealing.Failure.passphraseRequired {
            throw KeyFileError.passphraseRequired
        } catch {
            throw KeyFileError.damaged(what: name)
        }
    }
}

/// One key entry (raw, or sealed under the passphrase), shared by key files and identity files: the AAD names the
/// file's kind, vault (and account) and the key's slot, so an entry copied into another file or slot fails to open.
enum KeyEntrySealing {
    enum Failure: Error { case passphraseRequired, damaged }

    static func checkValue(of key: SecureBytes, aad: [UInt8]) throws -> String {
        let info = Array("casevault/keyfile/v1/key-check".utf8) + [0] + aad
        let check = try HKDF.expand(.sha256, pseudoRandomKey: key, info: info, outputCount: 16)
        return Data(check.unsafeCopyToArray()).base64EncodedString()
    }

    static func seal(_ key: SecureBytes, aad: [UInt8], version: Int, algorithm: String, publicKey: String?, createdAt: String,
                     wrapping: PassphraseWrapping?) throws -> KeyFile.SealedKey {
        var entry = KeyFile.SealedKey(version: version, algorithm: algorithm, createdAt: createdAt, status: .active,
                                      protection: wrapping == nil ? .raw : .passphrase, key: nil, nonce: nil, sealedKey: nil,
                                      publicKey: publicKey, check: try checkValue(of: key, aad: aad))
        if let wrapping {
            let box = try AESGCM.seal(key, key: wrapping.wrappingKey, authenticating: aad)
            entry.nonce = Data(box.nonce).base64EncodedString()
            entry.sealedKey = Data(box.ciphertext + box.tag).base64EncodedString()
        } else {
            var raw = key.unsafeCopyToArray()
            defer { secureZero(&raw) }
            entry.key = Data(raw).base64EncodedString()
        }
        return entry
    }

    static func open(_ entry: KeyFile.SealedKey, aad: [UInt8], wrapping: PassphraseWrapping?, expectedSize: Int) throws(Failure) -> SecureBytes {
        let key: SecureBytes
        switch entry.protection {
        case .raw:
            guard let encoded = entry.key, var raw = Data(base64Encoded: encoded).map(Array.init) else { throw .damaged }
            defer { secureZero(&raw) }
            key = SecureBytes(copying: raw)
        case .passphrase:
            guard let wrapping else { throw .passphraseRequired }
            guard let nonce = entry.nonce.flatMap({ Data(base64Encoded: $0) }),
                  let sealed = entry.sealedKey.flatMap({ Data(base64Encoded: $0) }), sealed.count >= AESGCM.tagSize else {
                throw .damaged
            }
            let box = AESGCM.SealedBox(nonce: Array(nonce), ciphertext: Array(sealed.dropLast(AESGCM.tagSize)),
                                       tag: Array(sealed.suffix(AESGCM.tagSize)))
            guard let opened = try? AESGCM.openSecret(box, key: wrapping.wrappingKey, authenticating: aad) else { throw .damaged }
            key = opened
        }
        guard key.count == expectedSize, let expected = try? checkValue(of: key, aad: aad), let stored = entry.check,
              constantTimeEquals(Array(expected.utf8), Array(stored.utf8)) else {
            throw .damaged
        }
        return key
    }
}

/// The passphrase-derived keys, kept while the file is unlocked so a rotation can seal a new version
/// without running scrypt again.
struct PassphraseWrapping: Sendable {
    let settings: KeyFile.PassphraseSettings
    let wrappingKey: SecureBytes

    /// Whose passphrase this is: a key file's labels name its vault; an identity file's name its vault and account,
    /// so one person's passphrase-derived keys are never another's even with the same passphrase and salt.
    struct Binding: Sendable {
        let prefix: String
        let context: [UInt8]

        static func keyFile(vaultID: String) -> Binding { Binding(prefix: "casevault/keyfile/v1", context: Array(vaultID.utf8)) }
        static func identity(vaultID: String, accountID: String) -> Binding {
            Binding(prefix: "casevault/identity/v1", context: Array(vaultID.utf8) + [0] + Array(accountID.utf8))
        }
    }

    static func derive(passphrase: SecureBytes, salt: [UInt8], parameters: Scrypt.Parameters, binding: Binding)
        throws -> (check: [UInt8], wrappingKey: SecureBytes) {
        let stretched = try Scrypt.deriveKey(passphrase: passphrase, salt: salt, parameters: parameters, outputCount: 32)
        let label = { (purpose: String) in Array("\(binding.prefix)/passphrase-\(purpose)".utf8) + [0] + binding.context }
        let check = try HKDF.expand(.sha256, pseudoRandomKey: stretched, info: label("check"), outputCount: 32).unsafeCopyToArray()
        let wrappingKey = try HKDF.expand(.sha256, pseudoRandomKey: stretched, info: label("wrap"), outputCount: 32)
        return (check, wrappingKey)
    }

    static func create(passphrase: SecureBytes, binding: Binding, parameters: Scrypt.Parameters) throws -> PassphraseWrapping {
        let salt = try SystemRandom.bytes(count: 16)
        let derived = try derive(passphrase: passphrase, salt: salt, parameters: parameters, binding: binding)
        let settings = KeyFile.PassphraseSettings(kdf: "scrypt", salt: Data(salt).base64EncodedString(), log2N: parameters.log2N,
                                                  r: parameters.r, p: parameters.p, check: Data(derived.check).base64EncodedString())
        return PassphraseWrapping(settings: settings, wrappingKey: derived.wrappingKey)
    }

    static func open(settings: KeyFile.PassphraseSettings, passphrase: SecureBytes, binding: Binding) throws -> PassphraseWrapping {
        guard let salt = Data(base64Encoded: settings.salt), let stored = Data(base64Encoded: settings.check) else {
            throw KeyFileError.malformed(field: "passphrase")
        }
        let derived = try derive(passphrase: passphrase, salt: Array(salt),
                                 parameters: .init(log2N: settings.log2N, r: settings.r, p: settings.p), binding: binding)
        guard constantTimeEquals(derived.check, Array(stored)) else { throw KeyFileError.wrongPassphrase }
        return PassphraseWrapping(settings: settings, wrappingKey: derived.wrappingKey)
    }
}
