import Foundation
import VaultCrypto

/// A session token: 32 random bytes, given to the client once at login and never stored. The server keeps only its
/// SHA-256 (to find the session) and a key derived from it with HKDF never leaves memory, so the database alone
/// neither names a valid token nor opens the identity sealed under it.
struct SessionToken: Sendable {
    static let size = 32
    let bytes: SecureBytes

    static func generate() throws -> SessionToken { SessionToken(bytes: try SecureBytes.random(count: size)) }

    /// From the `Authorization: Bearer` value (base64url, no padding). Anything else is no token.
    init?(bearer text: Substring) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count == 43, var decoded = Data(base64Encoded: base64).map(Array.init), decoded.count == Self.size else { return nil }
        bytes = SecureBytes(copying: decoded)
        secureZero(&decoded)
    }

    private init(bytes: SecureBytes) { self.bytes = bytes }

    /// What the client sends back: base64url without padding (43 characters).
    var bearer: String {
        var raw = bytes.unsafeCopyToArray()
        defer { secureZero(&raw) }
        return Data(raw).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The database key of the session.
    func hash() throws -> [UInt8] {
        try bytes.withUnsafeBytes { try HashFunction.sha256.hash($0) }
    }

    /// The key the session's identity is sealed under: HKDF-SHA-256 of the token, labelled for this one use.
    func sealingKey() throws -> SecureBytes {
        try HKDF.deriveKey(.sha256, inputKeyMaterial: bytes, salt: Array("casevault/server-session/v1".utf8),
                           info: Array("identity-seal".utf8), outputCount: AESGCM.keySize)
    }
}

/// The unlocked identity's two private keys, sealed with AES-256-GCM under the token's key. The AAD binds the session
/// id, the account and the vault, so a sealed value moved to another session row (or another vault) does not open.
enum SessionSealing {
    static func aad(sessionID: String, accountID: String, vaultID: String) -> [UInt8] {
        Array("casevault/server-session/v1".utf8) + [0] + Array(sessionID.utf8) + [0] + Array(accountID.utf8) + [0] + Array(vaultID.utf8)
    }

    static func seal(_ identity: UnlockedIdentity, token: SessionToken, sessionID: String) throws -> [UInt8] {
        var raw = identity.agreementKey.rawRepresentation.unsafeCopyToArray() + identity.signingKey.seed.unsafeCopyToArray()
        defer { secureZero(&raw) }
        let box = try AESGCM.seal(SecureBytes(copying: raw), key: try token.sealingKey(),
                                  authenticating: aad(sessionID: sessionID, accountID: identity.accountID, vaultID: identity.vaultID))
        return box.combined
    }

    /// Throws `VaultCryptoError.authenticationFailure` for a wrong token or a row edited or moved.
    static func open(_ sealed: [UInt8], token: SessionToken, sessionID: String, accountID: String, vaultID: String) throws -> UnlockedIdentity {
        let keys = try AESGCM.openSecret(try AESGCM.SealedBox(combined: sealed), key: try token.sealingKey(),
                                         authenticating: aad(sessionID: sessionID, accountID: accountID, vaultID: vaultID))
        guard keys.count == X25519.keySize + Ed25519.seedSize else { throw VaultCryptoError.authenticationFailure }
        return UnlockedIdentity(vaultID: vaultID, accountID: accountID,
                                agreementKey: try X25519.PrivateKey(rawRepresentation: keys.slice(0..<X25519.keySize)),
                                signingKey: try Ed25519.PrivateKey(seed: keys.slice(X25519.keySize..<keys.count)))
    }
}
