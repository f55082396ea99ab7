import Foundation
import Synchronization
import XCTest
@testable import VaultWeb

/// The public verify page's limit per client address: a burst, then one check per interval; addresses apart; memory
/// bounded however many addresses ask.
final class VerifyRateLimitTests: XCTestCase {
    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: Double) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
        var now: Date { time.withLock { $0 } }
    }

    func testABurstThenOneCheckPerIntervalForEachAddressApart() {
        let clock = Clock()
        let limit = VerifyRateLimit(burst: 3, secondsPerCheck: 6, maxAddresses: 10, now: { clock.now })
        for _ in 0..<3 { XCTAssertNil(limit.take("203.0.113.7")) }
        XCTAssertEqual(limit.take("203.0.113.7"), 6, "the fourth at once waits one interval")
        XCTAssertNil(limit.take("198.51.100.2"), "another address has its own checks")
        clock.advance(3)
        XCTAssertEqual(limit.take("203.0.113.7"), 3, "half an interval later, half is left to wait")
        clock.advance(3)
        XCTAssertNil(limit.take("203.0.113.7"), "one check came back after an interval")
        XCTAssertNotNil(limit.take("203.0.113.7"))
        clock.advance(3600)
        for _ in 0..<3 { XCTAssertNil(limit.take("203.0.113.7")) }
        XCTAssertNotNil(limit.take("203.0.113.7"), "an idle hour gives back the burst, not more")
    }

    func testManyAddressesKeepMemoryBoundedAndCannotResetABusyOnesLimit() {
        let clock = Clock()
        let limit = VerifyRateLimit(burst: 2, secondsPerCheck: 60, maxAddresses: 5, now: { clock.now })
        XCTAssertNil(limit.take("victim"))
        XCTAssertNil(limit.take("victim"))
        XCTAssertNotNil(limit.take("victim"))
        // A flood from many addresses: the table stays at its bound, and past it they share one bucket.
        var allowed = 0
        for index in 0..<1000 where limit.take("10.0.\(index / 256).\(index % 256)") == nil { allowed += 1 }
        XCTAssertLessThanOrEqual(limit.trackedAddresses, 5)
        XCTAssertLessThanOrEqual(allowed, 4 * 2 + 2, "the flood got more checks than the table and the overflow bucket hold")
        XCTAssertNotNil(limit.take("victim"), "the flood pushed the busy address out and so reset its limit")
        // Once the buckets have filled up again they are the same as none, and are dropped for new addresses.
        clock.advance(600)
        XCTAssertNil(limit.take("newcomer"))
        XCTAssertLessThanOrEqual(limit.trackedAddresses, 5)
    }
}
