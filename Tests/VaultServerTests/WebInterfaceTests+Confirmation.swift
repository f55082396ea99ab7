import Foundation
import VaultCrypto
import XCTest
@testable import VaultCore

/// Confirming a newcomer on the accounts page: the newcomer's refusal page says what to do next, a manager sees the
/// form, and a missing form token, a wrong fingerprint or the wrong person change nothing.
extension WebInterfaceTests {
    func testAManagerConfirmsARenewedNewcomerOnTheAccountsPageAndNothingElseConfirmsIt() async throws {
        let w = try await world()
        let newcomer = try w.addNewcomer("Rae <b>Quill</b>", org: w.org1)
        func awaiting() throws -> Bool? { try w.open(as: w.admin).advocates().first { $0.id == newcomer }?.awaitingConfirmation }
        let mine = try await w.token(newcomer)
        let refused = try await w.request("GET", "/cases", curlOptions: Self.cookie(mine))
        XCTAssertEqual(refused.status, 403, refused.text)
        XCTAssertTrue(refused.text.contains("Your account awaits confirmation"), refused.text)
        XCTAssertTrue(refused.text.contains("run casevault identity renew"), refused.text)
        XCTAssertTrue(refused.text.contains("read that fingerprint out to Lee Morgan, a manager of Norfolk NHS Complaints Advocacy"), refused.text)

        // The newcomer renews on their own computer (the core's call the CLI makes), same passphrase.
        let path = try XCTUnwrap(w.identities[newcomer])
        let renewed = try w.open(as: newcomer).renewOwnIdentity(passphrase: SecureBytes(copying: Array(try XCTUnwrap(w.passphrases[newcomer]).utf8))) {
            try VaultSetup.writeNewIdentity($0, to: VaultSetup.renewedIdentityPath(for: path))
        }
        try VaultSetup.installRenewedIdentity(at: path)

        let lee = try await w.token(w.lee)
        let page = try await w.request("GET", "/accounts", curlOptions: Self.cookie(lee))
        XCTAssertEqual(page.status, 200, page.text)
        XCTAssertTrue(page.text.contains("Confirm Rae &lt;b&gt;Quill&lt;/b&gt;</button>"), page.text)
        XCTAssertTrue(page.text.contains("action=\"/accounts/\(newcomer)/confirm\""), page.text)
        let formToken = try XCTUnwrap(Self.formToken(in: page.text))
        let sam = try await w.token(w.sam)
        let samPage = try await w.request("GET", "/accounts", curlOptions: Self.cookie(sam))
        XCTAssertFalse(samPage.text.contains("/confirm\""), "an advocate of an organisation with a manager is offered no form")
        let samForm = try XCTUnwrap(Self.formToken(in: samPage.text))

        let confirm = "/accounts/\(newcomer)/confirm"
        let wrong = try w.open(as: w.admin).identityFingerprint(of: AccountID(w.sam))
        for (who, cookie, body, expected) in [
            ("no form token", lee, "fingerprint=\(renewed.fingerprint)", "did not come from this site"),
            ("another session's form token", lee, "form_token=\(samForm)&fingerprint=\(renewed.fingerprint)", "did not come from this site"),
            ("a wrong fingerprint", lee, "form_token=\(formToken)&fingerprint=\(wrong)", "the fingerprint given is not the one of this account"),
            ("an advocate", sam, "form_token=\(samForm)&fingerprint=\(renewed.fingerprint)", "Not allowed"),
        ] {
            let reply = try await w.request("POST", confirm, curlOptions: Self.cookie(cookie) + ["--data", body])
            XCTAssertEqual(reply.status, 403, "\(who): \(reply.text)")
            XCTAssertTrue(reply.text.contains(expected), "\(who): \(reply.text)")
            XCTAssertEqual(try awaiting(), true, who)
        }
        let done = try await w.request("POST", confirm, curlOptions: Self.cookie(lee) + ["--data", "form_token=\(formToken)&fingerprint=\(renewed.fingerprint)"])
        XCTAssertEqual(done.status, 303, done.text)
        XCTAssertEqual(Self.header("location", in: done), ["/accounts?done=confirmed"])
        XCTAssertEqual(try awaiting(), false)
        let after = try await w.request("GET", "/accounts?done=confirmed", curlOptions: Self.cookie(lee))
        XCTAssertTrue(after.text.contains("Confirmed. The case keys you hold"), after.text)
        XCTAssertFalse(after.text.contains(confirm), "no form once confirmed")
    }
}
