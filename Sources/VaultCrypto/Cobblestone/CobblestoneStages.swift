/// The existing streaming encryptor as a pipeline's middle stage: the header, then each chunk as it fills.
public struct CobblestoneEncryptStage: PipelineTransform {
    private let encryptor: CobblestoneEncryptor
    private var headerSent = false
    private var written: Int64 = 0

    public init(key: SecureBytes, context: [UInt8]) throws {
        encryptor = try CobblestoneEncryptor(key: key, context: context)
    }

    public mutating func transform(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try sendHeader(emit)
        try encryptor.update(input) { sealed in
            written += Int64(sealed.count)
            try emit(sealed)
        }
    }

    /// Seals the final short chunk; returns the ciphertext's length.
    public mutating func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        try sendHeader(emit)
        try encryptor.finish { sealed in
            written += Int64(sealed.count)
            try emit(sealed)
        }
        return written
    }

    private mutating func sendHeader(_ emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !headerSent else { return }
        headerSent = true
        try encryptor.header.withUnsafeBytes { try emit($0) }
        written += Int64(encryptor.header.count)
    }
}

/// The existing streaming decryptor as a pipeline's middle stage. It emits a chunk's plaintext only after
/// the chunk's tag verifies (and the final chunk only at `finish`), so nothing unauthenticated goes on.
public struct CobblestoneDecryptStage: PipelineTransform {
    private let decryptor: CobblestoneDecryptor
    private var produced: Int64 = 0

    public init(key: SecureBytes, context: [UInt8]) throws {
        decryptor = try CobblestoneDecryptor(key: key, context: context)
    }

    public mutating func transform(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try decryptor.update(input) { plaintext in
            produced += Int64(plaintext.count)
            try emit(plaintext)
        }
    }

    /// Authenticates the final chunk; returns the plaintext's length.
    public mutating func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        try decryptor.finish { plaintext in
            produced += Int64(plaintext.count)
            try emit(plaintext)
        }
        return produced
    }
}

extension Cobblestone256 {
    /// `decrypt(from:to:)` overlapped: the descriptor is read on one thread, decrypted on another, and `sink`
    /// written on the calling thread, in order. Plaintext reaches the sink only from chunks that authenticated;
    /// on error the sink holds a prefix of authentic plaintext, as with `decrypt(from:to:)`. Returns the
    /// plaintext's length.
    @discardableResult
    public static func decrypt(fd: Int32, to sink: inout some ByteSink, key: SecureBytes, context: [UInt8],
                               pipeline: OverlappedPipeline = .decrypting) throws -> Int64 {
        let (_, produced) = try pipeline.run(source: { try FileReadStage(fd: fd) },
                                             transform: { try CobblestoneDecryptStage(key: key, context: context) },
                                             consume: { try sink.write($0) })
        return produced
    }
}
