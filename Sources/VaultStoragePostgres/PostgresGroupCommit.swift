import Foundation
import PostgresNIO
import VaultStorage

/// Group commit: the write transactions that several requests of one server start at the same time run one after
/// the other inside ONE PostgreSQL transaction, which takes the vault's writers' lock once and commits (one WAL
/// flush) once. Without it every audited read paid its own lock wait and durable commit (~16 ms on the load test's
/// machine), so a whole partnership was served one commit at a time.
///
/// What each caller sees is unchanged: its body runs under the writers' lock after the chain head is current (the
/// lock is taken before any body runs, and each body reads the head as written by the bodies before it), and
/// `write` returns only once the transaction holding its changes has committed. Each body runs inside its own
/// SAVEPOINT, so a body that throws is undone alone and its caller gets its error; if the COMMIT itself fails, every
/// caller of the batch gets that error and none of their changes exists. An audited read therefore still fails
/// closed: it returns no data unless its event committed.
///
/// Leader and followers: the first caller to find no batch running commits everything queued so far (its own body
/// included); callers arriving meanwhile queue, and when the batch ends one of them leads the next batch.
final class PostgresGroupCommit: @unchecked Sendable {
    /// Where the writer connects, when the first batch needs it.
    let endpoint: PostgresRecordStore.Endpoint
    /// The connection every batch runs on (writes are serialised by the advisory lock anyway); used only by the
    /// leader, replaced when the server dropped it.
    private var writer: PostgresRecordStore?
    /// A bound on one batch, so a caller's wait stays bounded under a flood of writers.
    let maxBatch: Int
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var leading = false
    private var batchesCommitted = 0

    /// One caller's body and, once its batch ends, its outcome. Guarded by `condition`.
    final class Pending {
        var body: ((PostgresTransaction) throws -> Void)?
        var done = false
        var error: (any Error)?
        init(_ body: @escaping (PostgresTransaction) throws -> Void) { self.body = body }
    }

    init(endpoint: PostgresRecordStore.Endpoint, maxBatch: Int = 64) {
        self.endpoint = endpoint
        self.maxBatch = maxBatch
    }

    func close() {
        condition.withLock {
            defer { writer = nil }
            return writer
        }?.close()
    }

    /// Runs one batch on the writer connection (connecting it first if needed); called by the leader only.
    private func commit(_ bodies: [(PostgresTransaction) throws -> Void]) -> [(any Error)?] {
        do {
            let store: PostgresRecordStore
            if let open = condition.withLock({ writer }), !open.connection.isClosed {
                store = open
            } else {
                store = try PostgresRecordStore(endpoint: endpoint)
                condition.withLock { writer = store }
            }
            return store.commitBatch(bodies)
        } catch {
            return bodies.map { _ in error }
        }
    }

    /// Batches run so far (for tests: how many commits served how many writers).
    var batches: Int { condition.withLock { batchesCommitted } }
    /// For tests: a batch is running, and how many writers wait for the next one.
    var isLeading: Bool { condition.withLock { leading } }
    var queued: Int { condition.withLock { queue.count } }

    func write<T>(_ body: (any VaultRecordWriting) throws -> T) throws -> T {
        // The caller blocks until its body has run and every reference to it is dropped (`body = nil` below, under
        // the lock, before `done`), so the closure never outlives this call.
        try withoutActuallyEscaping(body) { body in
            var result: T?
            let pending = Pending { tx in result = try body(tx) }
            condition.lock()
            queue.append(pending)
            while !pending.done {
                if leading {
                    condition.wait()
                    continue
                }
                leading = true
                let batch = Array(queue.prefix(maxBatch))
                queue.removeFirst(batch.count)
                condition.unlock()
                let outcomes = commit(batch.map { $0.body! })
                condition.lock()
                for (pending, outcome) in zip(batch, outcomes) {
                    pending.body = nil
                    pending.error = outcome
                    pending.done = true
                }
                batchesCommitted += 1
                leading = false
                condition.broadcast()
            }
            condition.unlock()
            if let error = pending.error { throw error }
            guard let result else { throw StoreError.failed("a grouped write ended without a result") }
            return result
        }
    }
}

extension PostgresRecordStore {
    /// Runs `bodies` in one transaction under the writers' lock, each in its own savepoint; one outcome per body
    /// (nil: its changes committed). A failure outside the bodies (BEGIN, the lock, COMMIT) is every body's.
    func commitBatch(_ bodies: [(PostgresTransaction) throws -> Void]) -> [(any Error)?] {
        lock.lock()
        defer { lock.unlock() }
        var outcomes = [(any Error)?](repeating: nil, count: bodies.count)
        let tx = PostgresTransaction(store: self)
        do {
            beginWithNext("BEGIN")
            try tx.lockForWriting()
            if bodies.count == 1 {
                // Alone, the transaction is the savepoint: two round trips fewer.
                try bodies[0](tx)
            } else {
                for (index, body) in bodies.enumerated() {
                    try tx.execute("SAVEPOINT casevault_writer")
                    do {
                        try body(tx)
                        try tx.execute("RELEASE SAVEPOINT casevault_writer")
                    } catch {
                        outcomes[index] = error
                        // Whatever it appended is undone: the head is read again by the next writer.
                        tx.head?.forget()
                        dropPendingAppends()
                        try tx.execute("ROLLBACK TO SAVEPOINT casevault_writer")
                        try tx.execute("RELEASE SAVEPOINT casevault_writer")
                    }
                }
            }
            try commit(tx)
        } catch {
            // A failed ROLLBACK means the connection is gone, and with it the transaction: nothing was committed.
            if !discardPending() { _ = try? tx.execute("ROLLBACK") }
            for index in outcomes.indices where outcomes[index] == nil { outcomes[index] = error }
        }
        return outcomes
    }
}
