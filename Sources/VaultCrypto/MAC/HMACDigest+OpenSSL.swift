internal import COpenSSL

/// The digests an HMAC may use besides HMACSHA256's: TOTP (RFC 6238) is defined over SHA-1, SHA-256 and SHA-512, and
/// authenticator apps use SHA-1 unless told otherwise. HMAC-SHA-1 is still a sound PRF (RFC 6238 §5.1 keeps it);
/// only SHA-1's collision resistance is broken, which an HMAC does not rely on.
public enum HMACDigest: String, Sendable, CaseIterable {
    case sha1 = "SHA1"
    case sha256 = "SHA256"
    case sha512 = "SHA512"

    public var tagSize: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }

    /// One-shot HMAC through OpenSSL 3's `EVP_Q_mac`.
    public func authenticationCode(for message: [UInt8], key: SecureBytes) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: tagSize)
        var length = 0
        let placeholder: [UInt8] = [0]
        ERR_clear_error()
        let produced = key.withUnsafeBytes { keyBytes in
            placeholder.withUnsafeBytes { fallback in
                message.withUnsafeBytes { data in
                    // Empty inputs still need non-null pointers.
                    let keyAddress = keyBytes.count > 0 ? keyBytes.baseAddress! : fallback.baseAddress!
                    let dataAddress = data.count > 0 ? data.baseAddress! : fallback.baseAddress!
                    return out.withUnsafeMutableBufferPointer { output -> Bool in
                        EVP_Q_mac(nil, "HMAC", nil, rawValue, nil, keyAddress, keyBytes.count,
                                  dataAddress.assumingMemoryBound(to: UInt8.self), data.count,
                                  output.baseAddress, output.count, &length) != nil
                    }
                }
            }
        }
        guard produced, length == tagSize else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        return out
    }
}
