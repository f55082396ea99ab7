/// Streaming Cobblestone-256 encryption in constant memory.
///
/// One `EVP_CIPHER_CTX` holds the key schedule for the whole message; each chunk only sets a new nonce.
/// Full chunks taken straight from the caller's buffer are sealed without a copy; only a partial tail is
/// staged. Use one instance for exactly one message: `header`, then `update` any number of times, then
/// `finish` once.
public final class CobblestoneEncryptor {
    /// salt ‖ commitment: the first 56 bytes of the ciphertext.
    public let header: [UInt8]
    private let cipher: GCMCipher
    private let nonces: ChunkNonces
    private var chunkIndex: UInt64 = 0
    private let staging: UnsafeMutableRawBufferPointer
    private let sealed: UnsafeMutableRawBufferPointer
    private var staged = 0
    private var finished = false

    public convenience init(key: SecureBytes, context: [UInt8]) throws {
        try self.init(key: key, context: context, salt: try SystemRandom.bytes(count: Cobblestone256.saltSize))
    }

    /// A caller-chosen salt exists only so known-answer tests can reproduce published ciphertexts.
    init(key: SecureBytes, context: [UInt8], salt: [UInt8]) throws {
        guard salt.count == Cobblestone256.saltSize else {
            throw VaultCryptoError.invalidParameter("Cobblestone salt must be \(Cobblestone256.saltSize) bytes")
        }
        let derived = try salt.withUnsafeBytes { try Cobblestone256.deriveKeys(inputKey: key, salt: $0, context: context) }
        cipher = try GCMCipher(key: derived.key, encrypting: true)
        nonces = ChunkNonces(base: derived.baseNonce)
        header = salt + derived.commitment
        staging = .allocate(byteCount: Cobblestone256.chunkSize, alignment: 16)
        sealed = .allocate(byteCount: Cobblestone256.sealedChunkSize, alignment: 16)
    }

    deinit {
        secureZero(staging)
        staging.deallocate()
        sealed.deallocate()
    }

    /// Encrypts more plaintext; `emit` receives zero or more sealed chunks, valid only during the call.
    public func update(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !finished else { throw VaultCryptoError.invalidParameter("encryptor already finished") }
        var offset = 0
        if staged > 0 {
            let take = min(Cobblestone256.chunkSize - staged, input.count)
            UnsafeMutableRawBufferPointer(rebasing: staging[staged..<(staged + take)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: input[0..<take]))
            staged += take
            offset = take
            // A full chunk is never the final one (that one is always short), so it can go now.
            if staged == Cobblestone256.chunkSize {
                try sealChunk(UnsafeRawBufferPointer(staging), emit: emit)
                staged = 0
            }
        }
        while input.count - offset >= Cobblestone256.chunkSize {
            try sealChunk(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + Cobblestone256.chunkSize)]), emit: emit)
            offset += Cobblestone256.chunkSize
        }
        if offset < input.count {
            let rest = input.count - offset
            UnsafeMutableRawBufferPointer(rebasing: staging[0..<rest])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: input[offset...]))
            staged = rest
        }
    }

    /// Seals the final, short (possibly empty) chunk.
    public func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !finished else { throw VaultCryptoError.invalidParameter("encryptor already finished") }
        finished = true
        try sealChunk(UnsafeRawBufferPointer(rebasing: staging[0..<staged]), emit: emit)
        secureZero(staging)
        staged = 0
    }

    /// Header, then chunks, from `source` to `sink`; reads straight into the staging buffer.
    public func encrypt(from source: inout some ByteSource, to sink: inout some ByteSink) throws {
        guard !finished, staged == 0, chunkIndex == 0 else {
            throw VaultCryptoError.invalidParameter("encryptor already used")
        }
        try header.withUnsafeBytes { try sink.write($0) }
        while true {
            let n = try source.readFully(into: staging)
            if n < Cobblestone256.chunkSize {
                staged = n
                break
            }
            try sealChunk(UnsafeRawBufferPointer(staging), emit: { try sink.write($0) })
        }
        try finish(emit: { try sink.write($0) })
    }

    private func sealChunk(_ plaintext: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard chunkIndex < Cobblestone256.maximumChunkCount else { throw VaultCryptoError.messageTooLong }
        let length = plaintext.count
        try cipher.seal(nonce: nonces.nonce(for: chunkIndex), aad: UnsafeRawBufferPointer(start: nil, count: 0), input: plaintext,
                        output: UnsafeMutableRawBufferPointer(rebasing: sealed[0..<length]),
                        tag: UnsafeMutableRawBufferPointer(rebasing: sealed[length..<(length + Cobblestone256.tagSize)]))
        chunkIndex += 1
        try emit(UnsafeRawBufferPointer(rebasing: sealed[0..<(length + Cobblestone256.tagSize)]))
    }
}
