import Foundation
import Mustache
import XCTest
@testable import VaultWeb

/// The large tables' rows are written by `HTMLWriter`, not by a template: every stored value must come out escaped
/// as the templates escape theirs, controls and direction overrides shown, not obeyed, and the markup unchanged.
final class TableRowsTests: XCTestCase {
    static let hostile = "<script>window.__xss=1</script> O'Brien & \"Sons\" \u{202E}fdp.exe\u{0} \u{1B}[2J\nline"

    func testEveryValueIsEscapedAndControlsAreShownNotObeyed() {
        let s = Self.hostile
        let documents = TableRows.documents([DocumentRow(id: "doc-1\"><script>", date: s, dateSource: s, kind: s, name: s)],
                                            query: "?acknowledge=R-CON-9&x=\"'")
        let audit = TableRows.audit([AuditPage.Row(time: s, who: s, what: s, outcome: s, refused: true, caseLabel: s, caseID: "case-1'<",
                                                   document: s)])
        for (name, html) in [("documents", documents.html), ("audit", audit.html)] {
            XCTAssertFalse(html.contains("<script"), "\(name) holds an unescaped <script>")
            XCTAssertFalse(html.contains("O'Brien") || html.contains("\"Sons\""), "\(name) holds an unescaped quote")
            XCTAssertTrue(html.contains("&lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Brien &amp; &quot;Sons&quot;"), "\(name) lost the name")
            for control in ["\u{202E}", "\u{0}", "\u{1B}"] {
                XCTAssertFalse(html.contains(control), "\(name) passes a control character through")
            }
            XCTAssertTrue(html.contains("\\u{202E}fdp.exe\\u{0} \\u{1B}[2J\\u{A}line"), "\(name) does not show the controls: \(html)")
        }
        XCTAssertTrue(documents.html.contains("href=\"/documents/doc-1&quot;&gt;&lt;script&gt;?acknowledge=R-CON-9&amp;x=&quot;&#39;\""),
                      documents.html)
        XCTAssertTrue(audit.html.contains("<strong class=\"overdue\">"), "a refusal stands out")
        XCTAssertTrue(audit.html.contains("href=\"/cases/case-1&#39;&lt;\""), audit.html)
    }

    /// For ordinary values the rows are exactly what the templates' row sections wrote before (the same cells, the
    /// same escaping), so the pages and the browser test see no change.
    func testRowsMatchWhatTheTemplateSectionsWrote() throws {
        let row = DocumentRow(id: "doc-7", date: "2026-03-01", dateSource: "file name", kind: "letter", name: "Reply & notes \"final\".txt")
        let template = try MustacheTemplate(string: "{{#documents}}<tr><td>{{date}}</td><td>{{dateSource}}</td><td>{{kind}}</td>"
                                            + "<td><a href=\"/documents/{{id}}{{documentQuery}}\">{{name}}</a></td></tr>\n{{/documents}}")
        let expected = template.render(["documents": [row], "documentQuery": "?acknowledge=R-CON-9"] as [String: Any])
        XCTAssertEqual(TableRows.documents([row], query: "?acknowledge=R-CON-9").html, expected)

        let events = [AuditPage.Row(time: "2026-12-06 10:15", who: "Sam O'Neil", what: "Read a document", outcome: "Done", refused: false,
                                    caseLabel: "NCA-2026-0001", caseID: "case-1", document: "doc-7"),
                      AuditPage.Row(time: "2026-12-06 10:16", who: "casevault", what: "Signed in", outcome: "Refused (R-CON-1)", refused: true,
                                    caseLabel: "", caseID: nil, document: "")]
        let auditTemplate = try MustacheTemplate(string: "{{#rows}}<tr><td>{{time}}</td><td>{{who}}</td><td>{{what}}</td><td>{{#refused}}"
            + "<strong class=\"overdue\">{{outcome}}</strong>{{/refused}}{{^refused}}{{outcome}}{{/refused}}</td><td>{{#caseID}}"
            + "<a href=\"/cases/{{caseID}}\">{{caseLabel}}</a>{{/caseID}}</td><td>{{document}}</td></tr>\n{{/rows}}")
        XCTAssertEqual(TableRows.audit(events).html, auditTemplate.render(["rows": events] as [String: Any]))
    }

    func testAFragmentIsWrittenWholeByTheTemplatesAndAnEmptyOneLeavesItsTableOut() throws {
        let renderer = try WebRenderer()
        func page(_ rows: HTMLFragment) -> AuditPage {
            AuditPage(caseFilter: "", since: "", filtered: false, summary: "s", auditRows: rows, olderLink: "/audit?before=9")
        }
        let row = AuditPage.Row(time: "t", who: Self.hostile, what: "w", outcome: "o", refused: false, caseLabel: "", caseID: nil, document: "")
        let full = renderer.render("audit", title: "Activity log", signedIn: true, formToken: "t", page: page(TableRows.audit([row])))
        XCTAssertTrue(full.contains("<tbody>\n<tr><td>t</td><td>&lt;script&gt;"), full)
        XCTAssertFalse(full.contains("<script"))
        XCTAssertTrue(full.contains("<a href=\"/audit?before=9\">Older events</a>"))
        let empty = renderer.render("audit", title: "Activity log", signedIn: true, formToken: "t", page: page(.empty))
        XCTAssertFalse(empty.contains("<table"), "no events, no table")
    }
}
