internal import COpenSSL

/// The CSPRNG: OpenSSL's `RAND_bytes`, checked. Fails closed: on error nothing is returned.
public enum SystemRandom {
    public static func fill(_ buffer: UnsafeMutableRawBufferPointer) throws {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        OpenSSLErrorStack.clear()
        guard RAND_bytes(base.assumingMemoryBound(to: UInt8.self), Int32(buffer.count)) == 1 else {
            secureZero(buffer)
            throw VaultCryptoError.randomGenerationFailed(.drain())
        }
    }

    /// Random bytes that are not secret (salts, nonces, ids).
    public static func bytes(count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        try out.withUnsafeMutableBytes { try fill($0) }
        return out
    }
}
