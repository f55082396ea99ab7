import Foundation
import VaultStorage

/// One server instance's connections to the vault's database, shared by every request's `Vault`: reads each take an
/// idle connection for their transaction (so requests read in parallel), and writes go through one group commit
/// (`PostgresGroupCommit`). Before it a request opened its own connection (and checked the schema under the writers'
/// lock) and closed it again, and the one connection of a store took one transaction at a time.
public final class PostgresStorePool: VaultRecordStore, @unchecked Sendable {
    let endpoint: PostgresRecordStore.Endpoint
    /// Reading connections at most; more readers wait for one to come back.
    let readers: Int
    let committer: PostgresGroupCommit
    private let condition = NSCondition()
    private var idle: [PostgresRecordStore] = []
    private var opened = 0
    private var closed = false

    /// Connects nothing yet: each connection is opened (and checks the schema) when first needed.
    public init(endpoint: PostgresRecordStore.Endpoint, readers: Int, maxBatch: Int = 64) {
        self.endpoint = endpoint
        self.readers = max(1, readers)
        committer = PostgresGroupCommit(endpoint: endpoint, maxBatch: maxBatch)
    }

    deinit { close() }

    /// Statements the idle reading connections have sent so far (for tests: the round trips requests' reads cost).
    public var readStatementsSent: Int { condition.withLock { idle.reduce(0) { $0 + $1.statementsSent } } }
    /// The waits for the database those statements cost.
    public var readRoundTrips: Int { condition.withLock { idle.reduce(0) { $0 + $1.roundTrips } } }

    /// Write transactions committed so far, however many writers each carried.
    public var commitBatches: Int { committer.batches }

    public func close() {
        let stores = condition.withLock {
            closed = true
            defer { idle = [] }
            return idle
        }
        stores.forEach { $0.close() }
        committer.close()
    }

    public func read<T>(_ body: (any VaultRecordReading) throws -> T) throws -> T {
        let store = try checkOut()
        defer { checkIn(store) }
        return try store.read(body)
    }

    public func write<T>(_ body: (any VaultRecordWriting) throws -> T) throws -> T {
        try committer.write(body)
    }

    public func integrityProblems() throws -> [String] {
        let store = try checkOut()
        defer { checkIn(store) }
        return try store.integrityProblems()
    }

    public func backup(to path: String) throws {
        let store = try checkOut()
        defer { checkIn(store) }
        try store.backup(to: path)
    }

    public func purgeFreedPages() throws {
        let store = try checkOut()
        defer { checkIn(store) }
        try store.purgeFreedPages()
    }

    func checkOut() throws -> PostgresRecordStore {
        condition.lock()
        while true {
            if closed {
                condition.unlock()
                throw StoreError.failed("the server is stopping: its database connections are closed")
            }
            if let store = idle.popLast() {
                // One the database closed while it sat idle (a restart of PostgreSQL) is dropped here, not handed to a
                // request to fail on: its place is opened anew below.
                if store.connection.isClosed {
                    opened -= 1
                    condition.unlock()
                    store.close()
                    condition.lock()
                    continue
                }
                condition.unlock()
                return store
            }
            if opened < readers {
                opened += 1
                condition.unlock()
                do {
                    return try PostgresRecordStore(endpoint: endpoint)
                } catch {
                    condition.withLock {
                        opened -= 1
                        condition.signal()
                    }
                    throw error
                }
            }
            condition.wait()
        }
    }

    func checkIn(_ store: PostgresRecordStore) {
        // A connection the server dropped is not handed out again; its place is opened anew when needed.
        let keep = !store.connection.isClosed
        let shut = condition.withLock {
            if keep && !closed { idle.append(store) } else { opened -= 1 }
            condition.signal()
            return !keep || closed
        }
        if shut { store.close() }
    }
}
