/// Streaming Cobblestone-256 decryption in constant memory.
///
/// The commitment is checked before any chunk is decrypted, and a chunk's plaintext is handed out only
/// after its tag verifies. Because the final chunk is recognised by being short, a full chunk is held back
/// until at least one more byte arrives. After any error the decryptor stays failed.
public final class CobblestoneDecryptor {
    private let inputKey: SecureBytes
    private let context: [UInt8]
    private var header: [UInt8] = []
    private var cipher: GCMCipher?
    private var nonces: ChunkNonces?
    private var chunkIndex: UInt64 = 0
    private let pending: UnsafeMutableRawBufferPointer
    private var pendingCount = 0
    private let plaintext: UnsafeMutableRawBufferPointer
    private var failed = false
    private var finished = false

    public init(key: SecureBytes, context: [UInt8]) throws {
        guard key.count == Cobblestone256.keySize else {
            throw VaultCryptoError.incorrectKeySize(expected: Cobblestone256.keySize, got: key.count)
        }
        inputKey = key
        self.context = context
        pending = .allocate(byteCount: Cobblestone256.sealedChunkSize, alignment: 16)
        plaintext = .allocate(byteCount: Cobblestone256.chunkSize, alignment: 16)
    }

    deinit {
        secureZero(plaintext)
        plaintext.deallocate()
        pending.deallocate()
    }

    /// Feeds ciphertext; `emit` receives authenticated plaintext, valid only during the call.
    public func update(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try failClosed {
            guard !finished else { throw VaultCryptoError.authenticationFailure }
            var offset = 0
            if cipher == nil {
                let take = min(Cobblestone256.headerSize - header.count, input.count)
                header.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[0..<take]))
                offset = take
                guard header.count == Cobblestone256.headerSize else { return }
                try checkHeader()
            }
            while offset < input.count {
                if pendingCount == Cobblestone256.sealedChunkSize {
                    // More data follows, so the held-back full chunk was not the final one.
                    try openChunk(UnsafeRawBufferPointer(pending), emit: emit)
                    pendingCount = 0
                }
                if pendingCount == 0 && input.count - offset > Cobblestone256.sealedChunkSize {
                    try openChunk(UnsafeRawBufferPointer(rebasing: input[offset..<(offset + Cobblestone256.sealedChunkSize)]),
                                  emit: emit)
                    offset += Cobblestone256.sealedChunkSize
                    continue
                }
                let take = min(Cobblestone256.sealedChunkSize - pendingCount, input.count - offset)
                UnsafeMutableRawBufferPointer(rebasing: pending[pendingCount..<(pendingCount + take)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: input[offset..<(offset + take)]))
                pendingCount += take
                offset += take
            }
        }
    }

    /// Ends the message: the held-back chunk must be a valid short final chunk.
    public func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try failClosed {
            guard !finished else { throw VaultCryptoError.authenticationFailure }
            guard cipher != nil else { throw VaultCryptoError.truncated }
            // A final chunk must hold a tag and be shorter than a full sealed chunk; anything else means the
            // stream stopped at or inside a chunk boundary.
            guard pendingCount >= Cobblestone256.tagSize, pendingCount < Cobblestone256.sealedChunkSize else {
                throw VaultCryptoError.truncated
            }
            try openChunk(UnsafeRawBufferPointer(rebasing: pending[0..<pendingCount]), emit: emit)
            pendingCount = 0
            finished = true
        }
    }

    /// Reads `source` to its end and writes authenticated plaintext to `sink`.
    public func decrypt(from source: inout some ByteSource, to sink: inout some ByteSink) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4 * Cobblestone256.sealedChunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = try source.readFully(into: buffer)
            if n == 0 { break }
            try update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]), emit: { try sink.write($0) })
            if n < buffer.count { break }
        }
        try finish(emit: { try sink.write($0) })
    }

    private func checkHeader() throws {
        let derived = try header.withUnsafeBytes {
            try Cobblestone256.deriveKeys(inputKey: inputKey, salt: UnsafeRawBufferPointer(rebasing: $0[0..<Cobblestone256.saltSize]),
                                          context: context)
        }
        let stored = Array(header[Cobblestone256.saltSize...])
        guard constantTimeEquals(stored, derived.commitment) else { throw VaultCryptoError.commitmentMismatch }
        cipher = try GCMCipher(key: derived.key, encrypting: false)
        nonces = ChunkNonces(base: derived.baseNonce)
    }

    private func openChunk(_ sealed: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let cipher, let nonces else { throw VaultCryptoError.truncated }
        guard chunkIndex < Cobblestone256.maximumChunkCount else { throw VaultCryptoError.messageTooLong }
        let length = sealed.count - Cobblestone256.tagSize
        try cipher.open(nonce: nonces.nonce(for: chunkIndex), aad: UnsafeRawBufferPointer(start: nil, count: 0),
                        input: UnsafeRawBufferPointer(rebasing: sealed[0..<length]),
                        tag: UnsafeRawBufferPointer(rebasing: sealed[length...]),
                        output: plaintext)
        chunkIndex += 1
        try emit(UnsafeRawBufferPointer(rebasing: plaintext[0..<length]))
    }

    private func failClosed(_ body: () throws -> Void) throws {
        guard !failed else { throw VaultCryptoError.authenticationFailure }
        do {
            try body()
        } catch {
            failed = true
            secureZero(plaintext)
            throw error
        }
    }
}
