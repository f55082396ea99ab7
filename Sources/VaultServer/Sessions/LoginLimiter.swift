import Foundation
import Logging
import PostgresNIO
import VaultCrypto

/// Failed logins counted per claimed account and per client address, in PostgreSQL, so every server instance on the
/// database shares the counts and a restart forgets nothing. When `limit` failures fall within `window` seconds of
/// one another, further attempts for that account, or from that address, are refused for `lockout` seconds from the
/// last of them, without trying the passphrase (so a guesser also stops costing scrypt time). The address's limit is
/// higher: an office's advocates may share one address. Another account from another address still logs in.
///
/// An attempt is counted *before* its passphrase is tried (one row per key), under a transaction-scoped advisory lock
/// per key: a hundred attempts sent at once are admitted one by one against the same count, so concurrency buys no
/// extra guesses, on one instance or several. A success deletes its account's rows and its own address row; a failure
/// leaves its rows, which are the count. Rows older than window + lockout are deleted as attempts come.
///
/// `server_login_attempts` is the server's table, like `server_sessions`: outside the vault's ledger and audit chain
/// (failed logins are signed by no identity; they are in the server's log).
final class LoginLimiter: Sendable {
    struct Limits: Sendable, Equatable {
        let perAccount: Int
        let perAddress: Int
        let window: Int64
        let lockout: Int64
        func limit(_ key: String) -> Int { key.hasPrefix("address:") ? perAddress : perAccount }
    }

    enum Admission: Sendable, Equatable {
        /// Go on and try the passphrase; report the outcome with this attempt id.
        case admitted(attempt: String)
        /// Refused without trying: seconds until an attempt may be made.
        case locked(retryAfter: Int64)
    }

    let client: PostgresClient
    let limits: Limits
    let logger: Logger

    init(client: PostgresClient, limits: Limits, logger: Logger) {
        self.client = client
        self.limits = limits
        self.logger = logger
    }

    static func accountKey(_ accountID: String) -> String { "account:" + accountID }
    static func addressKey(_ address: String) -> String { "address:" + address }

    /// Made by the server on start (idempotent; several instances starting together are fine).
    func prepare() async throws {
        try await client.query("""
            CREATE TABLE IF NOT EXISTS server_login_attempts (
                attempt_id text NOT NULL,
                key text NOT NULL,
                at bigint NOT NULL,
                PRIMARY KEY (attempt_id, key)
            )
            """, logger: logger)
        try await client.query("CREATE INDEX IF NOT EXISTS server_login_attempts_key_at ON server_login_attempts (key, at)", logger: logger)
        try await client.query("CREATE INDEX IF NOT EXISTS server_login_attempts_at ON server_login_attempts (at)", logger: logger)
    }

    /// Counts an attempt for `keys` unless one of them is locked.
    func begin(_ keys: [String], now: Int64) async throws -> Admission {
        let attempt = "att-" + (try SystemRandom.bytes(count: 12)).hexString
        let limits = self.limits
        let oldest = now - limits.window - limits.lockout
        let (client, logger) = (self.client, self.logger)
        return try await DatabaseDeadline.run { try await client.withTransaction(logger: logger) { connection in
            // One lock per key, in one order: attempts for the same account or address are counted one at a time.
            for key in keys.sorted() {
                try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("casevault-login:" + key), 0))", logger: logger)
            }
            var wait: Int64?
            for key in keys {
                var times: [Int64] = []
                let rows = try await connection.query("SELECT at FROM server_login_attempts WHERE key = \(key) AND at > \(oldest) ORDER BY at",
                                                      logger: logger)
                for try await at in rows.decode(Int64.self) { times.append(at) }
                if let seconds = Self.retryAfter(failures: times, limit: limits.limit(key), window: limits.window, lockout: limits.lockout, now: now) {
                    wait = max(wait ?? 0, seconds)
                }
            }
            if let wait { return .locked(retryAfter: wait) }
            for key in keys {
                try await connection.query("INSERT INTO server_login_attempts (attempt_id, key, at) VALUES (\(attempt), \(key), \(now))", logger: logger)
            }
            try await connection.query("DELETE FROM server_login_attempts WHERE at <= \(oldest)", logger: logger)
            return .admitted(attempt: attempt)
        } }
    }

    /// A successful login clears its account's count, and takes its own attempt off the address's count; never the
    /// address's other failures (one valid login must not reset a guesser's count for other accounts).
    func succeeded(attempt: String, accountKey: String) async throws {
        try await client.queryWithinDeadline("DELETE FROM server_login_attempts WHERE key = \(accountKey) OR attempt_id = \(attempt)", logger: logger)
    }

    /// Seconds until the next attempt may be made, or nil: locked while some `limit` consecutive failures lie within
    /// `window` of one another and the last of them is less than `lockout` ago. `failures` are sorted, oldest first.
    static func retryAfter(failures: [Int64], limit: Int, window: Int64, lockout: Int64, now: Int64) -> Int64? {
        guard limit > 0, failures.count >= limit else { return nil }
        var until: Int64?
        for end in (limit - 1)..<failures.count where failures[end] - failures[end - limit + 1] < window {
            let free = failures[end] + lockout
            if free > now { until = max(until ?? 0, free) }
        }
        return until.map { max(1, $0 - now) }
    }
}
