import PostgresNIO

/// PostgresNIO's pool holds a query while it keeps retrying a connection to a database that is down, and fails it only
/// when its circuit breaker trips, 60 s later (a setting PostgresClient does not expose). Every request passes the
/// session table first, so while PostgreSQL restarted each request hung for a minute before the advocate saw "try
/// again". Past `limit` the query is cancelled (the pool drops a cancelled lease) and the request fails at once with a
/// 503 that says so; the pool's reconnection attempts go on in the background.
enum DatabaseDeadline {
    static let limit: Duration = .seconds(10)

    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw APIError.databaseUnavailable
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw APIError.databaseUnavailable }
            return first
        }
    }
}

extension PostgresClient {
    /// `query`, failing with `APIError.databaseUnavailable` after `DatabaseDeadline.limit` (see there).
    @discardableResult
    func queryWithinDeadline(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await DatabaseDeadline.run { try await self.query(query, logger: logger) }
    }
}
