import Foundation
import XCTest
@testable import VaultCrypto

/// Against the real kernel keyring of the test's session, under unique descriptions removed afterwards.
/// Where the kernel or a sandbox refuses keyrings, each test is skipped with a message saying so.
final class KernelKeyringTests: XCTestCase {
    private var description_ = ""

    override func setUpWithError() throws {
        description_ = "casevault-test:\(UUID().uuidString)"
        do {
            try KernelKeyring.store(description: description_, secret: SecureBytes(copying: [1]), timeoutSeconds: 60)
            try KernelKeyring.remove(description: description_)
        } catch .unavailable(let code) {
            let message = "SKIPPED: the kernel keyring is not available here (errno \(code)); keyring tests did not run"
            print(message)
            throw XCTSkip(message)
        }
    }

    override func tearDown() {
        _ = try? KernelKeyring.remove(description: description_)
    }

    func testStoredSecretReadsBackAndIsRemoved() throws {
        let secret = try SecureBytes.random(count: 32)
        try KernelKeyring.store(description: description_, secret: secret, timeoutSeconds: 60)
        XCTAssertEqual(try KernelKeyring.read(description: description_), secret)
        // Storing again replaces the secret.
        let next = try SecureBytes.random(count: 700)
        try KernelKeyring.store(description: description_, secret: next, timeoutSeconds: 60)
        XCTAssertEqual(try KernelKeyring.read(description: description_), next)
        XCTAssertTrue(try KernelKeyring.remove(description: description_))
        XCTAssertNil(try KernelKeyring.read(description: description_))
        XCTAssertFalse(try KernelKeyring.remove(description: description_))
    }

    func testAbsentKeyIsNil() throws {
        XCTAssertNil(try KernelKeyring.read(description: description_ + ":never-stored"))
    }

    /// /proc/keys shows the key as the kernel holds it: permissions 2f000000 (possessor view, read,
    /// write, search, setattr; nothing for user, group, other) and a timeout rather than "perm".
    func testKeyIsPossessorOnlyWithATimeout() throws {
        try KernelKeyring.store(description: description_, secret: SecureBytes(copying: [7, 7, 7]), timeoutSeconds: 600)
        let line = try String(contentsOfFile: "/proc/keys", encoding: .utf8)
            .split(separator: "\n").first { $0.contains(description_) }
        let fields = try XCTUnwrap(line, "key not listed in /proc/keys").split(separator: " ", omittingEmptySubsequences: true)
        XCTAssertEqual(fields[4], "2f000000", String(line!))
        XCTAssertEqual(fields[7], "user")
        XCTAssertTrue(fields[3].hasSuffix("m") || fields[3].hasSuffix("s"), "timeout column: \(fields[3])")
    }

    /// With a 1-second timeout, after 2 seconds this kernel answers EKEYEXPIRED (the key is kept,
    /// unreadable, until garbage collection), reported as `.expired`; `remove` still clears it, and
    /// storing afresh works (unlocking again after an unlock ran out).
    func testExpiredKeyIsReportedAsExpired() throws {
        try KernelKeyring.store(description: description_, secret: SecureBytes(copying: [9, 9]), timeoutSeconds: 1)
        Thread.sleep(forTimeInterval: 2)
        do {
            let value = try KernelKeyring.read(description: description_)
            XCTAssertNil(value, "an expired key must not be readable")
            print("keyring expiry: the kernel reported the expired key as absent (already collected)")
        } catch {
            XCTAssertEqual(error, .expired(description: description_))
            print("keyring expiry: the kernel reported EKEYEXPIRED for the expired key")
        }
        XCTAssertTrue(try KernelKeyring.remove(description: description_))
        XCTAssertNil(try KernelKeyring.read(description: description_))

        try KernelKeyring.store(description: description_, secret: SecureBytes(copying: [9, 9]), timeoutSeconds: 1)
        Thread.sleep(forTimeInterval: 2)
        let fresh = try SecureBytes.random(count: 32)
        try KernelKeyring.store(description: description_, secret: fresh, timeoutSeconds: 60)
        XCTAssertEqual(try KernelKeyring.read(description: description_), fresh)
    }

    func testZeroTimeoutIsRefused() {
        XCTAssertThrowsError(try KernelKeyring.store(description: description_, secret: SecureBytes(copying: [1]), timeoutSeconds: 0)) {
            XCTAssertEqual($0 as? KernelKeyringError, .invalidTimeout)
        }
        XCTAssertNil(try KernelKeyring.read(description: description_))
    }
}
