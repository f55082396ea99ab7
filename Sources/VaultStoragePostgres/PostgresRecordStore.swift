import Audit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import VaultStorage

/// The vault's records in PostgreSQL, for a team server whose instances share one database. The same protocols and
/// the same conformance suite as the SQLite store (Tests/VaultStorageTests), so the core cannot tell them apart.
///
/// Every write transaction first takes one advisory lock for the vault, so writers on every instance are serialised
/// exactly as SQLite serialises them: two instances cannot both chain an audit event after the same head, and the
/// state ledger's index always moves one transaction at a time. Reads run at REPEATABLE READ, so one read sees one
/// snapshot however long it takes.
public final class PostgresRecordStore: VaultRecordStore, @unchecked Sendable {
    /// Where the database is and who connects. The password is never printed (see `description`).
    public struct Endpoint: Sendable, CustomStringConvertible {
        public enum Address: Sendable { case tcp(host: String, port: Int), unixSocket(path: String) }
        public var address: Address
        public var username: String
        public var password: String?
        public var database: String

        public init(address: Address, username: String, password: String? = nil, database: String) {
            self.address = address
            self.username = username
            self.password = password
            self.database = database
        }

        public var description: String {
            switch address {
            case .tcp(let host, let port): "postgresql://\(username)@\(host):\(port)/\(database)"
            case .unixSocket(let path): "postgresql://\(username)@[\(path)]/\(database)"
            }
        }
    }

    /// The one advisory lock key of a vault's writers ("casevault" as 8 bytes).
    static let writeLockKey: Int64 = 0x6361_7365_7661_756C

    let connection: PostgresConnection
    let group: MultiThreadedEventLoopGroup
    let logger = Logger(label: "casevault.postgres")
    /// One transaction at a time on the connection (the core also never nests them).
    let lock = NSLock()
    /// Each table's columns, read once from the database (guarded by `lock`).
    var tableColumns: [String: [String]] = [:]
    /// Statements sent so far (guarded by `lock`).
    private var sent = 0
    public var statementsSent: Int { lock.withLock { sent } }
    /// Times the caller waited for the database (guarded by `lock`): statements sent together (`sendWithNext`,
    /// `runTogether`) are one wait, however many they are.
    private var waits = 0
    public var roundTrips: Int { lock.withLock { waits } }
    /// Statements that need no answer of their own before the next, sent with it (guarded by `lock`): a transaction's
    /// BEGIN, and a write's appends (`PostgresTransaction.appendWithNext`), whose only answer is that they worked.
    private var pending: [PostgresQuery] = []
    /// Whether `pending` starts with its transaction's BEGIN: then nothing of the transaction has reached the database.
    private var beginPending = false

    public init(endpoint: Endpoint) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let configuration: PostgresConnection.Configuration
        switch endpoint.address {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: endpoint.username, password: endpoint.password, database: endpoint.database,
                                  tls: .disable)
        case .unixSocket(let path):
            configuration = .init(unixSocketPath: path, username: endpoint.username, password: endpoint.password, database: endpoint.database)
        }
        do {
            connection = try PostgresConnection.connect(on: group.next(), configuration: configuration, id: 1, logger: logger).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw StoreError.failed("cannot reach the vault database at \(endpoint): \(Self.reason(error))")
        }
        do {
            try migrate()
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// Closes the connection; the store cannot be used afterwards.
    public func close() {
        if !connection.isClosed { try? connection.close().wait() }
        try? group.syncShutdownGracefully()
    }

    // MARK: - Transactions

    public func read<T>(_ body: (any VaultRecordReading) throws -> T) throws -> T {
        try transaction(begin: "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", readOnly: true, body)
    }

    public func write<T>(_ body: (any VaultRecordWriting) throws -> T) throws -> T {
        try transaction(begin: "BEGIN", lockForWriting: true, body)
    }

    private func transaction<T>(begin: String, readOnly: Bool = false, lockForWriting: Bool = false,
                                _ body: (PostgresTransaction) throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let tx = PostgresTransaction(store: self, readOnly: readOnly)
        beginWithNext(PostgresQuery(unsafeSQL: begin))
        do {
            if lockForWriting { try tx.lockForWriting() }
            let result = try body(tx)
            try commit(tx)
            return result
        } catch {
            // A failed ROLLBACK means the connection is gone, and with it the transaction: nothing was committed either way.
            if !discardPending() { _ = try? tx.execute("ROLLBACK") }
            throw error
        }
    }

    /// COMMIT, unless the transaction asked nothing (then BEGIN is not sent either); appends still waiting go with
    /// it, and the first of them to fail is the error. PostgreSQL answers the COMMIT of a transaction a failed
    /// statement aborted with ROLLBACK, not an error: a caller that caught that statement's error would otherwise
    /// believe its changes stored.
    func commit(_ tx: PostgresTransaction) throws {
        guard !onlyBeginPending else { return clearPending() }
        let result = try tx.execute("COMMIT")
        guard result.metadata.command == "COMMIT" else {
            throw StoreError.failed("the database rolled the transaction back (a statement in it had failed); nothing of it was stored")
        }
    }

    /// Begins a read transaction that outlives one call (`PostgresRequestStore`): the caller has this connection to
    /// itself (checked out of the pool), so the store's lock, which one thread must both take and release, is not
    /// held across the calls. BEGIN goes with the first read.
    func beginHeldRead() -> PostgresTransaction {
        beginWithNext("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return PostgresTransaction(store: self, readOnly: true)
    }

    /// Ends it: COMMIT, or ROLLBACK after a failure in it (a failed statement leaves the transaction aborted); nothing
    /// when it never read.
    func endHeldRead(_ tx: PostgresTransaction, failed: Bool) throws {
        guard !onlyBeginPending else { return clearPending() }
        if failed {
            _ = try? tx.execute("ROLLBACK")
        } else {
            try tx.execute("COMMIT")
        }
    }

    // MARK: - Statements

    /// `query` goes to the database with the next statement, in the same wait.
    func sendWithNext(_ query: PostgresQuery) { pending.append(query) }

    /// A transaction's BEGIN, sent with its first statement.
    func beginWithNext(_ query: PostgresQuery) {
        pending = [query]
        beginPending = true
    }

    /// The transaction has sent nothing yet and has nothing else to send.
    private var onlyBeginPending: Bool { beginPending && pending.count == 1 }

    private func clearPending() {
        pending = []
        beginPending = false
    }

    /// A writer's savepoint is rolled back: its appends not sent yet are dropped rather than sent to be undone (one
    /// that failed would fail the rollback's wait, and with it the whole group).
    func dropPendingAppends() {
        pending = beginPending ? Array(pending.prefix(1)) : []
    }

    /// After a failure: forgets statements not sent yet; true if the transaction's BEGIN was among them, so nothing
    /// of it reached the database and there is nothing to roll back.
    func discardPending() -> Bool {
        defer { clearPending() }
        return beginPending
    }

    func run(_ query: PostgresQuery) throws -> PostgresQueryResult {
        try runTogether([query])[0]
    }

    /// Sends the statements (after any waiting to go with them) without waiting for each answer, then waits for all:
    /// one wake-up of the calling thread instead of one per statement. PostgreSQL runs them in order, as if sent one
    /// by one; after a failure the rest fail too (the transaction is aborted), and the first failure is the error.
    func runTogether(_ queries: [PostgresQuery]) throws -> [PostgresQueryResult] {
        let all = pending + queries
        clearPending()
        sent += all.count
        waits += 1
        if all.count == 1 {
            do { return [try connection.query(all[0], logger: logger).wait()] } catch { throw Self.translate(error) }
        }
        let futures = all.map { connection.query($0, logger: logger) }
        // One future for all: waiting on each in turn would wake this thread as each answer came.
        let outcomes = try EventLoopFuture.whenAllComplete(futures, on: connection.eventLoop).wait()
        var results: [PostgresQueryResult] = []
        for outcome in outcomes {
            switch outcome {
            case .success(let result): results.append(result)
            case .failure(let error): throw Self.translate(error)
            }
        }
        return Array(results.suffix(queries.count))
    }

    // MARK: - Errors

    /// PostgreSQL's errors as the core knows them; the SQL and its values are never repeated (they can hold sealed bytes).
    static func translate(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        switch error.serverInfo?[.sqlState] {
        case "53100": return StoreError.diskFull
        case "40001", "40P01", "55P03", "57014": return StoreError.busy
        case "3D000": return StoreError.failed("the vault database does not exist")
        default: return StoreError.failed(reason(error))
        }
    }

    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return (error.serverInfo?[.message] ?? "\(error.code)") + state
        }
        return "\(error)"
    }

    // MARK: - Schema

    private func migrate() throws {
        lock.lock()
        defer { lock.unlock() }
        let tx = PostgresTransaction(store: self)
        // Up to date already (every connection but a new database's first): no writers' lock, which every new
        // connection would otherwise queue for behind the requests' commits.
        let known = Set(PostgresSchema.migrations.map(\.name))
        if let applied = try? Set(tx.rows("SELECT name FROM casevault_schema").map({ try $0.decode(String.self) })), applied == known { return }
        try tx.execute("BEGIN")
        do {
            // The writers' lock: two instances starting together migrate one at a time.
            try tx.execute("SELECT pg_advisory_xact_lock(\(Self.writeLockKey))")
            try tx.execute("CREATE TABLE IF NOT EXISTS casevault_schema (name text PRIMARY KEY, applied_at text NOT NULL)")
            let applied = Set(try tx.rows("SELECT name FROM casevault_schema").map { try $0.decode(String.self) })
            guard applied.isSubset(of: known) else { throw StoreError.newerSchema }
            for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.sql { try tx.execute(PostgresQuery(unsafeSQL: statement)) }
                try tx.execute("INSERT INTO casevault_schema (name, applied_at) VALUES (\(migration.name), CURRENT_TIMESTAMP::text)")
            }
            try tx.execute("COMMIT")
        } catch {
            _ = try? tx.execute("ROLLBACK")
            throw error
        }
    }

    /// One statement outside the record protocols, for maintenance and tests (e.g. a database another release migrated).
    public func execute(sql: String) throws {
        lock.lock()
        defer { lock.unlock() }
        _ = try run(PostgresQuery(unsafeSQL: sql))
    }

    // MARK: - Maintenance

    /// PostgreSQL checks its own pages and enforces the constraints on every write; a value of the wrong type cannot be
    /// stored (text is UTF-8 with no NUL, bytea is bytes). What is left to look for is a row that a constraint
    /// created with NOT VALID would let through: none is, so there is nothing beyond the server's own checks.
    public func integrityProblems() throws -> [String] {
        try read { tx in
            guard let tx = tx as? PostgresTransaction else { return [] }
            let invalid = try tx.rows("SELECT conname FROM pg_constraint WHERE NOT convalidated AND connamespace = current_schema()::regnamespace")
            return try invalid.map { "constraint \(try $0.decode(String.self)) is not validated: rows may break it" }
        }
    }

    /// A file copy of the database is SQLite's; a PostgreSQL vault's backup copies its records from one snapshot into
    /// a vault.db through the record protocols (`RecordCopy`, which `Vault.backup` uses), so this is never called.
    public func backup(to path: String) throws {
        throw StoreError.failed("a vault on PostgreSQL is backed up record by record into a vault.db, not as a database file")
    }

    /// Removes deleted rows' dead versions from the tables (VACUUM). Their old bytes can still sit in WAL segments and
    /// archives until those are recycled: that is why a removal deletes the keys first (crypto-shredding).
    public func purgeFreedPages() throws {
        lock.lock()
        defer { lock.unlock() }
        for table in [DocumentRecord.tableName, ConsentRecord.tableName, KeyWrapperRecord.tableName, PersonRecord.tableName] {
            _ = try run(PostgresQuery(unsafeSQL: "VACUUM \(table)"))
        }
    }
}
