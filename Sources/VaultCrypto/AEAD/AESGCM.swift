/// AES-256-GCM with 12-byte nonces and 16-byte tags. Other key, nonce and tag sizes are rejected.
public enum AESGCM {
    public static let keySize = GCMCipher.keySize
    public static let nonceSize = GCMCipher.nonceSize
    public static let tagSize = GCMCipher.tagSize

    public struct SealedBox: Sendable, Equatable {
        public var nonce: [UInt8]
        public var ciphertext: [UInt8]
        public var tag: [UInt8]

        public init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }

        /// nonce ‖ ciphertext ‖ tag, the layout VaultCrypto stores.
        public var combined: [UInt8] { nonce + ciphertext + tag }

        public init(combined: [UInt8]) throws {
            guard combined.count >= AESGCM.nonceSize + AESGCM.tagSize else { throw VaultCryptoError.truncated }
            nonce = Array(combined[0..<AESGCM.nonceSize])
            ciphertext = Array(combined[AESGCM.nonceSize..<(combined.count - AESGCM.tagSize)])
            tag = Array(combined[(combined.count - AESGCM.tagSize)...])
        }
    }

    /// Seals under a fresh random nonce.
    public static func seal(_ plaintext: [UInt8], key: SecureBytes, authenticating aad: [UInt8] = []) throws -> SealedBox {
        try seal(plaintext, key: key, nonce: try SystemRandom.bytes(count: nonceSize), authenticating: aad)
    }

    /// Seals under a caller-chosen nonce. Never reuse a nonce with the same key.
    public static func seal(_ plaintext: [UInt8], key: SecureBytes, nonce: [UInt8], authenticating aad: [UInt8] = []) throws -> SealedBox {
        try plaintext.withUnsafeBytes { try seal(UnsafeRawBufferPointer($0), key: key, nonce: nonce, authenticating: aad) }
    }

    public static func seal(_ plaintext: SecureBytes, key: SecureBytes, authenticating aad: [UInt8] = []) throws -> SealedBox {
        let nonce = try SystemRandom.bytes(count: nonceSize)
        return try plaintext.withUnsafeBytes { try seal($0, key: key, nonce: nonce, authenticating: aad) }
    }

    static func seal(_ plaintext: UnsafeRawBufferPointer, key: SecureBytes, nonce: [UInt8], authenticating aad: [UInt8]) throws -> SealedBox {
        guard nonce.count == nonceSize else { throw VaultCryptoError.incorrectNonceSize(expected: nonceSize, got: nonce.count) }
        let cipher = try GCMCipher(key: key, encrypting: true)
        var ciphertext = [UInt8](repeating: 0, count: plaintext.count)
        var tag = [UInt8](repeating: 0, count: tagSize)
        try nonce.withUnsafeBytes { n in
            try aad.withUnsafeBytes { a in
                try ciphertext.withUnsafeMutableBytes { out in
                    try tag.withUnsafeMutableBytes { t in
                        try cipher.seal(nonce: n, aad: a, input: plaintext, output: out, tag: t)
                    }
                }
            }
        }
        return SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
    }

    /// Opens a box; throws `.authenticationFailure` and returns nothing if any byte was changed.
    public static func open(_ box: SealedBox, key: SecureBytes, authenticating aad: [UInt8] = []) throws -> [UInt8] {
        var plaintext = [UInt8](repeating: 0, count: box.ciphertext.count)
        try plaintext.withUnsafeMutableBytes { try open(box, key: key, aad: aad, into: $0) }
        return plaintext
    }

    /// Opens a box whose plaintext is itself a secret (a wrapped key), straight into wiped-on-release memory.
    public static func openSecret(_ box: SealedBox, key: SecureBytes, authenticating aad: [UInt8] = []) throws -> SecureBytes {
        try SecureBytes(count: box.ciphertext.count) { try open(box, key: key, aad: aad, into: $0) }
    }

    private static func open(_ box: SealedBox, key: SecureBytes, aad: [UInt8], into output: UnsafeMutableRawBufferPointer) throws {
        try Opener(key: key).open(box, authenticating: aad, into: output)
    }
}

extension AESGCM {
    /// Opens many boxes under one key with one cipher context (no key setup per box): for listings that
    /// decrypt a field of every row.
    public final class Opener {
        private let cipher: GCMCipher

        public init(key: SecureBytes) throws {
            cipher = try GCMCipher(key: key, encrypting: false)
        }

        public func open(_ box: SealedBox, authenticating aad: [UInt8] = []) throws -> [UInt8] {
            var plaintext = [UInt8](repeating: 0, count: box.ciphertext.count)
            try plaintext.withUnsafeMutableBytes { try open(box, authenticating: aad, into: $0) }
            return plaintext
        }

        /// Opens nonce ‖ ciphertext ‖ tag as stored, straight from the caller's bytes into `output` (at least as long
        /// as the ciphertext), and returns the plaintext's length: no arrays per box, for listings that open a field
        /// of every row. Throws `.truncated` or `.authenticationFailure` (then `output` holds no plaintext).
        public func open(combined: UnsafeRawBufferPointer, authenticating aad: UnsafeRawBufferPointer,
                         into output: UnsafeMutableRawBufferPointer) throws -> Int {
            guard combined.count >= AESGCM.nonceSize + AESGCM.tagSize else { throw VaultCryptoError.truncated }
            let end = combined.count - AESGCM.tagSize
            guard output.count >= end - AESGCM.nonceSize else { throw VaultCryptoError.truncated }
            try cipher.open(nonce: UnsafeRawBufferPointer(rebasing: combined[0..<AESGCM.nonceSize]), aad: aad,
                            input: UnsafeRawBufferPointer(rebasing: combined[AESGCM.nonceSize..<end]),
                            tag: UnsafeRawBufferPointer(rebasing: combined[end...]), output: output)
            return end - AESGCM.nonceSize
        }

        /// The same, into a new array.
        public func open(combined: UnsafeRawBufferPointer, authenticating aad: UnsafeRawBufferPointer) throws -> [UInt8] {
            guard combined.count >= AESGCM.nonceSize + AESGCM.tagSize else { throw VaultCryptoError.truncated }
            var plaintext = [UInt8](repeating: 0, count: combined.count - AESGCM.nonceSize - AESGCM.tagSize)
            _ = try plaintext.withUnsafeMutableBytes { try open(combined: combined, authenticating: aad, into: $0) }
            return plaintext
        }

        func open(_ box: SealedBox, authenticating aad: [UInt8], into output: UnsafeMutableRawBufferPointer) throws {
            guard box.nonce.count == AESGCM.nonceSize else { throw VaultCryptoError.incorrectNonceSize(expected: AESGCM.nonceSize, got: box.nonce.count) }
            guard box.tag.count == AESGCM.tagSize else { throw VaultCryptoError.incorrectTagSize(expected: AESGCM.tagSize, got: box.tag.count) }
            try box.nonce.withUnsafeBytes { n in
                try aad.withUnsafeBytes { a in
                    try box.ciphertext.withUnsafeBytes { c in
                        try box.tag.withUnsafeBytes { t in try cipher.open(nonce: n, aad: a, input: c, tag: t, output: output) }
                    }
                }
            }
        }
    }
}
