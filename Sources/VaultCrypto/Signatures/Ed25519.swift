internal import COpenSSL

/// Ed25519 signatures (RFC 8032) over `EVP_DigestSign`/`EVP_DigestVerify`.
public enum Ed25519 {
    public static let seedSize = 32
    public static let publicKeySize = 32
    public static let signatureSize = 64

    public struct PrivateKey: Sendable, CustomStringConvertible {
        /// The 32-byte seed; everything else is derived from it.
        public let seed: SecureBytes
        public let publicKey: PublicKey
        /// OpenSSL's key, built once: building it derives the public key (a scalar multiplication), which cost as much
        /// as the signature itself when it was rebuilt for each (every audit event of an identity is signed).
        private let key: EVPKey

        public static func generate() throws -> PrivateKey {
            try PrivateKey(seed: try SecureBytes.random(count: seedSize))
        }

        public init(seed: SecureBytes) throws {
            guard seed.count == Ed25519.seedSize else {
                throw VaultCryptoError.incorrectKeySize(expected: Ed25519.seedSize, got: seed.count)
            }
            self.seed = seed
            key = try EVPKey(privateRaw: seed, type: COpenSSLShims_EVP_PKEY_ED25519())
            self.publicKey = PublicKey(unchecked: try key.rawPublicKey(count: Ed25519.publicKeySize))
        }

        public func signature(for message: [UInt8]) throws -> [UInt8] {
            let digest = try DigestContext()
            try check(EVP_DigestSignInit(digest.pointer, nil, nil, nil, key.pointer))
            var signature = [UInt8](repeating: 0, count: Ed25519.signatureSize)
            var length = signature.count
            try signature.withUnsafeMutableBufferPointer { sig in
                try message.withUnsafeBufferPointer { msg in
                    try check(EVP_DigestSign(digest.pointer, sig.baseAddress, &length, msg.baseAddress, msg.count))
                }
            }
            guard length == Ed25519.signatureSize else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
            // A signature made here with this key is valid by construction: a check of it later in this process (the
            // next request reading the checkpoint or mark this one wrote) need not verify it again.
            if let memo = VerifiedSignatures.shared.fingerprint(publicKey: publicKey.rawRepresentation, signature: signature, message: message) {
                VerifiedSignatures.shared.insert(memo)
            }
            return signature
        }

        public var description: String { "Ed25519.PrivateKey(<redacted>)" }
    }

    public struct PublicKey: Sendable, Equatable {
        public let rawRepresentation: [UInt8]
        /// OpenSSL's key, built once rather than per check; nil if OpenSSL refuses the bytes (then nothing verifies).
        private let key: EVPKey?

        init(unchecked raw: [UInt8]) {
            rawRepresentation = raw
            key = Self.decode(raw)
        }

        public init(rawRepresentation: [UInt8]) throws {
            guard rawRepresentation.count == Ed25519.publicKeySize else {
                throw VaultCryptoError.incorrectKeySize(expected: Ed25519.publicKeySize, got: rawRepresentation.count)
            }
            self.rawRepresentation = rawRepresentation
            key = Self.decode(rawRepresentation)
        }

        private static func decode(_ raw: [UInt8]) -> EVPKey? {
            OpenSSLErrorStack.clear()
            defer { OpenSSLErrorStack.clear() }
            return try? EVPKey(publicRaw: raw, type: COpenSSLShims_EVP_PKEY_ED25519())
        }

        public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool { lhs.rawRepresentation == rhs.rawRepresentation }

        /// False for any malformed signature or key, and for a signature over other bytes. A signature this process
        /// has verified before is answered from `VerifiedSignatures` (a team server's request checked the same
        /// checkpoint's signature up to three times, and every request after it the same one again).
        public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
            isValidSignature(signature, for: message, remembering: .shared)
        }

        func isValidSignature(_ signature: [UInt8], for message: [UInt8], remembering verified: VerifiedSignatures) -> Bool {
            guard signature.count == Ed25519.signatureSize, let key else { return false }
            let memo = verified.fingerprint(publicKey: rawRepresentation, signature: signature, message: message)
            if let memo, verified.contains(memo) { return true }
            OpenSSLErrorStack.clear()
            defer { OpenSSLErrorStack.clear() }
            guard let digest = try? DigestContext(), EVP_DigestVerifyInit(digest.pointer, nil, nil, nil, key.pointer) == 1 else { return false }
            let valid = signature.withUnsafeBufferPointer { sig in
                message.withUnsafeBufferPointer { msg in
                    EVP_DigestVerify(digest.pointer, sig.baseAddress, sig.count, msg.baseAddress, msg.count) == 1
                }
            }
            if valid, let memo { verified.insert(memo) }
            return valid
        }
    }
}

/// Owns an `EVP_PKEY`.
///
/// @unchecked Sendable: the key is never changed after it is built, and OpenSSL lets threads use one `EVP_PKEY` at once
/// when each has its own context (openssl-threads(7): "two threads can calculate a signature using two different
/// EVP_PKEY_CTX objects"); each signature here makes its own `EVP_MD_CTX`.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(privateRaw: SecureBytes, type: Int32) throws {
        OpenSSLErrorStack.clear()
        let key = privateRaw.withUnsafeBytes {
            EVP_PKEY_new_raw_private_key(type, nil, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count)
        }
        guard let key else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        pointer = key
    }

    init(publicRaw: [UInt8], type: Int32) throws {
        OpenSSLErrorStack.clear()
        let key = publicRaw.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(type, nil, $0.baseAddress, $0.count)
        }
        guard let key else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        pointer = key
    }

    deinit { EVP_PKEY_free(pointer) }

    func rawPublicKey(count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var length = count
        try out.withUnsafeMutableBufferPointer { try check(EVP_PKEY_get_raw_public_key(pointer, $0.baseAddress, &length)) }
        guard length == count else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        return out
    }
}

/// Owns an `EVP_MD_CTX` used for one signature operation.
final class DigestContext {
    let pointer: OpaquePointer

    init() throws {
        guard let context = EVP_MD_CTX_new() else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        pointer = context
    }

    deinit { EVP_MD_CTX_free(pointer) }
}
