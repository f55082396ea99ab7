import Foundation
import XCTest
@testable import VaultWeb

/// The guided situations' page renders every value escaped, in both steps, and offers the six situations.
final class SituationPageRenderingTests: XCTestCase {
    func testBothStepsEscapeEveryValue() throws {
        let renderer = try WebRenderer()
        let s = WebRenderingTests.script
        let choose = renderer.render("case-situation", title: s, signedIn: true, formToken: "t", page: SituationPage(
            caseID: "case-1", caseLabel: s, situations: SituationWords.all.map { Choice(value: $0.0.rawValue, label: $0.1, hint: $0.2, selected: false) }))
        XCTAssertEqual(choose.components(separatedBy: "name=\"situation\"").count - 1, 6, "six situations offered")
        XCTAssertTrue(choose.contains("action=\"/cases/case-1/consents/new\"") && choose.contains("method=\"get\""))
        var page = SituationPage(caseID: "case-1", caseLabel: s, situations: [])
        page.situation = "after-death"
        page.situationLabel = s
        page.situationHint = s
        page.problem = s
        page.missing = [Fact(label: "signed_on", value: s)]
        page.representativeLabel = s
        page.people = [Choice(value: s, label: s, hint: "", selected: true)]
        page.newName = s
        page.signedOn = s
        page.validUntil = s
        page.bodies = s
        page.caseBody = s
        page.actions = [Choice(value: "view_documents", label: s, hint: "", selected: true)]
        page.afterDeath = true
        page.diedOn = s
        page.standings = [Choice(value: "next-of-kin", label: s, hint: "", selected: true)]
        page.evidence = [Choice(value: s, label: s, hint: "", selected: false)]
        page.authorityForm = s
        page.authorityHint = s
        page.doubts = [s]
        let form = renderer.render("case-situation", title: s, signedIn: true, formToken: "t", page: page)
        for html in [choose, form] {
            XCTAssertFalse(html.contains("<script"), "an unescaped <script>")
            XCTAssertFalse(html.contains("O'Brien"), "an unescaped quote")
        }
        XCTAssertTrue(form.contains("value=\"&lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Brien &amp; &quot;Sons&quot;\""), form)
        XCTAssertTrue(form.contains("enctype=\"multipart/form-data\"") && form.contains("name=\"form_token\" value=\"t\""))
        XCTAssertTrue(form.contains("<input type=\"hidden\" name=\"situation\" value=\"after-death\">"))
        XCTAssertTrue(form.contains("role=\"alert\"") && form.contains("<a href=\"#signed_on\">"))
        XCTAssertTrue(form.contains("id=\"died_on\"") && form.contains("id=\"authority_form\"") && form.contains("id=\"consent_form\""))
        // The core's doubt about the dates, asked with a box to record it anyway (unticked: it must be ticked each time).
        XCTAssertTrue(form.contains("Record it anyway?") && form.contains("<a href=\"#confirm_anyway\">"), form)
        XCTAssertTrue(form.contains("name=\"confirm_anyway\" value=\"yes\" aria-describedby=\"confirm_anyway-hint\">"), form)
        var plain = page
        plain.doubts = []
        XCTAssertFalse(renderer.render("case-situation", title: "x", signedIn: true, formToken: "t", page: plain).contains("confirm_anyway"))
    }

    /// The case page's notice after recording: the rules' warnings listed, escaped.
    func testTheCasePageListsTheRecordedWarningsEscaped() throws {
        let renderer = try WebRenderer()
        let s = WebRenderingTests.script
        var page = CasePage(client: "C", reference: nil, facts: [], people: [], consents: [], deadlines: [], deadlineNote: "", reminders: [],
                            documentRows: TableRows.documents([], query: ""), documentNote: "", warnings: [], acknowledgeLink: nil,
                            documentQuery: "", notes: [])
        XCTAssertFalse(renderer.render("case", title: "C", signedIn: true, formToken: "t", page: page).contains("recorded-warnings"))
        page.notice = s
        page.noticeWarnings = [s, "R-CON-3: " + s]
        let html = renderer.render("case", title: "C", signedIn: true, formToken: "t", page: page)
        XCTAssertFalse(html.contains("<script") || html.contains("O'Brien"), html)
        XCTAssertTrue(html.contains("<li>R-CON-3: &lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Brien &amp; &quot;Sons&quot;</li>"), html)
    }
}
