import BundleExport
import BundleModel
import Foundation
import XCTest
@testable import VaultWeb

/// The bundle, verify and withdrawal pages: escaped, labelled, and the wizard's form read as the export expects.
final class BundlePagesRenderingTests: XCTestCase {
    static let s = WebRenderingTests.script
    static let escaped = "&lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Brien &amp; &quot;Sons&quot;"

    func testTheNewPagesEscapeEveryStoredValueAndLabelEveryField() throws {
        for (name, text) in BundleTemplates.all.merging(CaseTeamTemplates.all, uniquingKeysWith: { first, _ in first }) {
            XCTAssertFalse(text.contains("{{{") || text.contains("{{&"), "template \(name) writes a value unescaped")
        }
        let renderer = try WebRenderer()
        let s = Self.s
        let choice = Choice(value: "default", label: s, hint: s, selected: true)
        let bundle = renderer.render("bundle", title: s, signedIn: true, formToken: "t", page: BundleFormPage(
            caseID: "case-1", caseLabel: s, meeting: s, recipient: s, recipientName: s, theirReference: s, ourReference: s, policies: [choice],
            documents: [DocumentChoice(id: "doc-1", name: s, kind: s, date: "2026-01-01", checked: true, note: s)], includeUnreviewed: false,
            acknowledged: "", warnings: [s], problem: s,
            plan: PlanView(summary: s, rows: [PlanRow(name: s, kind: s, included: true, reason: s, redactions: s)], warnings: [s])))
        let download = renderer.render("bundle-download", title: s, signedIn: true, formToken: "t", page: BundleDownloadPage(
            bundleID: "bun-1", caseID: "case-1", caseLabel: s, facts: [Fact(label: "Meeting", value: s)], pdfName: "bun-1.pdf", manifestName: "m"))
        let verify = renderer.render("verify", title: s, signedIn: false, page: VerifyPage(
            limit: "1 MB", outcome: VerifyOutcome(genuine: false, heading: s, message: s, facts: [Fact(label: "For", value: s)]), problem: s))
        let withdraw = renderer.render("consent-withdraw", title: s, signedIn: true, formToken: "t", page: WithdrawPage(
            id: "auth-1", caseID: "case-1", caseLabel: s, facts: [Fact(label: "Person", value: s)], withdrawn: nil, done: false, date: "2026-12-06",
            channels: [Choice(value: "letter", label: s, hint: "", selected: false)], problem: s))
        for (name, html) in [("bundle", bundle), ("bundle-download", download), ("verify", verify), ("consent-withdraw", withdraw)] {
            XCTAssertFalse(html.contains("<script"), "\(name) holds an unescaped <script>")
            XCTAssertFalse(html.contains("O'Brien"), "\(name) holds an unescaped quote")
            XCTAssertTrue(html.contains(Self.escaped), "\(name) lost the value")
            XCTAssertFalse(html.contains("style=\""), "\(name): an inline style would be refused by the CSP")
            // Every input but the hidden ones has a label pointing at it.
            for match in html.matches(of: /<input type="(text|file|radio|checkbox)" id="([^"]+)"/) {
                XCTAssertTrue(html.contains("<label for=\"\(match.2)\""), "\(name): input \(match.2) has no label")
            }
        }
        XCTAssertTrue(bundle.contains("name=\"form_token\" value=\"t\"") && bundle.contains("<legend>Documents</legend>"))
        XCTAssertTrue(bundle.contains("value=\"check\">Check what would go in</button>") && bundle.contains("value=\"export\">Export the bundle</button>"))
        XCTAssertTrue(download.contains("action=\"/bundles/bun-1/pdf\"") && download.contains("action=\"/bundles/bun-1/manifest\""))
        XCTAssertTrue(verify.contains("role=\"alert\" id=\"verify-result\"") && verify.contains("enctype=\"multipart/form-data\""))
        XCTAssertFalse(verify.contains("form_token"), "the public verify page carries no session's token")
        XCTAssertTrue(withdraw.contains("action=\"/consents/auth-1/withdraw\"") && withdraw.contains("name=\"confirm\" value=\"yes\" required"))
        let team = renderer.render("case-team", title: s, signedIn: true, formToken: "t", page: CaseTeamPage(
            caseID: "case-1", caseLabel: s, notice: s, assigned: [Choice(value: "adv-1", label: s, hint: "", selected: true)],
            available: [Choice(value: "adv-2", label: s, hint: "", selected: false)]))
        XCTAssertFalse(team.contains("<script") || team.contains("O'Brien"))
        XCTAssertTrue(team.contains(Self.escaped) && team.contains("<label for=\"advocate\">") && team.contains("action=\"/cases/case-1/team/unassign\""))
    }

    func testTheWizardsChoicesKeepTheDefaultsUnlessTheAdvocateChangesThem() throws {
        let form = WebMultiForm("form_token=t&meeting=Local+resolution%2C+3+Dec&recipient=trust-X&policy=trust-meeting&document=doc-2&document=doc-1")
        XCTAssertEqual(form.all("document"), ["doc-2", "doc-1"], "a repeated name keeps every value")
        let choices = BundleChoices(form)
        XCTAssertNil(choices.problem)
        XCTAssertEqual(choices.meeting, "Local resolution, 3 Dec")
        XCTAssertEqual(try choices.options(defaults: ["doc-1", "doc-2"]).documentIDs, [], "the defaults ticked stay the defaults")
        XCTAssertEqual(try choices.options(defaults: ["doc-1"]).documentIDs, ["doc-2", "doc-1"], "another choice names the documents")
        XCTAssertEqual(try choices.options(defaults: []).policyLabel, "trust-meeting")
        XCTAssertNotNil(BundleChoices(WebMultiForm("meeting=M&recipient=trust-X")).problem, "no document ticked")
        XCTAssertNotNil(BundleChoices(WebMultiForm("recipient=trust-X&document=doc-1")).problem, "no meeting")
        XCTAssertThrowsError(try BundleChoices(WebMultiForm("meeting=M&recipient=x&document=d&policy=keep%3Deverything")).options(defaults: []))
        XCTAssertThrowsError(try BundleChoices(WebMultiForm("meeting=M%0Aevil&recipient=x&document=d")).options(defaults: []))
    }
}
