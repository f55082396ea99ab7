import Foundation
import PostgresTestSupport
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
        let result = try ChildProcess.run(binary.path, ["serve", "--config", path])
        let text = String(decoding: result.stderr, as: UTF8.self)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(text.contains("refusing plain HTTP on 0.0.0.0"), text)
    }

    func testTheUploadLimitDefaultsTo100MiBAndMustBePositive() throws {
        XCTAssertEqual(config(host: "0.0.0.0", tls: true, development: nil).uploadLimit, 100 * 1024 * 1024)
        let json = """
            {"listen": {"host": "0.0.0.0", "port": 8443}, "vault": "/srv/vault", "database": "postgresql://casevault@db.example:5432/vault",
             "tls": {"certificate": "c.pem", "key": "k.pem"}, "max_upload_bytes": 5000}
            """
        var decoded = try JSONDecoder().decode(ServerConfig.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.uploadLimit, 5000)
        decoded.maxUploadBytes = 0
        XCTAssertThrowsError(try decoded.validate()) { XCTAssertTrue("\($0)".contains("max_upload_bytes must be positive"), "\($0)") }
    }

    func testTimeoutsDefaultFieldByFieldAndMustBePositive() throws {
        XCTAssertEqual(config(host: "0.0.0.0", tls: true, development: nil).connectionTimeouts,
                       .init(headerReadSeconds: 10, bodyReadSeconds: 30, idleSeconds: 60))
        let json = """
            {"listen": {"host": "0.0.0.0", "port": 8443}, "vault": "/srv/vault", "database": "postgresql://casevault@db.example:5432/vault",
             "tls": {"certificate": "c.pem", "key": "k.pem"}, "timeouts": {"header_read_seconds": 5}, "analysis_program": "/usr/bin/casevault"}
            """
        var decoded = try JSONDecoder().decode(ServerConfig.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.connectionTimeouts, .init(headerReadSeconds: 5, bodyReadSeconds: 30, idleSeconds: 60), "the others default")
        XCTAssertEqual(decoded.analysisProgram, "/usr/bin/casevault")
        XCTAssertNoThrow(try decoded.validate())
        for bad in [ServerConfig.Timeouts(headerReadSeconds: 0), .init(bodyReadSeconds: -1), .init(idleSeconds: .infinity), .init(responseWriteSeconds: 0)] {
            decoded.timeouts = bad
            XCTAssertThrowsError(try decoded.validate()) { XCTAssertTrue("\($0)".contains("timeouts."), "\($0)") }
        }
    }

    func testOnlyStaleUploadSpoolFilesAreSweptAtStart() throws {
        let vault = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-spool-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: vault) }
        let folder = vault + "/" + UploadSpool.folderName
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["upload-old", "upload-new", "other-old"] { try Data("x".utf8).write(to: URL(fileURLWithPath: folder + "/" + name)) }
        let old = Date().addingTimeInterval(-2 * 24 * 3600)
        for name in ["upload-old", "other-old"] { try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: folder + "/" + name) }
        XCTAssertEqual(UploadSpool.removeStale(vaultFolder: vault, now: Date()), 1)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["upload-new", "other-old"],
                       "an upload in flight (recent) and files the server did not make stay")
    }

    /// The limits per key (an address's is higher) and the rule the PostgreSQL limiter applies to each key's times.
    func testAnAddressHasItsOwnHigherLimitAndTheLockoutDefaultsToTheWindow() throws {
        let limits = LoginLimiter.Limits(perAccount: 3, perAddress: 10, window: 900, lockout: 900)
        XCTAssertEqual(limits.limit(LoginLimiter.accountKey("adv-1")), 3)
        XCTAssertEqual(limits.limit(LoginLimiter.addressKey("203.0.113.9")), 10)
        let now: Int64 = 1_000_000
        let ten = [Int64](repeating: now, count: 10)
        XCTAssertNil(LoginLimiter.retryAfter(failures: Array(ten.prefix(9)), limit: 10, window: 900, lockout: 900, now: now))
        XCTAssertEqual(LoginLimiter.retryAfter(failures: ten, limit: 10, window: 900, lockout: 900, now: now + 60), 840)
        XCTAssertNil(LoginLimiter.retryAfter(failures: ten, limit: 10, window: 900, lockout: 900, now: now + 900), "the lockout passed")

        let json = """
            {"listen": {"host": "0.0.0.0", "port": 8443}, "vault": "/srv/vault", "database": "postgresql://casevault@db.example:5432/vault",
             "tls": {"certificate": "c.pem", "key": "k.pem"}, "login_limits": {"window_minutes": 10}, "state_folder": "/var/lib/casevault-server"}
            """
        var decoded = try JSONDecoder().decode(ServerConfig.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.failureLimits.lockout, 10, "the lockout defaults to the window")
        XCTAssertEqual(decoded.stateMarks(environment: [:])?.directory, "/var/lib/casevault-server/casevault")
        decoded.loginLimits?.lockoutMinutes = 45
        XCTAssertEqual(decoded.failureLimits.lockout, 45)
        XCTAssertNoThrow(try decoded.validate())
        decoded.loginLimits?.lockoutMinutes = 0
        XCTAssertThrowsError(try decoded.validate()) { XCTAssertTrue("\($0)".contains("lockout_minutes"), "\($0)") }
        decoded.loginLimits?.lockoutMinutes = nil
        decoded.stateFolder = "relative/state"
        XCTAssertThrowsError(try decoded.validate()) { XCTAssertTrue("\($0)".contains("state_folder"), "\($0)") }
        decoded.stateFolder = nil
        XCTAssertEqual(decoded.stateMarks(environment: ["HOME": "/home/casevault"])?.directory, "/home/casevault/.local/state/casevault")
        XCTAssertNil(decoded.stateMarks(environment: [:]), "nowhere to keep a mark: the server refuses to start")
    }
}
