internal import COpenSSL

/// HKDF (RFC 5869) over `EVP_KDF` "HKDF", with SHA-256 or SHA-512.
public enum HKDF {
    /// HKDF-Extract: a pseudorandom key of the hash's length.
    public static func extract(_ hash: HashFunction, inputKeyMaterial: SecureBytes, salt: [UInt8]) throws -> SecureBytes {
        try derive(hash, mode: Int32(EVP_KDF_HKDF_MODE_EXTRACT_ONLY), key: inputKeyMaterial, salt: salt, info: [],
                   outputCount: hash.digestSize)
    }

    /// HKDF-Expand: `outputCount` bytes (at most 255 × the hash length) from a pseudorandom key.
    public static func expand(_ hash: HashFunction, pseudoRandomKey: SecureBytes, info: [UInt8], outputCount: Int) throws -> SecureBytes {
        try derive(hash, mode: Int32(EVP_KDF_HKDF_MODE_EXPAND_ONLY), key: pseudoRandomKey, salt: nil, info: info,
                   outputCount: outputCount)
    }

    /// Extract then expand.
    public static func deriveKey(_ hash: HashFunction, inputKeyMaterial: SecureBytes, salt: [UInt8], info: [UInt8], outputCount: Int) throws -> SecureBytes {
        try derive(hash, mode: Int32(EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND), key: inputKeyMaterial, salt: salt, info: info,
                   outputCount: outputCount)
    }

    private static func derive(_ hash: HashFunction, mode: Int32, key: SecureBytes, salt: [UInt8]?, info: [UInt8],
                               outputCount: Int) throws -> SecureBytes {
        guard outputCount > 0, outputCount <= 255 * hash.digestSize else {
            throw VaultCryptoError.invalidParameter("HKDF output length must be 1...\(255 * hash.digestSize) bytes")
        }
        let context = try KDFContext(algorithm: "HKDF")
        return try key.withUnsafeBytes { keyBytes in
            try (salt ?? []).withUnsafeBytes { saltBytes in
                try info.withUnsafeBytes { infoBytes in
                    var params: [OSSLParam] = [.utf8("digest", hash.openSSLName), .int32("mode", mode), .octets("key", keyBytes)]
                    // Absent and empty salts mean the same to HKDF (a string of zeros); pass it only when given.
                    if salt != nil, saltBytes.count > 0 { params.append(.octets("salt", saltBytes)) }
                    if infoBytes.count > 0 { params.append(.octets("info", infoBytes)) }
                    return try withOSSLParams(params) { array in
                        try SecureBytes(count: outputCount) { out in
                            try check(EVP_KDF_derive(context.pointer, out.baseAddress!.assumingMemoryBound(to: UInt8.self),
                                                     outputCount, array))
                        }
                    }
                }
            }
        }
    }
}

/// Owns an `EVP_KDF_CTX`.
final class KDFContext {
    let pointer: OpaquePointer

    init(algorithm: String) throws {
        OpenSSLErrorStack.clear()
        guard let kdf = EVP_KDF_fetch(nil, algorithm, nil) else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        defer { EVP_KDF_free(kdf) }
        guard let context = EVP_KDF_CTX_new(kdf) else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        pointer = context
    }

    deinit { EVP_KDF_CTX_free(pointer) }
}
