import Foundation
import Synchronization

/// How often one client address may ask the public verify page to check a bundle. The page needs no sign-in and each
/// check reads and hashes a PDF up to the upload limit, so without a limit anyone could keep the server busy with it.
/// A token bucket per address: `burst` checks at once, then one more every `secondsPerCheck`.
///
/// Memory is bounded: at most `maxAddresses` buckets. A bucket that has filled up again is the same as none and is
/// dropped first; when every tracked address is still busy, further new addresses share one overflow bucket, so a
/// flood from many addresses is slowed as a whole and cannot push out (and so reset) the buckets of the others.
final class VerifyRateLimit: Sendable {
    struct Bucket: Sendable {
        var tokens: Double
        var updated: Date
    }

    let burst: Double
    let secondsPerCheck: Double
    let maxAddresses: Int
    private let buckets = Mutex<[String: Bucket]>([:])
    private let overflow = Mutex<Bucket?>(nil)
    private let now: @Sendable () -> Date

    /// Ten checks at once, then one every six seconds: more than a person checking the bundles of a meeting needs.
    init(burst: Int = 10, secondsPerCheck: Double = 6, maxAddresses: Int = 4096, now: @escaping @Sendable () -> Date = Date.init) {
        self.burst = Double(burst)
        self.secondsPerCheck = secondsPerCheck
        self.maxAddresses = maxAddresses
        self.now = now
    }

    /// Takes one check for `address`: nil when allowed, else how many whole seconds until the next one is.
    func take(_ address: String) -> Int? {
        let time = now()
        let outcome: (allowed: Bool, bucket: Bucket)? = buckets.withLock { buckets in
            if buckets[address] == nil && buckets.count >= maxAddresses {
                buckets = buckets.filter { refilled($0.value, at: time).tokens < burst }
                guard buckets.count < maxAddresses else { return nil }
            }
            var bucket = refilled(buckets[address] ?? Bucket(tokens: burst, updated: time), at: time)
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            buckets[address] = bucket
            return (allowed, bucket)
        }
        if let outcome { return outcome.allowed ? nil : wait(outcome.bucket) }
        // Every tracked address is busy: this one shares the overflow bucket.
        return overflow.withLock { shared in
            var bucket = refilled(shared ?? Bucket(tokens: burst, updated: time), at: time)
            let allowed = bucket.tokens >= 1
            if allowed { bucket.tokens -= 1 }
            shared = bucket
            return allowed ? nil : wait(bucket)
        }
    }

    /// How many addresses are tracked (for the tests of the bound).
    var trackedAddresses: Int { buckets.withLock { $0.count } }

    private func refilled(_ bucket: Bucket, at time: Date) -> Bucket {
        let gained = max(0, time.timeIntervalSince(bucket.updated)) / secondsPerCheck
        return Bucket(tokens: min(burst, bucket.tokens + gained), updated: time)
    }

    private func wait(_ bucket: Bucket) -> Int {
        max(1, Int(((1 - bucket.tokens) * secondsPerCheck).rounded(.up)))
    }
}
