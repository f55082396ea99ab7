import Foundation
import VaultCrypto
import XCTest

/// `casevault totp`: enrolment by the account itself (the secret shown once, confirmed with a current code), turning it
/// off only with a current code, and a reset by an administrator or the person's manager (audited), refused to others.
final class TOTPCommandsTests: XCTestCase {
    static func currentCode(_ secretBase32: String) throws -> String {
        let totp = TOTP()
        let secret = try XCTUnwrap(Base32.decode(secretBase32))
        return try totp.code(secret: secret, step: totp.step(at: Int64(Date().timeIntervalSince1970)))
    }

    func testEnrolConfirmDisableAndAManagersResetAudited() throws {
        let sandbox = try Sandbox()
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        let org = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        let partner = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        let sam = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        let lee = try sandbox.adminID(["advocate", "add", "Lee Morgan", "--org", org, "--role", "manager"])
        let robin = try sandbox.adminID(["advocate", "add", "Robin Hale", "--org", partner, "--role", "manager"])
        let asSam = ["CASEVAULT_ADVOCATE": sam]

        let off = try sandbox.run(["totp", "status", "--json"], environment: asSam)
        XCTAssertEqual(try sandbox.json(off)["state"] as? String, "none", off.stderr)
        let enabled = try sandbox.run(["totp", "enable", "--json"], environment: asSam)
        XCTAssertEqual(enabled.exitCode, 0, enabled.stderr)
        let secret = try XCTUnwrap(try sandbox.json(enabled)["secret"] as? String)
        let uri = try XCTUnwrap(try sandbox.json(enabled)["uri"] as? String)
        XCTAssertTrue(uri.hasPrefix("otpauth://totp/casevault:\(sam)?secret=\(secret)&issuer=casevault&algorithm=SHA1&digits=6&period=30"), uri)
        XCTAssertEqual(Base32.decode(secret)?.count, 20)
        let text = try sandbox.run(["totp", "enable"], environment: asSam)
        XCTAssertTrue(text.stdout.contains("otpauth://") && text.stdout.contains("totp confirm"), text.stdout)
        let replaced = try XCTUnwrap(text.stdout.components(separatedBy: "secret: ").dropFirst().first?.prefix { !$0.isWhitespace })
        XCTAssertNotEqual(String(replaced), secret, "enrolling again before confirming makes a new secret")

        let code = try Self.currentCode(String(replaced))
        let wrong = try sandbox.run(["totp", "confirm", code == "000000" ? "111111" : "000000"], environment: asSam)
        XCTAssertEqual(wrong.exitCode, 1)
        XCTAssertTrue(wrong.stderr.contains("casevault: error: that is not the current code"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("casevault: hint:"), wrong.stderr)
        let confirmed = try sandbox.run(["totp", "confirm", code], environment: asSam)
        XCTAssertEqual(confirmed.exitCode, 0, confirmed.stderr)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["totp", "status", "--json"], environment: asSam))["state"] as? String, "active")
        let again = try sandbox.run(["totp", "enable"], environment: asSam)
        XCTAssertEqual(again.exitCode, 1)
        XCTAssertTrue(again.stderr.contains("already turned on"), again.stderr)
        let badDisable = try sandbox.run(["totp", "disable", "12"], environment: asSam)
        XCTAssertEqual(badDisable.exitCode, 1, badDisable.stderr)

        // A reset: refused to the person themselves (an advocate) and to another organisation's manager (exit 3).
        for other in [sam, robin] {
            let refused = try sandbox.run(["totp", "reset", "--account", sam], environment: ["CASEVAULT_ADVOCATE": other])
            XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        }
        XCTAssertEqual(try sandbox.json(try sandbox.run(["totp", "status", "--json"], environment: asSam))["state"] as? String, "active")
        let reset = try sandbox.run(["totp", "reset", "--account", sam], environment: ["CASEVAULT_ADVOCATE": lee])
        XCTAssertEqual(reset.exitCode, 0, reset.stderr)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["totp", "status", "--json"], environment: asSam))["state"] as? String, "none")
        let log = try sandbox.asAdmin(["audit", "log", "--json"])
        let events = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]], log.stderr)
        let actions = events.compactMap { $0["action"] as? String }
        for action in ["account.totp_enrol", "account.totp_enable", "account.totp_reset"] {
            XCTAssertTrue(actions.contains(action), "\(action) in \(actions)")
        }
        XCTAssertFalse(log.stdout.contains(secret) || log.stdout.contains(String(replaced)), "no secret in the audit log")
        let verified = try sandbox.asAdmin(["verify"])
        XCTAssertEqual(verified.exitCode, 0, verified.stdout + verified.stderr)
    }
}
