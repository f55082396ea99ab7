import Foundation

extension Cobblestone256 {
    /// Decrypts a whole message on `workers` threads and writes its plaintext to `sink` on the calling thread, in
    /// order. Each chunk is its own GCM message (its nonce is the base nonce XOR its index), so runs of chunks can be
    /// read and opened independently: each worker reads a run of 32 sealed chunks with `pread` and opens them
    /// straight into an output buffer, so the page-cache copy and the decryption are both spread over the cores and
    /// the plaintext is copied no more (the one-thread pipeline reads on one thread, decrypts on another and copies
    /// each chunk once more into its hand-off buffers).
    ///
    /// Same guarantees as `decrypt(from:to:)`: the commitment is checked before any chunk is opened; a run reaches
    /// the sink only once every chunk in it authenticated, and runs reach it in order, so on an error the sink
    /// holds a prefix of authentic plaintext; a message cut anywhere (its length, a short read) fails. Memory is
    /// constant: one 512 KiB input buffer per worker and `workers + 2` output buffers of 512 KiB, wiped before
    /// they are freed. Returns the plaintext's length.
    @discardableResult
    public static func decryptParallel<Source: RandomAccessByteSource & Sendable>(
        source: Source, to sink: inout some ByteSink, key: SecureBytes, context: [UInt8],
        workers: Int = ParallelDecryption.defaultWorkers
    ) throws -> Int64 {
        guard key.count == keySize else { throw VaultCryptoError.incorrectKeySize(expected: keySize, got: key.count) }
        var header = [UInt8](repeating: 0, count: headerSize)
        guard try header.withUnsafeMutableBytes({ try source.read(at: 0, into: $0) }) == headerSize else { throw VaultCryptoError.truncated }
        let derived = try header.withUnsafeBytes {
            try deriveKeys(inputKey: key, salt: UnsafeRawBufferPointer(rebasing: $0[0..<saltSize]), context: context)
        }
        guard constantTimeEquals(Array(header[saltSize...]), derived.commitment) else { throw VaultCryptoError.commitmentMismatch }
        let plaintextSize = try plaintextSize(forCiphertextSize: source.size)
        let layout = ParallelDecryption.Layout(ciphertextSize: source.size)
        let run = ParallelDecryption(layout: layout, outputs: max(1, workers) + 2)
        let (chunkKey, baseNonce) = (derived.key, derived.baseNonce)
        let joins = (0..<max(1, workers)).map { number in
            OverlappedPipeline.start("casevault-open-\(number)") { run.work(source: source, key: chunkKey, baseNonce: baseNonce) }
        }
        do {
            for job in 0..<layout.jobs {
                let buffer = try run.take(job)
                try sink.write(buffer.filled)
                run.giveBack(buffer)
            }
        } catch {
            run.fail(error)
        }
        for joined in joins { joined.wait() }
        run.release()
        if let failure = run.firstFailure { throw failure }
        return Int64(plaintextSize)
    }
}

/// The threads of one `decryptParallel`: workers claim runs of chunks ("jobs") in order, each with an empty output
/// buffer; the caller takes the filled buffers back in job order.
///
/// @unchecked Sendable: every stored property except the immutable `layout` is read and written only while
/// `condition` is locked; a buffer is owned by one thread at a time, passed only under that lock (as in
/// `PipelineHandOff`), and the caller joins the workers before `release`.
public final class ParallelDecryption: StageCoordination, @unchecked Sendable {
    /// Both cores of the machines this runs on.
    public static var defaultWorkers: Int { max(1, min(2, ProcessInfo.processInfo.activeProcessorCount)) }
    /// 32 chunks a job: 512 KiB of plaintext, as the one-thread pipeline's buffers.
    static let chunksPerJob = 32

    /// Where each job's sealed chunks lie in the ciphertext.
    struct Layout: Sendable {
        let ciphertextSize: UInt64
        /// Every chunk, the short final one included.
        let chunks: Int
        let jobs: Int

        /// For a size `plaintextSize(forCiphertextSize:)` accepted: full chunks, then the final short one.
        init(ciphertextSize: UInt64) {
            self.ciphertextSize = ciphertextSize
            chunks = Int((ciphertextSize - UInt64(Cobblestone256.headerSize)) / UInt64(Cobblestone256.sealedChunkSize)) + 1
            jobs = (chunks + ParallelDecryption.chunksPerJob - 1) / ParallelDecryption.chunksPerJob
        }

        /// The job's first chunk, its number of chunks, and the offset and length of its sealed bytes.
        func job(_ index: Int) -> (firstChunk: Int, count: Int, offset: UInt64, length: Int) {
            let first = index * ParallelDecryption.chunksPerJob
            let count = min(ParallelDecryption.chunksPerJob, chunks - first)
            let offset = UInt64(Cobblestone256.headerSize) + UInt64(first) * UInt64(Cobblestone256.sealedChunkSize)
            let end = first + count == chunks ? ciphertextSize : offset + UInt64(count * Cobblestone256.sealedChunkSize)
            return (first, count, offset, Int(end - offset))
        }
    }

    let layout: Layout
    private var empty: [PipelineBuffer]
    private let all: [PipelineBuffer]
    private var filled: [Int: PipelineBuffer] = [:]
    private var nextJob = 0

    init(layout: Layout, outputs: Int) {
        self.layout = layout
        all = (0..<outputs).map { _ in PipelineBuffer(capacity: ParallelDecryption.chunksPerJob * Cobblestone256.chunkSize) }
        empty = all
        super.init()
    }

    /// A worker: claims the next job with an empty output buffer, reads its sealed chunks and opens each into the
    /// buffer; hands it over only when every chunk authenticated.
    func work<Source: RandomAccessByteSource>(source: Source, key: SecureBytes, baseNonce: [UInt8]) {
        let input = PipelineBuffer(capacity: Self.chunksPerJob * Cobblestone256.sealedChunkSize)
        defer { input.release() }
        do {
            let cipher = try GCMCipher(key: key, encrypting: false)
            let nonces = ChunkNonces(base: baseNonce)
            let noAAD = UnsafeRawBufferPointer(start: nil, count: 0)
            while let (index, output) = try claim() {
                let job = layout.job(index)
                let sealed = UnsafeMutableRawBufferPointer(rebasing: input.storage[0..<job.length])
                guard try source.read(at: job.offset, into: sealed) == job.length else { throw VaultCryptoError.truncated }
                input.setFilled(job.length)
                var plaintextLength = 0
                for chunk in 0..<job.count {
                    let start = chunk * Cobblestone256.sealedChunkSize
                    let end = min(start + Cobblestone256.sealedChunkSize, job.length)
                    let length = end - start - Cobblestone256.tagSize
                    try cipher.open(nonce: nonces.nonce(for: UInt64(job.firstChunk + chunk)), aad: noAAD,
                                    input: UnsafeRawBufferPointer(rebasing: sealed[start..<(start + length)]),
                                    tag: UnsafeRawBufferPointer(rebasing: sealed[(start + length)..<end]),
                                    output: UnsafeMutableRawBufferPointer(rebasing: output.storage[plaintextLength..<(plaintextLength + length)]))
                    plaintextLength += length
                }
                output.setFilled(plaintextLength)
                try deliver(output, job: index)
            }
        } catch {
            fail(error)
        }
    }

    /// The next job and an empty buffer for it, waiting for a buffer; nil when every job is claimed.
    private func claim() throws -> (Int, PipelineBuffer)? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if failure != nil { throw Stopped() }
            if nextJob >= layout.jobs { return nil }
            if let buffer = empty.popLast() {
                nextJob += 1
                return (nextJob - 1, buffer)
            }
            condition.wait()
        }
    }

    private func deliver(_ buffer: PipelineBuffer, job: Int) throws {
        condition.lock()
        defer { condition.unlock() }
        if failure != nil { throw Stopped() }
        filled[job] = buffer
        condition.broadcast()
    }

    /// Job `index`'s plaintext, waiting for it; throws once any thread failed.
    func take(_ index: Int) throws -> PipelineBuffer {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if failure != nil { throw Stopped() }
            if let buffer = filled.removeValue(forKey: index) { return buffer }
            condition.wait()
        }
    }

    func giveBack(_ buffer: PipelineBuffer) {
        condition.lock()
        defer { condition.unlock() }
        buffer.setFilled(0)
        empty.append(buffer)
        condition.broadcast()
    }

    /// Wipes and frees the output buffers (they held plaintext); only after every worker has ended.
    func release() {
        for buffer in all { buffer.release() }
    }
}
