/// Wraps a key to one person's X25519 public key, so that only their identity can unwrap it (SECURITY.md,
/// "Identities"). The construction is age's X25519 recipient stanza with the parts VaultCrypto already has:
///
///     e        = fresh X25519 key pair (per wrap)
///     shared   = X25519(e, recipient)                  (all-zero results, from low-order points, are refused)
///     kek      = HKDF-SHA-256(ikm: shared, salt: e.pub ‖ recipient.pub, info: "casevault/recipient-wrap/v1")
///     wrapped  = 0x01 ‖ e.pub ‖ AES-256-GCM(kek, random nonce, key, aad: context)   (nonce ‖ ciphertext ‖ tag)
///
/// The salt binds both public keys, so a wrapper re-labelled for another recipient does not open; `context` is the
/// caller's AAD (vault, scope, key version, recipient id), so a wrapper moved to another key slot does not open.
public enum RecipientWrap {
    static let formatVersion: UInt8 = 1
    static let info = Array("casevault/recipient-wrap/v1".utf8)
    /// version byte + ephemeral public key + nonce + tag, before the wrapped key itself.
    public static let overhead = 1 + X25519.keySize + AESGCM.nonceSize + AESGCM.tagSize

    public static func wrap(_ key: SecureBytes, to recipient: X25519.PublicKey, context: [UInt8]) throws -> [UInt8] {
        let ephemeral = try X25519.PrivateKey.generate()
        let kek = try keyEncryptionKey(shared: try ephemeral.sharedSecret(with: recipient),
                                       ephemeral: ephemeral.publicKey, recipient: recipient)
        let box = try AESGCM.seal(key, key: kek, authenticating: context)
        return [formatVersion] + ephemeral.publicKey.rawRepresentation + box.combined
    }

    /// Opens a wrapper made for `identity`'s public key. Every failure (someone else's wrapper, a moved or edited
    /// one, a low-order ephemeral key) is the same error: which one it was says nothing useful to an attacker.
    public static func unwrap(_ wrapped: [UInt8], with identity: X25519.PrivateKey, context: [UInt8]) throws -> SecureBytes {
        guard wrapped.count >= overhead, wrapped[0] == formatVersion else { throw RecipientWrapError.malformed }
        let ephemeral = try X25519.PublicKey(rawRepresentation: Array(wrapped[1..<(1 + X25519.keySize)]))
        let shared: SecureBytes
        do {
            shared = try identity.sharedSecret(with: ephemeral)
        } catch {
            throw RecipientWrapError.cannotOpen
        }
        let kek = try keyEncryptionKey(shared: shared, ephemeral: ephemeral, recipient: identity.publicKey)
        do {
            return try AESGCM.openSecret(try AESGCM.SealedBox(combined: Array(wrapped[(1 + X25519.keySize)...])), key: kek,
                                         authenticating: context)
        } catch {
            throw RecipientWrapError.cannotOpen
        }
    }

    static func keyEncryptionKey(shared: SecureBytes, ephemeral: X25519.PublicKey, recipient: X25519.PublicKey) throws -> SecureBytes {
        try HKDF.deriveKey(.sha256, inputKeyMaterial: shared, salt: ephemeral.rawRepresentation + recipient.rawRepresentation,
                           info: info, outputCount: AESGCM.keySize)
    }
}

public enum RecipientWrapError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed
    case cannotOpen

    public var description: String {
        switch self {
        case .malformed: "a wrapped key is damaged (too short or of an unknown format)"
        case .cannotOpen: "a wrapped key does not open with this identity (it was made for someone else, or changed)"
        }
    }
}
