import Foundation

/// A stage is made on its own thread from a factory, so its type (not its values) crosses threads.
#if compiler(>=6.2)
public protocol PipelineStage: SendableMetatype {}
#else
public protocol PipelineStage {}
#endif

/// The first stage of an `OverlappedPipeline`: fills buffers from a file (and may look at what it read, to
/// hash or MAC it). It runs on its own thread and is made there, so it need not be Sendable.
public protocol PipelineSource: PipelineStage {
    associatedtype Summary: Sendable
    /// Fills `buffer`; fewer bytes than it holds only at the end, 0 when nothing is left.
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int
    /// Called once after the last buffer: what the stage measured.
    mutating func finish() throws -> Summary
}

/// The middle stage: turns each input buffer into output bytes (encrypts or decrypts), on its own thread.
public protocol PipelineTransform: PipelineStage {
    associatedtype Summary: Sendable
    /// `emit` copies bytes out; they go on to the consumer in order.
    mutating func transform(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws
    mutating func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Summary
}

/// Reading, transforming and writing overlapped on three threads: a reader thread fills input buffers, a
/// worker thread transforms them into output buffers, and the calling thread consumes those in order.
///
/// Memory is constant: `buffersPerLane` input and as many output buffers are allocated up front and only
/// circulate. A failure in any stage (a read error, a chunk that does not authenticate, a full disk in the
/// consumer) stops all three; `run` returns only after both threads have ended, and throws the first error.
/// Every buffer is wiped before it is freed. The consumer sees only what the transform emitted, so a
/// decrypting transform that emits a chunk only after its tag verifies releases nothing unauthenticated.
public struct OverlappedPipeline: Sendable {
    public var inputBufferSize: Int
    public var outputBufferSize: Int
    public var buffersPerLane: Int

    /// 512 KiB reads: 32 plaintext chunks in, 32 sealed chunks out per buffer; eight buffers in all (4 MiB), which
    /// keeps a whole ingest or `cat` within the 64 MiB peak RSS the benchmarks hold it to.
    public init(inputBufferSize: Int = 32 * Cobblestone256.chunkSize, outputBufferSize: Int = 32 * Cobblestone256.sealedChunkSize,
                buffersPerLane: Int = 4) {
        self.inputBufferSize = max(1, inputBufferSize)
        self.outputBufferSize = max(1, outputBufferSize)
        self.buffersPerLane = max(1, buffersPerLane)
    }

    /// For decrypting: page-aligned 512 KiB reads of ciphertext, 512 KiB of plaintext out per buffer.
    public static let decrypting = OverlappedPipeline(inputBufferSize: 512 << 10, outputBufferSize: 512 << 10)

    /// Below this a file is done on one thread: starting two threads and touching the buffers costs more than
    /// overlapping saves.
    public static let worthwhileSize: Int64 = 4 << 20

    public func run<Source: PipelineSource, Transform: PipelineTransform>(
        source makeSource: @escaping @Sendable () throws -> Source,
        transform makeTransform: @escaping @Sendable () throws -> Transform,
        consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (Source.Summary, Transform.Summary) {
        try run(makeSource, makeTransform, keepsOutput: true, consume: consume)
    }

    /// Reads and transforms only: what the transform emits is dropped, not copied (verify needs only that every
    /// chunk authenticates).
    public func run<Source: PipelineSource, Transform: PipelineTransform>(
        source makeSource: @escaping @Sendable () throws -> Source,
        transform makeTransform: @escaping @Sendable () throws -> Transform
    ) throws -> (Source.Summary, Transform.Summary) {
        try run(makeSource, makeTransform, keepsOutput: false, consume: { _ in })
    }

    private func run<Source: PipelineSource, Transform: PipelineTransform>(
        _ makeSource: @escaping @Sendable () throws -> Source,
        _ makeTransform: @escaping @Sendable () throws -> Transform,
        keepsOutput: Bool,
        consume: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (Source.Summary, Transform.Summary) {
        let inputs = (0..<buffersPerLane).map { _ in PipelineBuffer(capacity: inputBufferSize) }
        let outputs = (0..<buffersPerLane).map { _ in PipelineBuffer(capacity: outputBufferSize) }
        let handOff = PipelineHandOff(emptyInputs: inputs, emptyOutputs: outputs)
        let sourceSummary = StageResult<Source.Summary>()
        let transformSummary = StageResult<Transform.Summary>()

        let reader = Self.start("casevault-read") {
            do {
                var source = try makeSource()
                while let buffer = try handOff.take(.emptyInput) {
                    let n = try source.fill(buffer.storage)
                    buffer.setFilled(n)
                    if n > 0 { try handOff.put(buffer, .fullInput) }
                    if n < buffer.storage.count { break }
                }
                sourceSummary.value = try source.finish()
                handOff.close(.fullInput)
            } catch {
                handOff.fail(error)
            }
        }
        let worker = Self.start("casevault-crypt") {
            do {
                var transform = try makeTransform()
                var current: PipelineBuffer?
                // Copies into output buffers, passing each on as soon as it is full.
                func emit(_ bytes: UnsafeRawBufferPointer) throws {
                    guard keepsOutput else { return }
                    var offset = 0
                    while offset < bytes.count {
                        guard let buffer = try current ?? handOff.take(.emptyOutput) else { throw PipelineHandOff.Stopped() }
                        current = buffer
                        let n = min(buffer.room, bytes.count - offset)
                        buffer.append(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]))
                        offset += n
                        if buffer.room == 0 {
                            try handOff.put(buffer, .fullOutput)
                            current = nil
                        }
                    }
                }
                while let buffer = try handOff.take(.fullInput) {
                    try transform.transform(buffer.filled, emit: emit)
                    try handOff.put(buffer, .emptyInput)
                }
                transformSummary.value = try transform.finish(emit: emit)
                if let current, current.count > 0 { try handOff.put(current, .fullOutput) }
                handOff.close(.fullOutput)
            } catch {
                handOff.fail(error)
            }
        }

        do {
            while let buffer = try handOff.take(.fullOutput) {
                try consume(buffer.filled)
                buffer.setFilled(0)
                try handOff.put(buffer, .emptyOutput)
            }
        } catch {
            handOff.fail(error)
        }
        reader.wait()
        worker.wait()
        for buffer in inputs + outputs { buffer.release() }
        if let failure = handOff.firstFailure { throw failure }
        guard let read = sourceSummary.value, let transformed = transformSummary.value else {
            throw VaultCryptoError.invalidParameter("a pipeline stage ended without a result")
        }
        return (read, transformed)
    }

    /// A dedicated thread (not a shared queue's: the stages block on each other) and a semaphore to join it.
    public static func start(_ name: String, _ body: @escaping @Sendable () -> Void) -> DispatchSemaphore {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.name = name
        thread.start()
        return done
    }
}
