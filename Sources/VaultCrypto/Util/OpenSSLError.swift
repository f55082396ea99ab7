internal import COpenSSL

/// The OpenSSL error queue at the moment a call failed, rendered as text.
///
/// The queue only ever holds library reason strings (`error:1C800064:Provider routines::bad decrypt`),
/// never the data a call was working on, so it is safe to show and log.
public struct OpenSSLErrorStack: Equatable, Sendable, CustomStringConvertible {
    public let entries: [String]

    public var description: String {
        entries.isEmpty ? "no OpenSSL error recorded" : entries.joined(separator: "; ")
    }

    /// Empties the thread's error queue into a value (like swift-nio-ssl's `BoringSSLError.buildErrorStack`).
    static func drain() -> OpenSSLErrorStack {
        var entries: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            let code = ERR_get_error_all(nil, nil, nil, nil, nil)
            if code == 0 { break }
            buffer.withUnsafeMutableBufferPointer { pointer in
                ERR_error_string_n(code, pointer.baseAddress, pointer.count)
            }
            entries.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return OpenSSLErrorStack(entries: entries)
    }

    /// Clears stale entries before a call whose queue we may read.
    static func clear() {
        ERR_clear_error()
    }
}

/// Everything VaultCrypto can throw. Messages never contain key bytes, passphrases or plaintext.
public enum VaultCryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A key of the wrong length was supplied (sizes are not secret).
    case incorrectKeySize(expected: Int, got: Int)
    /// A nonce of the wrong length was supplied; only 12-byte GCM nonces are accepted.
    case incorrectNonceSize(expected: Int, got: Int)
    /// A tag of the wrong length was supplied.
    case incorrectTagSize(expected: Int, got: Int)
    /// The ciphertext, its tag or its associated data did not authenticate.
    case authenticationFailure
    /// A Cobblestone header's commitment did not match: wrong key, wrong context, or a damaged header.
    case commitmentMismatch
    /// The ciphertext ends early: part of a header, a chunk, or the required short final chunk is missing.
    case truncated
    /// A message would exceed the largest size the format allows.
    case messageTooLong
    /// A parameter is outside what the API supports (named, never its secret value).
    case invalidParameter(String)
    /// The CSPRNG failed; nothing that needed randomness was produced.
    case randomGenerationFailed(OpenSSLErrorStack)
    /// OpenSSL refused an operation for a reason of its own.
    case underlyingOpenSSL(OpenSSLErrorStack)
    /// Reading or writing a stream failed.
    case io(operation: String, errno: Int32)
    /// A read was asked for beyond the end of the plaintext.
    case outOfRange

    public var description: String {
        switch self {
        case .incorrectKeySize(let expected, let got): "incorrect key size: expected \(expected) bytes, got \(got)"
        case .incorrectNonceSize(let expected, let got): "incorrect nonce size: expected \(expected) bytes, got \(got)"
        case .incorrectTagSize(let expected, let got): "incorrect tag size: expected \(expected) bytes, got \(got)"
        case .authenticationFailure: "authentication failed: the data was modified, truncated or encrypted under another key"
        case .commitmentMismatch: "key commitment mismatch: wrong key, wrong context, or a damaged header"
        case .truncated: "the ciphertext is truncated"
        case .messageTooLong: "the message is longer than the format allows"
        case .invalidParameter(let what): "invalid parameter: \(what)"
        case .randomGenerationFailed(let stack): "the random number generator failed (\(stack))"
        case .underlyingOpenSSL(let stack): "OpenSSL error: \(stack)"
        case .io(let operation, let code): "\(operation) failed: \(String(cString: strerror(code)))"
        case .outOfRange: "read beyond the end of the plaintext"
        }
    }
}

@inline(__always)
func check(_ rc: Int32) throws {
    guard rc == 1 else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
