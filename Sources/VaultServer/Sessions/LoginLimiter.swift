import Foundation

/// Failed logins counted per claimed account and per client address, in a sliding window. After the limit in the
/// window (a higher one for an address, which an office may share), further attempts for that account, or from that
/// address, are refused without trying the passphrase (so a
/// guesser also stops costing scrypt time) until the oldest failure leaves the window. Another account from another
/// address still logs in.
///
/// Kept in this instance's memory: enough for one server (this step of issue 21). Behind several instances an
/// attacker gets `maxFailures` per instance, and a restart forgets the counts; a shared limiter (a PostgreSQL table,
/// counted in the login's transaction) is the next step.
final class LoginLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String: [Int64]] = [:]
    let maxPerAccount: Int
    let maxPerAddress: Int
    let windowSeconds: Int64
    /// Keys kept at most: a flood of made-up account names cannot grow memory without bound (the oldest keys go).
    let maxKeys = 100_000

    init(maxPerAccount: Int, maxPerAddress: Int, windowSeconds: Int64) {
        self.maxPerAccount = maxPerAccount
        self.maxPerAddress = maxPerAddress
        self.windowSeconds = windowSeconds
    }

    private func limit(_ key: String) -> Int { key.hasPrefix("address:") ? maxPerAddress : maxPerAccount }

    static func accountKey(_ accountID: String) -> String { "account:" + accountID }
    static func addressKey(_ address: String) -> String { "address:" + address }

    /// Seconds until an attempt for these keys may be made, or nil when it may be made now.
    func retryAfter(_ keys: [String], now: Int64) -> Int64? {
        lock.withLock {
            keys.compactMap { key -> Int64? in
                let recent = (failures[key] ?? []).filter { $0 > now - windowSeconds }
                let limit = limit(key)
                guard recent.count >= limit else { return nil }
                // Allowed again once enough failures have left the window for fewer than `limit` to remain.
                return max(1, recent[recent.count - limit] + windowSeconds - now)
            }.max()
        }
    }

    func recordFailure(_ keys: [String], now: Int64) {
        lock.withLock {
            if failures.count >= maxKeys {
                failures = failures.filter { $0.value.last.map { $0 > now - windowSeconds } ?? false }
                if failures.count >= maxKeys { failures.removeAll() }
            }
            for key in keys {
                failures[key, default: []].removeAll { $0 <= now - windowSeconds }
                failures[key, default: []].append(now)
            }
        }
    }

    /// A successful login clears its account's count; never its address's (one valid login must not reset a
    /// guesser's count for other accounts).
    func recordSuccess(accountKey: String) {
        _ = lock.withLock { failures.removeValue(forKey: accountKey) }
    }
}
