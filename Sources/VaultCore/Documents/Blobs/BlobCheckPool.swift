import Foundation

/// Runs `verify`'s blob checks on worker threads while the calling thread prepares the next ones (it reads the
/// rows and unwraps the keys, which stay on that thread).
///
/// Small checks travel in batches, so handing one over costs little per document; a large one travels alone (with
/// `--read-data` it runs its own reading and decrypting threads). At most `workers` batches wait while `workers`
/// run, so memory stays bounded whatever the vault's size. Only failures are kept, by the document's position, so
/// the caller reports them in the order one thread would have found them.
///
/// @unchecked Sendable: every stored property is read and written only while `condition` is locked, and the
/// worker threads are joined (their semaphores waited on) before `finish` returns.
final class BlobCheckPool: @unchecked Sendable {
    /// A batch is handed over once it holds this many checks or this many bytes of ciphertext.
    static let batchCount = 32
    static let batchBytes: Int64 = 4 << 20
    /// Both cores of the machines this runs on; more threads would only wait for them (and for the disk).
    static var defaultWorkers: Int { max(1, min(2, ProcessInfo.processInfo.activeProcessorCount)) }

    struct Outcome {
        /// Failures by the position the caller gave each check.
        var failures: [Int: any Error] = [:]
        var bytesDecrypted: Int64 = 0
        var checkedWithoutKey = 0
    }

    private typealias Batch = [(index: Int, check: BlobCheck)]

    private let condition = NSCondition()
    private var waiting: [Batch] = []
    private var closed = false
    private var outcome = Outcome()
    private var pending: Batch = []
    private var pendingBytes: Int64 = 0
    private var joins: [DispatchSemaphore] = []
    private let workers: Int

    /// `workers: 0` runs every check on the calling thread as it is added (the order of one thread, for tests).
    init(workers: Int = BlobCheckPool.defaultWorkers) {
        self.workers = max(0, workers)
        for number in 0..<self.workers {
            let done = DispatchSemaphore(value: 0)
            let thread = Thread { [self] in
                work()
                done.signal()
            }
            thread.name = "casevault-verify-\(number)"
            thread.start()
            joins.append(done)
        }
    }

    /// Queues one check; waits while the workers are `workers` batches behind.
    func add(_ check: BlobCheck, at index: Int) {
        guard workers > 0 else { return run([(index, check)]) }
        let large = check.ciphertextSize >= Self.batchBytes
        if large {
            hand([(index, check)])
            return
        }
        pending.append((index, check))
        pendingBytes += check.ciphertextSize
        if pending.count >= Self.batchCount || pendingBytes >= Self.batchBytes { flush() }
    }

    /// Runs what is left, waits for the workers and returns what they found.
    func finish() -> Outcome {
        flush()
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
        for join in joins { join.wait() }
        joins = []
        condition.lock()
        defer { condition.unlock() }
        return outcome
    }

    private func flush() {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        pendingBytes = 0
        if workers > 0 { hand(batch) } else { run(batch) }
    }

    private func hand(_ batch: Batch) {
        condition.lock()
        defer { condition.unlock() }
        while waiting.count >= workers { condition.wait() }
        waiting.append(batch)
        condition.broadcast()
    }

    private func work() {
        while true {
            condition.lock()
            while waiting.isEmpty && !closed { condition.wait() }
            guard !waiting.isEmpty else {
                condition.unlock()
                return
            }
            let batch = waiting.removeFirst()
            condition.broadcast()  // room for the caller's next batch
            condition.unlock()
            run(batch)
        }
    }

    private func run(_ batch: Batch) {
        var found = Outcome()
        for (index, check) in batch {
            do {
                found.bytesDecrypted += try check.run()
                if check.depth == .ciphertext { found.checkedWithoutKey += 1 }
            } catch {
                found.failures[index] = error
            }
        }
        condition.lock()
        defer { condition.unlock() }
        outcome.bytesDecrypted += found.bytesDecrypted
        outcome.checkedWithoutKey += found.checkedWithoutKey
        outcome.failures.merge(found.failures) { first, _ in first }
    }
}
