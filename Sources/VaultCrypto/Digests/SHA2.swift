internal import COpenSSL

/// The SHA-2 functions VaultCrypto uses.
public enum HashFunction: Sendable {
    case sha256
    case sha512

    public var digestSize: Int {
        switch self {
        case .sha256: 32
        case .sha512: 64
        }
    }

    /// OpenSSL's algorithm name, for EVP_MAC/EVP_KDF parameters.
    var openSSLName: String {
        switch self {
        case .sha256: "SHA256"
        case .sha512: "SHA512"
        }
    }

    var evpMD: OpaquePointer? {
        switch self {
        case .sha256: EVP_sha256()
        case .sha512: EVP_sha512()
        }
    }

    /// One-shot digest.
    public func hash(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        let hasher = try StreamingHash(self)
        try hasher.update(bytes)
        return try hasher.finalize()
    }

    public func hash(_ bytes: [UInt8]) throws -> [UInt8] {
        try bytes.withUnsafeBytes { try hash($0) }
    }
}

/// An incremental SHA-2 digest over `EVP_MD_CTX`.
public final class StreamingHash {
    private let context: OpaquePointer
    public let function: HashFunction
    private var finished = false

    public init(_ function: HashFunction) throws {
        guard let context = EVP_MD_CTX_new() else { throw VaultCryptoError.underlyingOpenSSL(.drain()) }
        self.context = context
        self.function = function
        do {
            try check(EVP_DigestInit_ex(context, function.evpMD, nil))
        } catch {
            EVP_MD_CTX_free(context)
            throw error
        }
    }

    deinit { EVP_MD_CTX_free(context) }

    public func update(_ bytes: UnsafeRawBufferPointer) throws {
        guard !finished else { throw VaultCryptoError.invalidParameter("hash already finalized") }
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        try check(EVP_DigestUpdate(context, base, bytes.count))
    }

    public func update(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try update($0) }
    }

    public func finalize() throws -> [UInt8] {
        guard !finished else { throw VaultCryptoError.invalidParameter("hash already finalized") }
        finished = true
        var out = [UInt8](repeating: 0, count: function.digestSize)
        var length: UInt32 = 0
        try out.withUnsafeMutableBufferPointer { try check(EVP_DigestFinal_ex(context, $0.baseAddress, &length)) }
        return out
    }
}
