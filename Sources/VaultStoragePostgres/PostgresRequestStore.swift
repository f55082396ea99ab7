import Foundation
import VaultStorage

/// One request's way to the pool: its read transactions are one REPEATABLE READ snapshot, begun at its first read
/// and kept until it writes or the caller releases it (the end of each trip to the server's thread pool). Opening the
/// vault, the consent gate and the document's view each read in a transaction of their own before, so a read of a
/// letter sent three BEGIN/COMMIT pairs and asked the same rows (the account, the audit head, the case) in each;
/// in one snapshot they are answered once (`ReadAnswers`).
///
/// What a read sees is what it would have seen had the request's reads all run at its first: the request is one
/// moment of the vault's history, as a CLI command on SQLite sees one. A write ends the snapshot first, so every read
/// after it sees what it wrote (and what other instances committed meanwhile); the writers' lock and the audit head
/// are read afresh in the write transaction, as before.
///
/// Used by one request at a time (the gateway's handle passes it between trips, never two at once).
public final class PostgresRequestStore: VaultRecordStore, @unchecked Sendable {
    let pool: PostgresStorePool
    private var held: (store: PostgresRecordStore, tx: PostgresTransaction)?
    /// Reads in progress (the core may read inside a read): the snapshot ends only when none is.
    private var depth = 0
    /// A read inside another failed: the outer one still uses the transaction, so it ends when the outer one does.
    private var failed = false

    public init(pool: PostgresStorePool) {
        self.pool = pool
    }

    deinit { release() }

    public func read<T>(_ body: (any VaultRecordReading) throws -> T) throws -> T {
        let tx = try heldTransaction()
        depth += 1
        do {
            let result = try body(tx)
            depth -= 1
            if depth == 0 && failed { release() }
            return result
        } catch {
            depth -= 1
            // The failure may have been a statement's, which leaves the transaction aborted: the next read begins anew.
            failed = true
            if depth == 0 { release() }
            throw error
        }
    }

    public func write<T>(_ body: (any VaultRecordWriting) throws -> T) throws -> T {
        // A write inside a read (none in the core today) leaves that read's snapshot as it was, as two stores would.
        if depth == 0 { release() }
        return try pool.write(body)
    }

    /// Ends the snapshot and gives its connection back. The next read begins a new one.
    public func release() {
        guard depth == 0, let held else { return }
        self.held = nil
        let failed = self.failed
        self.failed = false
        // A COMMIT that fails ends a read-only transaction all the same (it changed nothing); the connection, if the
        // database closed it, is dropped by the pool.
        try? held.store.endHeldRead(held.tx, failed: failed)
        pool.checkIn(held.store)
    }

    private func heldTransaction() throws -> PostgresTransaction {
        if let held { return held.tx }
        let store = try pool.checkOut()
        let tx = store.beginHeldRead()
        held = (store, tx)
        return tx
    }

    public func integrityProblems() throws -> [String] {
        // Not on the held connection's account: the pool checks one out, so give this one back first (a request
        // holding one and waiting for another could wait for ever with every connection held).
        release()
        return try pool.integrityProblems()
    }

    public func backup(to path: String) throws {
        release()
        try pool.backup(to: path)
    }

    public func purgeFreedPages() throws {
        release()
        try pool.purgeFreedPages()
    }
}
