internal import COpenSSL

/// HMAC-SHA-256 over `EVP_MAC`, one-shot or incremental.
public final class HMACSHA256 {
    public static let tagSize = 32
    private let context: OpaquePointer
    private var finished = false

    private init(context: OpaquePointer) {
        self.context = context
    }

    /// A copy of this (keyed, not yet finalised) MAC: keying once and copying per message avoids fetching
    /// the algorithm and hashing the key again for every one of many short messages.
    public func copy() throws -> HMACSHA256 {
        guard !finished, let duplicate = EVP_MAC_CTX_dup(context) else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        return HMACSHA256(context: duplicate)
    }

    public init(key: SecureBytes) throws {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        defer { EVP_MAC_free(mac) }
        guard let context = EVP_MAC_CTX_new(mac) else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        self.context = context
        do {
            try key.withUnsafeBytes { keyBytes in
                try withOSSLParams([.utf8("digest", "SHA256")]) { params in
                    // An empty key still needs a non-null pointer.
                    let placeholder: [UInt8] = [0]
                    try placeholder.withUnsafeBufferPointer { fallback in
                        let address = keyBytes.count > 0
                            ? keyBytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
                            : fallback.baseAddress!
                        try check(EVP_MAC_init(context, address, keyBytes.count, params))
                    }
                }
            }
        } catch {
            EVP_MAC_CTX_free(context)
            throw error
        }
    }

    deinit { EVP_MAC_CTX_free(context) }  // _free cleanses the keyed state

    public func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard !finished else { throw VaultCryptoError.invalidParameter("HMAC already finalized") }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try check(EVP_MAC_update(context, base.assumingMemoryBound(to: UInt8.self), bytes.count))
    }

    public func update(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try update($0) }
    }

    public func finalize() throws -> [UInt8] {
        guard !finished else { throw VaultCryptoError.invalidParameter("HMAC already finalized") }
        finished = true
        var out = [UInt8](repeating: 0, count: Self.tagSize)
        var length = 0
        try out.withUnsafeMutableBufferPointer { try check(EVP_MAC_final(context, $0.baseAddress, &length, $0.count)) }
        return out
    }

    public static func authenticationCode(for message: [UInt8], key: SecureBytes) throws -> [UInt8] {
        let mac = try HMACSHA256(key: key)
        try mac.update(message)
        return try mac.finalize()
    }

    /// Checks a full-length tag in constant time.
    public static func isValidAuthenticationCode(_ tag: [UInt8], for message: [UInt8], key: SecureBytes) throws -> Bool {
        guard tag.count == tagSize else { return false }
        return constantTimeEquals(try authenticationCode(for: message, key: key), tag)
    }
}
