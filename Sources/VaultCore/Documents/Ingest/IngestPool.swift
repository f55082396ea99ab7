import Foundation
import VaultCrypto

/// Encrypts an ingest's files on worker threads while the calling thread takes their outcomes in the files' order,
/// completes their rows and commits them batch by batch. The workers keep encrypting while a batch is being made
/// durable and committed (syncfs, folder fsyncs, SQLite), which was time the one thread spent waiting.
///
/// Workers run at most `window` files ahead of the caller, so the outcomes waiting (rows, not file contents) and the
/// temp blobs not yet committed stay bounded. `finish` stops the workers, joins them and returns the outcomes the
/// caller never took, so a failed ingest removes their temp blobs.
///
/// @unchecked Sendable: every stored property except the immutable ones is read and written only while `condition`
/// is locked, and the worker threads are joined (their semaphores waited on) before `finish` returns.
final class IngestPool: @unchecked Sendable {
    typealias Work = @Sendable (Int, BodyWriter) -> DocumentSealer.Outcome

    /// Both cores of the machines this runs on (the caller mostly waits for the disk and SQLite meanwhile).
    static var defaultWorkers: Int { max(1, min(2, ProcessInfo.processInfo.activeProcessorCount)) }

    private let condition = NSCondition()
    private let count: Int
    private let window: Int
    private let work: Work
    /// The next file a worker starts on.
    private var next = 0
    /// The next file the caller takes.
    private var taken = 0
    private var done: [Int: DocumentSealer.Outcome] = [:]
    private var stopped = false
    private var joins: [DispatchSemaphore] = []
    /// With no workers, the calling thread encrypts each file as it takes it, with this writer.
    private var inline: BodyWriter?

    /// `workers: 0` encrypts each file on the calling thread when it is taken (the order and timing of one thread).
    init(count: Int, workers: Int = IngestPool.defaultWorkers, window: Int, work: @escaping Work) {
        self.count = count
        self.window = max(1, window)
        self.work = work
        let workers = count > 1 ? max(0, workers) : 0
        if workers == 0 { inline = BodyWriter() }
        joins = (0..<workers).map { number in OverlappedPipeline.start("casevault-ingest-\(number)") { [self] in run() } }
    }

    /// The outcome of file `index`, waiting until a worker has it. Indexes are taken in order, each once.
    func take(_ index: Int) -> DocumentSealer.Outcome {
        if let inline {
            taken = index + 1
            return work(index, inline)
        }
        condition.lock()
        defer { condition.unlock() }
        while done[index] == nil { condition.wait() }
        taken = index + 1
        condition.broadcast()  // room for a worker waiting at the window's edge
        return done.removeValue(forKey: index)!
    }

    /// Stops the workers (each ends after its current file), joins them and returns the outcomes never taken.
    func finish() -> [DocumentSealer.Outcome] {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        for joined in joins { joined.wait() }
        joins = []
        inline = nil
        condition.lock()
        defer { condition.unlock() }
        let left = Array(done.values)
        done = [:]
        return left
    }

    private func run() {
        // Each worker has its own buffers, wiped after each file and freed (wiped) when the worker ends.
        let writer = BodyWriter()
        while true {
            condition.lock()
            while !stopped && next < count && next >= taken + window { condition.wait() }
            guard !stopped && next < count else {
                condition.unlock()
                return
            }
            let index = next
            next += 1
            condition.unlock()
            let outcome = work(index, writer)
            condition.lock()
            done[index] = outcome
            condition.broadcast()
            condition.unlock()
        }
    }
}
