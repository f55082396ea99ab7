/// Authenticated random access to a Cobblestone-256 ciphertext.
///
/// Opening checks the length is one a message can have, checks the commitment, and decrypts the final
/// chunk, so the plaintext length is authenticated before any read. Each read decrypts only the chunks
/// it touches and returns nothing from a chunk whose tag fails.
public final class CobblestoneReader {
    public let plaintextSize: UInt64
    private let source: any RandomAccessByteSource
    private let cipher: GCMCipher
    private let nonces: ChunkNonces
    private let sealed: UnsafeMutableRawBufferPointer
    private let plaintext: UnsafeMutableRawBufferPointer

    public init(source: some RandomAccessByteSource, key: SecureBytes, context: [UInt8]) throws {
        guard key.count == Cobblestone256.keySize else {
            throw VaultCryptoError.incorrectKeySize(expected: Cobblestone256.keySize, got: key.count)
        }
        var header = [UInt8](repeating: 0, count: Cobblestone256.headerSize)
        let got = try header.withUnsafeMutableBytes { try source.read(at: 0, into: $0) }
        guard got == Cobblestone256.headerSize else { throw VaultCryptoError.truncated }
        let derived = try header.withUnsafeBytes {
            try Cobblestone256.deriveKeys(inputKey: key, salt: UnsafeRawBufferPointer(rebasing: $0[0..<Cobblestone256.saltSize]),
                                          context: context)
        }
        guard constantTimeEquals(Array(header[Cobblestone256.saltSize...]), derived.commitment) else {
            throw VaultCryptoError.commitmentMismatch
        }
        plaintextSize = try Cobblestone256.plaintextSize(forCiphertextSize: source.size)
        self.source = source
        cipher = try GCMCipher(key: derived.key, encrypting: false)
        nonces = ChunkNonces(base: derived.baseNonce)
        sealed = .allocate(byteCount: Cobblestone256.sealedChunkSize, alignment: 16)
        plaintext = .allocate(byteCount: Cobblestone256.chunkSize, alignment: 16)
        // Authenticate the message length now, so a cut or extended ciphertext fails at open.
        _ = try openChunk(finalChunkIndex)
    }

    deinit {
        secureZero(plaintext)
        plaintext.deallocate()
        sealed.deallocate()
    }

    private var finalChunkIndex: UInt64 { plaintextSize / UInt64(Cobblestone256.chunkSize) }

    /// Up to `count` bytes from `offset`; fewer only at the end of the plaintext.
    public func read(offset: UInt64, count: Int) throws -> [UInt8] {
        guard offset <= plaintextSize else { throw VaultCryptoError.outOfRange }
        let available = Int(min(UInt64(count), plaintextSize - offset))
        var out = [UInt8](repeating: 0, count: available)
        var position = offset
        var filled = 0
        do {
            while filled < available {
                let index = position / UInt64(Cobblestone256.chunkSize)
                let within = Int(position % UInt64(Cobblestone256.chunkSize))
                let length = try openChunk(index)
                let take = min(length - within, available - filled)
                out.withUnsafeMutableBytes { dst in
                    UnsafeMutableRawBufferPointer(rebasing: dst[filled..<(filled + take)])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: plaintext[within..<(within + take)]))
                }
                filled += take
                position += UInt64(take)
            }
        } catch {
            secureZero(&out)
            throw error
        }
        return out
    }

    /// Decrypts chunk `index` into `plaintext`; returns its length.
    private func openChunk(_ index: UInt64) throws -> Int {
        let start = UInt64(Cobblestone256.headerSize) + index * UInt64(Cobblestone256.sealedChunkSize)
        let expected = index == finalChunkIndex
            ? Int(plaintextSize % UInt64(Cobblestone256.chunkSize)) + Cobblestone256.tagSize
            : Cobblestone256.sealedChunkSize
        let got = try source.read(at: start, into: UnsafeMutableRawBufferPointer(rebasing: sealed[0..<expected]))
        guard got == expected else { throw VaultCryptoError.truncated }
        let length = expected - Cobblestone256.tagSize
        try cipher.open(nonce: nonces.nonce(for: index), aad: UnsafeRawBufferPointer(start: nil, count: 0),
                        input: UnsafeRawBufferPointer(rebasing: sealed[0..<length]),
                        tag: UnsafeRawBufferPointer(rebasing: sealed[length..<expected]),
                        output: plaintext)
        return length
    }
}
