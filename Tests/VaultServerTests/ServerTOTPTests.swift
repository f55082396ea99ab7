import Foundation
import VaultCrypto
import XCTest
@testable import VaultServer
@testable import VaultCore

/// Login codes (TOTP) at a real server login over HTTPS: enrolled by the account itself through the core (as
/// `casevault totp enable/confirm` does), required once confirmed, one generic failure for a missing, wrong or reused
/// code that counts toward the lockout, and an administrator's reset, audited.
extension ServerAPITests {
    func code(_ secret: SecureBytes, at date: Date) throws -> String {
        let totp = TOTP()
        return try totp.code(secret: secret, step: totp.step(at: Int64(date.timeIntervalSince1970)))
    }

    func testALoginCodeIsRequiredOnceConfirmedAndAWrongOrReusedOneFailsAsAWrongPassphrase() async throws {
        let w = try await world()
        let toni = try w.addAccount("Toni Webb", org: w.org1)
        let enrolment = try w.open(as: toni).enrolTOTP()
        XCTAssertTrue(enrolment.uri.hasPrefix("otpauth://totp/casevault:\(toni)?secret=\(enrolment.secretBase32)&"), enrolment.uri)
        XCTAssertEqual(enrolment.description, "TOTPEnrolment(<redacted>)")
        let secret = try XCTUnwrap(Base32.decode(enrolment.secretBase32))
        XCTAssertEqual(secret.count, 20)
        // Not yet confirmed: the passphrase alone still logs in.
        let pending = try await w.login(toni)
        XCTAssertEqual(pending.status, 200, pending.text)
        let first = try code(secret, at: Date())
        XCTAssertThrowsError(try w.open(as: toni).confirmTOTP(code: first == "000000" ? "111111" : "000000")) { error in
            XCTAssertEqual(error as? TOTPError, .wrongCode)
        }
        try w.open(as: toni).confirmTOTP(code: first)
        XCTAssertEqual(try w.open(as: toni).totpState(), .active)

        // The stored setting holds the secret wrapped to Toni's identity: neither its base32 nor its bytes in clear.
        let stored = try XCTUnwrap(try w.open(as: w.admin).store.read { try $0.meta(Vault.totpMetaKey(toni)) })
        XCTAssertFalse(stored.contains(enrolment.secretBase32))
        XCTAssertFalse(stored.contains(secret.unsafeCopyToArray().hexString))
        XCTAssertFalse(stored.contains(Data(secret.unsafeCopyToArray()).base64EncodedString()))

        let wrongPassphrase = try await w.login(toni, passphrase: "not Toni's passphrase")
        let message = try XCTUnwrap(wrongPassphrase.json["message"] as? String)
        // The confirming code's step is used up: wait for the next step (the server's clock).
        w.clock.advance(30)
        defer { w.clock.reset() }
        let missing = try await w.login(toni)
        XCTAssertEqual(missing.status, 401, missing.text)
        XCTAssertEqual(missing.json["message"] as? String, message, "a missing code is the same failure as a wrong passphrase")
        XCTAssertNil(missing.json["token"])
        let current = try code(secret, at: w.clock.now)
        // Failures so far: the wrong passphrase and the missing code (the test's limit is 3). A good login clears them.
        let good = try await w.login(toni, totp: current)
        XCTAssertEqual(good.status, 200, good.text)
        XCTAssertNotNil(good.json["token"])
        let reused = try await w.login(toni, totp: current)
        XCTAssertEqual(reused.status, 401, "a code is accepted once")
        XCTAssertEqual(reused.json["message"] as? String, message)
        let wrong = try await w.login(toni, totp: current == "123456" ? "654321" : "123456")
        XCTAssertEqual(wrong.status, 401)
        XCTAssertEqual(wrong.json["message"] as? String, message)
        let noCodeAgain = try await w.login(toni)
        XCTAssertEqual(noCodeAgain.status, 401)
        // Three code failures: locked, even with the next step's right code.
        w.clock.advance(30)
        let locked = try await w.login(toni, totp: try code(secret, at: w.clock.now))
        XCTAssertEqual(locked.status, 429, locked.text)
    }

    func testAnAdministratorResetsLoginCodesAuditedAndAnotherOrganisationsManagerCannot() async throws {
        let w = try await world()
        let rae = try w.addAccount("Rae Hollis", org: w.org1)
        let secret = try XCTUnwrap(Base32.decode(try w.open(as: rae).enrolTOTP().secretBase32))
        try w.open(as: rae).confirmTOTP(code: try code(secret, at: Date()))
        let refused = try await w.login(rae)
        XCTAssertEqual(refused.status, 401, "the phone is lost: no code")

        let otherManager = try w.addAccount("Jo Platt", org: w.org2, role: .manager)
        XCTAssertThrowsError(try w.open(as: otherManager).resetTOTP(accountID: AccountID(rae))) { error in
            guard case AccessError.refused = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try w.open(as: w.sam).resetTOTP(accountID: AccountID(rae)), "an advocate cannot reset anyone's")
        try w.open(as: w.admin).resetTOTP(accountID: AccountID(rae))
        XCTAssertEqual(try w.open(as: rae).totpState(), Vault.TOTPState.none)
        let events = try w.open(as: w.admin).auditLog(caseID: nil, since: nil, actor: w.admin).filter { $0.action == Vault.totpResetAction }
        XCTAssertEqual(events.last?.details["advocate"], rae, "the reset names the account")
        let back = try await w.login(rae)
        XCTAssertEqual(back.status, 200, back.text)
        // Disabling one's own needs a current code.
        let again = try XCTUnwrap(Base32.decode(try w.open(as: rae).enrolTOTP().secretBase32))
        try w.open(as: rae).confirmTOTP(code: try code(again, at: Date()))
        XCTAssertThrowsError(try w.open(as: rae).disableTOTP(code: "not a code"))
        XCTAssertEqual(try w.open(as: rae).totpState(), .active)
        XCTAssertTrue(try w.open(as: w.admin).verifyAudit(external: nil).ok)
    }
}
