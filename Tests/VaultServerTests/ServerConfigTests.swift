import Foundation
import XCTest
@testable import VaultServer

/// TLS is mandatory; plain HTTP only with the explicit development flag on a loopback address. And the login
/// limiter's per-address count, which the HTTP tests cannot exhaust without locking out their own address.
final class ServerConfigTests: XCTestCase {
    func config(host: String, tls: Bool, development: Bool?) -> ServerConfig {
        ServerConfig(listen: .init(host: host, port: 8443), vault: "/srv/vault", database: "postgresql://casevault@db.example:5432/vault",
                     tls: tls ? .init(certificate: "/etc/casevault/cert.pem", key: "/etc/casevault/key.pem") : nil,
                     developmentPlainHTTP: development)
    }

    func testWithoutTLSTheServerIsRefusedUnlessDevelopmentOnLoopback() throws {
        XCTAssertNoThrow(try config(host: "0.0.0.0", tls: true, development: nil).validate())
        XCTAssertThrowsError(try config(host: "127.0.0.1", tls: false, development: nil).validate()) {
            XCTAssertTrue("\($0)".contains("refusing to serve without TLS"), "\($0)")
        }
        XCTAssertThrowsError(try config(host: "0.0.0.0", tls: false, development: true).validate()) {
            XCTAssertTrue("\($0)".contains("refusing plain HTTP on 0.0.0.0"), "\($0)")
        }
        XCTAssertThrowsError(try config(host: "10.0.0.5", tls: false, development: true).validate())
        XCTAssertThrowsError(try config(host: "127.0.0.1.example.org", tls: false, development: true).validate())
        XCTAssertThrowsError(try config(host: "127.0.0.1", tls: false, development: false).validate())
        XCTAssertNoThrow(try config(host: "127.0.0.1", tls: false, development: true).validate())
        XCTAssertNoThrow(try config(host: "::1", tls: false, development: true).validate())
    }

    func testTheConfigurationFileIsReadAndCheckedAndTheServeCommandRefusesPlainHTTP() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("server.json").path
        try Data("""
            {"listen": {"host": "0.0.0.0", "port": 8443}, "vault": "/srv/vault",
             "database": "postgresql://casevault@/vault?host=/run/postgresql&port=5432", "development_plain_http": true}
            """.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try ServerConfig.load(path: path)) { XCTAssertTrue("\($0)".contains("refusing plain HTTP"), "\($0)") }

        // The real command: it exits with the same refusal before touching any vault.
        let binary = Bundle.main.bundleURL.appendingPathComponent("casevault")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("no casevault binary beside the tests") }
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--config", path]
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertNotEqual(process.terminationStatus, 0)
        XCTAssertTrue(text.contains("refusing plain HTTP on 0.0.0.0"), text)
    }

    func testAnAddressIsLockedAfterItsLimitWhileAnotherAddressStillTries() {
        let limiter = LoginLimiter(maxPerAccount: 3, maxPerAddress: 10, windowSeconds: 900)
        let now: Int64 = 1_000_000
        for attempt in 0..<10 {
            // Ten different accounts guessed from one address: no account reaches its own limit.
            XCTAssertNil(limiter.retryAfter([LoginLimiter.accountKey("adv-\(attempt)"), LoginLimiter.addressKey("203.0.113.9")], now: now))
            limiter.recordFailure([LoginLimiter.accountKey("adv-\(attempt)"), LoginLimiter.addressKey("203.0.113.9")], now: now)
        }
        XCTAssertNotNil(limiter.retryAfter([LoginLimiter.accountKey("adv-new"), LoginLimiter.addressKey("203.0.113.9")], now: now))
        XCTAssertNil(limiter.retryAfter([LoginLimiter.accountKey("adv-new"), LoginLimiter.addressKey("198.51.100.7")], now: now))
        XCTAssertEqual(limiter.retryAfter([LoginLimiter.addressKey("203.0.113.9")], now: now + 60), 840)
        XCTAssertNil(limiter.retryAfter([LoginLimiter.addressKey("203.0.113.9")], now: now + 900), "the window passed")
    }
}
