internal import COpenSSL

/// X25519 key agreement (RFC 7748), for wrapping case keys to each advocate's key later on.
public enum X25519 {
    public static let keySize = 32

    public struct PrivateKey: Sendable, CustomStringConvertible {
        public let rawRepresentation: SecureBytes
        public let publicKey: PublicKey
        /// OpenSSL's key, built once: building it derives the public key (a scalar multiplication as costly as the
        /// agreement itself), and a team server's request opened three wrappers with the same identity key.
        private let key: EVPKey

        public static func generate() throws -> PrivateKey {
            try PrivateKey(rawRepresentation: try SecureBytes.random(count: keySize))
        }

        public init(rawRepresentation: SecureBytes) throws {
            guard rawRepresentation.count == X25519.keySize else {
                throw VaultCryptoError.incorrectKeySize(expected: X25519.keySize, got: rawRepresentation.count)
            }
            self.rawRepresentation = rawRepresentation
            key = try EVPKey(privateRaw: rawRepresentation, type: COpenSSLShims_EVP_PKEY_X25519())
            publicKey = try PublicKey(rawRepresentation: try key.rawPublicKey(count: X25519.keySize))
        }

        /// The shared secret with `peer`. Throws when the result would be all zeros (a low-order peer key),
        /// as RFC 7748 §6.1 allows and OpenSSL does: such a secret carries no key material.
        public func sharedSecret(with peer: PublicKey) throws -> SecureBytes {
            let other = try EVPKey(publicRaw: peer.rawRepresentation, type: COpenSSLShims_EVP_PKEY_X25519())
            guard let context = EVP_PKEY_CTX_new(key.pointer, nil) else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
            defer { EVP_PKEY_CTX_free(context) }
            try check(EVP_PKEY_derive_init(context))
            try check(EVP_PKEY_derive_set_peer(context, other.pointer))
            var length = X25519.keySize
            return try SecureBytes(count: X25519.keySize) { out in
                try check(EVP_PKEY_derive(context, out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length))
                guard length == X25519.keySize else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
            }
        }

        public var description: String { "X25519.PrivateKey(<redacted>)" }
    }

    public struct PublicKey: Sendable, Equatable {
        public let rawRepresentation: [UInt8]

        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == X25519.keySize else {
                throw VaultCryptoError.incorrectKeySize(expected: X25519.keySize, got: rawRepresentation.count)
            }
            self.rawRepresentation = rawRepresentation
        }
    }
}
