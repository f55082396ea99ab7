internal import COpenSSL

/// scrypt (RFC 7914) over `EVP_KDF` "SCRYPT", for turning a passphrase into a key.
public enum Scrypt {
    public struct Parameters: Sendable, Equatable, Codable {
        public var log2N: Int
        public var r: Int
        public var p: Int

        public init(log2N: Int, r: Int, p: Int) {
            self.log2N = log2N
            self.r = r
            self.p = p
        }

        /// The vault's passphrase setting: N = 2^17, r = 8, p = 1 (about 128 MiB and a fraction of a second).
        public static let passphrase = Parameters(log2N: 17, r: 8, p: 1)

        /// Memory scrypt needs, so OpenSSL's limit can be set just above it.
        var memoryBytes: UInt64 { 128 * UInt64(r) * (UInt64(1) << UInt64(log2N)) + 128 * UInt64(r) * UInt64(p) }
    }

    public static func deriveKey(passphrase: SecureBytes, salt: [UInt8], parameters: Parameters, outputCount: Int) throws -> SecureBytes {
        guard (1...30).contains(parameters.log2N), (1...64).contains(parameters.r), (1...16).contains(parameters.p) else {
            throw VaultCryptoError.invalidParameter("scrypt parameters out of range")
        }
        guard outputCount > 0 else { throw VaultCryptoError.invalidParameter("scrypt output length must be positive") }
        let context = try KDFContext(algorithm: "SCRYPT")
        return try passphrase.withUnsafeBytes { pass in
            try salt.withUnsafeBytes { saltBytes in
                let params: [OSSLParam] = [
                    .octets("pass", pass), .octets("salt", saltBytes),
                    .uint64("n", UInt64(1) << UInt64(parameters.log2N)),
                    .uint32("r", UInt32(parameters.r)), .uint32("p", UInt32(parameters.p)),
                    .uint64("maxmem_bytes", parameters.memoryBytes + (16 << 20)),
                ]
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
