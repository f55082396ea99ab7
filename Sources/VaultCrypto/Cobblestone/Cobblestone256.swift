/// Cobblestone-256: the C2SP chunked-encryption scheme (https://c2sp.org/chunked-encryption)
/// instantiated with HKDF-SHA-512 and AES-256-GCM.
///
/// Layout: salt (24) ‖ commitment (32) ‖ chunk₀ ‖ … ‖ chunkₙ, each chunk 16 KiB of plaintext sealed
/// with AES-256-GCM under nonce = base nonce XOR big-endian chunk index, empty AAD. The final chunk is
/// always shorter than 16 KiB (possibly empty), which is how the end of the message is authenticated.
public enum Cobblestone256 {
    public static let keySize = 32
    public static let saltSize = 24
    public static let commitmentSize = 32
    public static let headerSize = saltSize + commitmentSize
    public static let chunkSize = 16384
    public static let tagSize = 16
    public static let sealedChunkSize = chunkSize + tagSize
    /// The spec caps messages at 2³⁸ chunks (4 PiB).
    static let maximumChunkCount: UInt64 = 1 << 38

    static let labelPrefix = Array("c2sp.org/chunked-encryption@v1+".utf8)
    static let aeadName = Array("AEAD_AES_256_GCM".utf8)

    /// The per-message key, base nonce and commitment from HKDF-Expand(SHA-512, input key,
    /// "c2sp.org/chunked-encryption@v1+" ‖ aead ‖ 0x00 ‖ salt ‖ context).
    struct DerivedKeys {
        let key: SecureBytes
        let baseNonce: [UInt8]
        let commitment: [UInt8]
    }

    static func deriveKeys(inputKey: SecureBytes, salt: UnsafeRawBufferPointer, context: [UInt8]) throws -> DerivedKeys {
        guard inputKey.count == keySize else { throw VaultCryptoError.incorrectKeySize(expected: keySize, got: inputKey.count) }
        guard salt.count == saltSize else { throw VaultCryptoError.truncated }
        let info = labelPrefix + aeadName + [0] + Array(salt) + context
        let okm = try HKDF.expand(.sha512, pseudoRandomKey: inputKey, info: info,
                                  outputCount: keySize + GCMCipher.nonceSize + commitmentSize)
        return okm.withUnsafeBytes { bytes in
            DerivedKeys(
                key: SecureBytes(copying: UnsafeRawBufferPointer(rebasing: bytes[0..<keySize])),
                baseNonce: Array(bytes[keySize..<(keySize + GCMCipher.nonceSize)]),
                commitment: Array(bytes[(keySize + GCMCipher.nonceSize)...])
            )
        }
    }

    /// The exact ciphertext length for a plaintext of `plaintextSize` bytes.
    public static func ciphertextSize(forPlaintextSize plaintextSize: UInt64) -> UInt64 {
        let fullChunks = plaintextSize / UInt64(chunkSize)
        let remainder = plaintextSize % UInt64(chunkSize)
        return UInt64(headerSize) + fullChunks * UInt64(sealedChunkSize) + remainder + UInt64(tagSize)
    }

    /// The plaintext length a ciphertext length stands for, or `.truncated` if no message has that length.
    public static func plaintextSize(forCiphertextSize ciphertextSize: UInt64) throws -> UInt64 {
        guard ciphertextSize >= UInt64(headerSize + tagSize) else { throw VaultCryptoError.truncated }
        let body = ciphertextSize - UInt64(headerSize)
        let fullChunks = body / UInt64(sealedChunkSize)
        let remainder = body % UInt64(sealedChunkSize)
        // A remainder shorter than a tag means the short final chunk is missing or cut.
        guard remainder >= UInt64(tagSize) else { throw VaultCryptoError.truncated }
        guard fullChunks < maximumChunkCount else { throw VaultCryptoError.messageTooLong }
        return fullChunks * UInt64(chunkSize) + remainder - UInt64(tagSize)
    }

    /// Writes the nonce for chunk `index` into `nonce` (base nonce XOR index, big-endian, 12 bytes wide): the
    /// definition, byte by byte. The ciphers use `ChunkNonces`, which computes the same without a loop.
    static func nonce(for index: UInt64, base: [UInt8], into nonce: inout [UInt8]) {
        for i in 0..<GCMCipher.nonceSize {
            let shift = (GCMCipher.nonceSize - 1 - i) * 8
            let counterByte: UInt8 = shift < 64 ? UInt8(truncatingIfNeeded: index >> UInt64(shift)) : 0
            nonce[i] = base[i] ^ counterByte
        }
    }

    // MARK: - Whole messages in memory

    public static func seal(_ plaintext: [UInt8], key: SecureBytes, context: [UInt8]) throws -> [UInt8] {
        let encryptor = try CobblestoneEncryptor(key: key, context: context)
        return try sealAll(plaintext, with: encryptor)
    }

    static func seal(_ plaintext: [UInt8], key: SecureBytes, context: [UInt8], salt: [UInt8]) throws -> [UInt8] {
        let encryptor = try CobblestoneEncryptor(key: key, context: context, salt: salt)
        return try sealAll(plaintext, with: encryptor)
    }

    private static func sealAll(_ plaintext: [UInt8], with encryptor: CobblestoneEncryptor) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(Int(ciphertextSize(forPlaintextSize: UInt64(plaintext.count))))
        encryptor.header.withUnsafeBytes { out.append(contentsOf: $0) }
        try plaintext.withUnsafeBytes { input in
            try encryptor.update(input) { out.append(contentsOf: $0) }
        }
        try encryptor.finish { out.append(contentsOf: $0) }
        return out
    }

    /// Decrypts a whole message; throws without returning any plaintext if any part fails.
    public static func open(_ ciphertext: [UInt8], key: SecureBytes, context: [UInt8]) throws -> [UInt8] {
        let decryptor = try CobblestoneDecryptor(key: key, context: context)
        var out: [UInt8] = []
        do {
            try ciphertext.withUnsafeBytes { input in
                try decryptor.update(input) { out.append(contentsOf: $0) }
            }
            try decryptor.finish { out.append(contentsOf: $0) }
        } catch {
            secureZero(&out)
            throw error
        }
        return out
    }

    // MARK: - Streams

    /// Encrypts `source` to `sink` in constant memory: the header, then one sealed chunk per 16 KiB read.
    public static func encrypt(from source: inout some ByteSource, to sink: inout some ByteSink,
                               key: SecureBytes, context: [UInt8]) throws {
        let encryptor = try CobblestoneEncryptor(key: key, context: context)
        try encryptor.encrypt(from: &source, to: &sink)
    }

    /// Decrypts `source` to `sink`, releasing each chunk only after it authenticates. On error the sink has
    /// received a prefix of authentic plaintext; callers that must not keep a partial result discard it.
    public static func decrypt(from source: inout some ByteSource, to sink: inout some ByteSink,
                               key: SecureBytes, context: [UInt8]) throws {
        let decryptor = try CobblestoneDecryptor(key: key, context: context)
        try decryptor.decrypt(from: &source, to: &sink)
    }
}

/// Each chunk's nonce in one fixed 12-byte buffer: the base nonce with its last 8 bytes XORed with the big-endian
/// chunk index (its first 4 bytes XOR zero, as an index is below 2^38). One store per chunk, where the byte loop
/// over arrays cost a uniqueness check, 12 bounds checks and an exclusivity check on every chunk.
final class ChunkNonces {
    private let bytes: UnsafeMutableRawBufferPointer
    private let baseTail: UInt64

    init(base: [UInt8]) {
        precondition(base.count == GCMCipher.nonceSize)
        bytes = .allocate(byteCount: GCMCipher.nonceSize, alignment: 8)
        bytes.copyBytes(from: base)
        baseTail = bytes.loadUnaligned(fromByteOffset: 4, as: UInt64.self)
    }

    deinit { bytes.deallocate() }

    /// The nonce of chunk `index`, valid until the next call.
    @inline(__always)
    func nonce(for index: UInt64) -> UnsafeRawBufferPointer {
        // XOR of the two in-memory byte sequences: the base's bytes as stored, the index's in big-endian order.
        bytes.storeBytes(of: baseTail ^ index.bigEndian, toByteOffset: 4, as: UInt64.self)
        return UnsafeRawBufferPointer(bytes)
    }
}
