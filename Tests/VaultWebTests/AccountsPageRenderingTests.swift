import Foundation
import VaultCore
import XCTest
@testable import VaultWeb

/// The accounts page's confirmation form and the page a newcomer sees when refused: names escaped, the form carries
/// the session's form token (CSRF), and the words say what to do next and who can confirm.
final class AccountsPageRenderingTests: XCTestCase {
    static let script = "<script>window.__xss=1</script> O'Brien & \"Sons\""
    static let escaped = "&lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Brien &amp; &quot;Sons&quot;"

    func testTheConfirmationFormEscapesTheNameAndCarriesTheFormToken() throws {
        let renderer = try WebRenderer()
        let newcomer = AccountsPage.Account(name: Self.script, id: "adv-1f2e", role: "Manager", removed: "awaiting confirmation", isYou: false)
        let page = AccountsPage(organisations: [.init(name: Self.script, id: "org-1", casePrefix: nil, accounts: [newcomer])], administrators: [],
                                isAdministrator: false, confirmable: [newcomer], notice: nil)
        let html = renderer.render("accounts", title: "Organisations and accounts", signedIn: true, formToken: "tok-123", page: page)
        XCTAssertFalse(html.contains("<script"), html)
        XCTAssertTrue(html.contains("Confirm \(Self.escaped)</button>"), html)
        XCTAssertTrue(html.contains("<form method=\"post\" action=\"/accounts/adv-1f2e/confirm\">\n<input type=\"hidden\" name=\"form_token\" value=\"tok-123\">"), html)
        XCTAssertTrue(html.contains("<input id=\"fingerprint-adv-1f2e\" name=\"fingerprint\" required"), html)
        XCTAssertTrue(html.contains("the fingerprint that <code>casevault identity show</code> prints"), html)
        XCTAssertTrue(html.contains("<td>awaiting confirmation</td>"), html)
        // Someone who may confirm no one sees no form.
        let other = AccountsPage(organisations: page.organisations, administrators: [], isAdministrator: false, confirmable: [], notice: nil)
        XCTAssertFalse(renderer.render("accounts", title: "x", signedIn: true, formToken: "tok-123", page: other).contains("/confirm\""))
    }

    func testTheRefusedNewcomerIsToldToRenewThenWhomToReadTheFingerprintTo() throws {
        let refusal = AccessError.awaitingConfirmation(account: "adv-9", organisation: "Suffolk Advocacy", confirmers: ["Alex Reid"], confirmedBy: .advocate)
        XCTAssertTrue("\(refusal)".contains("awaits confirmation by an advocate of Suffolk Advocacy, which has no manager"), "\(refusal)")
        let steps = WebInterface.awaitingSteps(.init(organisation: "Suffolk Advocacy", names: ["Alex Reid"], role: .advocate))
        XCTAssertTrue(steps[0].contains("run casevault identity renew"), steps[0])
        XCTAssertTrue(steps[1].contains("read that fingerprint out to Alex Reid, an advocate of Suffolk Advocacy, which has no manager"), steps[1])
        let html = try WebRenderer().render("error", title: "Your account awaits confirmation", signedIn: true, formToken: "t",
                                            page: ErrorPage(heading: "Your account awaits confirmation", message: "\(refusal)", details: steps,
                                                            back: "/cases", backLabel: "Back to my cases"))
        XCTAssertTrue(html.contains("casevault identity renew") && html.contains("Alex Reid, an advocate of Suffolk Advocacy"), html)
    }
}
