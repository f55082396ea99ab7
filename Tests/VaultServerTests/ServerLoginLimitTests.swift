import Foundation
import XCTest
@testable import VaultServer

/// The login limiter in PostgreSQL: two server instances on one database share the counts per account and per
/// address, a restart keeps a lockout, and the window and lockout come from the configuration.
extension ServerAPITests {
    func testTheLockoutRuleCountsFailuresWithinTheWindowAndLocksForTheLockout() {
        let (window, lockout): (Int64, Int64) = (900, 1800)
        XCTAssertNil(LoginLimiter.retryAfter(failures: [100, 200], limit: 3, window: window, lockout: lockout, now: 300))
        XCTAssertEqual(LoginLimiter.retryAfter(failures: [100, 200, 300], limit: 3, window: window, lockout: lockout, now: 300), 1800)
        XCTAssertEqual(LoginLimiter.retryAfter(failures: [100, 200, 300], limit: 3, window: window, lockout: lockout, now: 2000), 100)
        XCTAssertNil(LoginLimiter.retryAfter(failures: [100, 200, 300], limit: 3, window: window, lockout: lockout, now: 2100))
        XCTAssertNil(LoginLimiter.retryAfter(failures: [0, 1000, 2000], limit: 3, window: window, lockout: lockout, now: 2001),
                     "failures further apart than the window do not add up")
    }

    func testTwoInstancesShareFailedLoginCountsAndALockoutSurvivesARestart() async throws {
        let w = try await world()
        var config = w.plainConfig
        config.loginLimits = .init(maxFailures: 3, maxFailuresPerAddress: 4, windowMinutes: 15, lockoutMinutes: 30)
        let (portA, taskA) = try await w.startInstance(config)
        defer { taskA.cancel() }
        var (portB, taskB) = try await w.startInstance(config)
        defer { taskB.cancel() }
        let robin = try w.addAccount("Robin Shaw", org: w.org1)

        // Per account: two failures on A and one on B make three, the limit, across both.
        for port in [portA, portA, portB] {
            let failed = try await w.plainLogin(port: port, account: robin, passphrase: "wrong", source: "127.0.0.3")
            XCTAssertEqual(failed.status, 401, failed.text)
        }
        for port in [portA, portB] {
            let locked = try await w.plainLogin(port: port, account: robin, source: "127.0.0.3")
            XCTAssertEqual(locked.status, 429, "locked on every instance: \(locked.text)")
        }
        // A restart forgets nothing: B stopped and started again still refuses.
        taskB.cancel()
        _ = try? await taskB.value
        (portB, taskB) = try await w.startInstance(config)
        let afterRestart = try await w.plainLogin(port: portB, account: robin, source: "127.0.0.3")
        XCTAssertEqual(afterRestart.status, 429, afterRestart.text)
        let retry = afterRestart.headers.lowercased().split(whereSeparator: \.isNewline).first { $0.hasPrefix("retry-after:") }
        let seconds = Int(retry?.split(separator: ":").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        XCTAssertGreaterThan(seconds, 29 * 60, "locked for the configured 30 minutes, not the 15-minute window")

        // The lockout, not the window, decides: still locked after 16 minutes, free after 31.
        w.clock.advance(16 * 60)
        defer { w.clock.reset() }
        let stillLocked = try await w.plainLogin(port: portA, account: robin, source: "127.0.0.3")
        XCTAssertEqual(stillLocked.status, 429)
        w.clock.advance(15 * 60)
        // Tried again (a wrong passphrase: a good login would write audit events 31 minutes ahead of the real clock,
        // which every later vault open would refuse as a clock gone back).
        let tried = try await w.plainLogin(port: portA, account: robin, passphrase: "wrong again", source: "127.0.0.3")
        XCTAssertEqual(tried.status, 401, "admitted again after the lockout: \(tried.text)")
        w.clock.reset()

        // Per address (this test's limit: 4): made-up identities from 127.0.0.2, two on each instance, lock that
        // address on both, for every account; Sam from another address still logs in.
        for port in [portA, portB, portA, portB] {
            let junk = try await w.plainRequest(port: port, "POST", "/api/v1/login", json: ["identity": "bm90IGFuIGlkZW50aXR5", "passphrase": "x"],
                                                source: "127.0.0.2")
            XCTAssertEqual(junk.status, 401, junk.text)
        }
        for port in [portA, portB] {
            let locked = try await w.plainLogin(port: port, account: w.sam, source: "127.0.0.2")
            XCTAssertEqual(locked.status, 429, "the address is locked on every instance: \(locked.text)")
        }
        let elsewhere = try await w.plainLogin(port: portB, account: w.sam, source: "127.0.0.4")
        XCTAssertEqual(elsewhere.status, 200, elsewhere.text)
        taskB.cancel()
        _ = try? await taskB.value
        taskA.cancel()
        _ = try? await taskA.value
    }
}
