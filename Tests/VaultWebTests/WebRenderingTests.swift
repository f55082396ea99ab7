import Foundation
import Hummingbird
import Consent
import HelperProcess
import VaultCrypto
import VaultCore
import XCTest
@testable import VaultWeb

/// The templates parse, escape every stored value, and every response carries the security headers.
final class WebRenderingTests: XCTestCase {
    static let script = "<script>window.__xss=1</script> O'Brien & \"Sons\""

    func testEveryTemplateParsesAndNoneWritesAValueUnescaped() throws {
        _ = try WebRenderer()
        for (name, text) in WebTemplates.all {
            // Triple braces only around a trusted fragment's name (an HTMLFragment, escaped by HTMLWriter).
            var rest = Substring(text)
            while let open = rest.range(of: "{{{") {
                let close = try XCTUnwrap(rest[open.upperBound...].range(of: "}}}"), "template \(name) has an unclosed {{{")
                let inner = String(rest[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespaces)
                XCTAssertTrue(WebTemplates.trustedFragments.contains(inner), "template \(name) writes \(inner) unescaped")
                rest = rest[close.upperBound...]
            }
            XCTAssertFalse(text.contains("{{&"), "template \(name) writes a value unescaped")
        }
    }

    func testStoredNamesAreEscapedOnEveryPage() throws {
        let renderer = try WebRenderer()
        let s = Self.script
        let cases = renderer.render("cases", title: s, signedIn: true, formToken: "t", page: CasesPage(
            filter: s, filtered: true, summary: "1 case.", rows: [CaseRow(id: "case-1", client: s, reference: s, nhsBody: s,
                                                          deadline: DeadlineCell(due: "2026-01-01", title: s, rule: "R-TIME-1", overdue: true, met: false),
                                                          deadlineNote: s, documents: 1)]))
        let casePage = renderer.render("case", title: s, signedIn: true, formToken: "t", page: CasePage(
            client: s, reference: s, facts: [Fact(label: "NHS body", value: s)], people: [PersonRow(name: s, role: "relative")],
            consents: [ConsentRow(person: s, kind: s, grantee: s, actions: s, valid: s, state: s)], deadlines: [], deadlineNote: s,
            reminders: [ReminderRow(due: "2026-01-01", text: s, done: false)],
            documentRows: TableRows.documents([DocumentRow(id: "doc-1", date: "2026-01-01", dateSource: s, kind: s, name: s)],
                                              query: "?acknowledge=R-CON-9"),
            documentNote: "", warnings: [s],
            acknowledgeLink: "/cases/case-1?acknowledge=R-CON-9", documentQuery: "?acknowledge=R-CON-9",
            notes: [NoteRow(writtenAt: "2026-01-01", writtenBy: s, text: s)]))
        let document = renderer.render("document", title: s, signedIn: true, formToken: "t", page: DocumentPage(
            id: "doc-1", caseID: "case-1", caseLabel: s, name: s, facts: [Fact(label: "Kind", value: s)],
            readable: ReadableText(headers: [Fact(label: "From", value: s)], body: s, attachments: [s]), unreadable: "", acknowledged: ""))
        let signIn = renderer.render("signin", title: "Sign in", signedIn: false, page: SignInPage(signInToken: "t", notice: s, error: s))
        let error = renderer.render("error", title: s, signedIn: false, page: ErrorPage(heading: s, message: s, details: [s], back: "/cases", backLabel: s))
        for (name, html) in [("cases", cases), ("case", casePage), ("document", document), ("signin", signIn), ("error", error)] {
            XCTAssertFalse(html.contains("<script"), "\(name) holds an unescaped <script>")
            XCTAssertFalse(html.contains("O'Brien"), "\(name) holds an unescaped quote")
            XCTAssertTrue(html.contains("&lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Brien &amp; &quot;Sons&quot;"), "\(name) lost the name")
        }
        // The reference's page parts are there (the templates are not silently empty).
        XCTAssertTrue(cases.contains("<strong class=\"overdue\">Overdue:</strong>"))
        XCTAssertTrue(casePage.contains("<h2>Consents and authorities</h2>") && casePage.contains("href=\"/documents/doc-1?acknowledge=R-CON-9\""))
        XCTAssertTrue(document.contains("<pre class=\"document-text\">") && document.contains("action=\"/documents/doc-1/download\""))
        XCTAssertTrue(signIn.contains("enctype=\"multipart/form-data\"") && signIn.contains("role=\"alert\""))
    }

    func testEveryPageHasTheFrameForAssistiveTechnology() throws {
        let html = try WebRenderer().render("cases", title: "My cases", signedIn: true, formToken: "tok", page: CasesPage(filter: "", filtered: false, summary: "", rows: []))
        XCTAssertTrue(html.contains("<html lang=\"en-GB\">"))
        XCTAssertTrue(html.contains("<a class=\"skip\" href=\"#main\">") && html.contains("<main id=\"main\""))
        XCTAssertTrue(html.contains("<label for=\"q\">"), "the filter box has no label")
        XCTAssertTrue(html.contains("name=\"form_token\" value=\"tok\""), "the sign-out form has no form token")
        XCTAssertFalse(html.contains("<script"), "pages carry no script")
        XCTAssertFalse(html.contains("style=\""), "an inline style would be refused by the CSP")
    }

    func testResponsesCarryTheSecurityHeaders() {
        for response in [WebHTTP.html("<p>x</p>"), WebHTTP.redirect("/cases")] {
            XCTAssertEqual(response.headers[.contentSecurityPolicy],
                           "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
            XCTAssertEqual(response.headers[.xContentTypeOptions], "nosniff")
            XCTAssertEqual(response.headers[.cacheControl], "no-store")
            XCTAssertEqual(response.headers[HTTPFields.Element.Name("Referrer-Policy")!], "no-referrer")
        }
        XCTAssertEqual(WebHTTP.setCookie(WebHTTP.sessionCookie, "abc"), "__Host-casevault-session=abc; Path=/; Secure; HttpOnly; SameSite=Strict")
        XCTAssertTrue(WebHTTP.clearCookie(WebHTTP.sessionCookie).hasSuffix("Max-Age=0"))
    }

    func testFormTokensAndBoundaries() {
        XCTAssertTrue(WebHTTP.tokensMatch("abc", "abc"))
        XCTAssertFalse(WebHTTP.tokensMatch("abd", "abc"))
        XCTAssertFalse(WebHTTP.tokensMatch(nil, "abc"))
        XCTAssertFalse(WebHTTP.tokensMatch("", ""), "an empty expected token matches nothing")
        XCTAssertEqual(WebHandlers<NoBackend>.boundary("multipart/form-data; boundary=----x1"), "----x1")
        XCTAssertEqual(WebHandlers<NoBackend>.boundary("multipart/form-data; charset=utf-8; boundary=\"q\""), "q")
        XCTAssertNil(WebHandlers<NoBackend>.boundary("application/x-www-form-urlencoded"))
        XCTAssertNil(WebHandlers<NoBackend>.boundary("multipart/form-data"))
    }
}

/// A backend for the static helpers' generic parameter; never called.
struct NoBackend: WebBackend {
    func signIn(identityFile: Data, passphrase: String, loginCode: String?, address: String) async throws -> String { throw WebSignInError.signInFailed }
    func withVault<T: Sendable>(token: String, _ body: @escaping @Sendable (Vault) throws -> T) async throws -> T { throw WebSignInError.notSignedIn }
    func formToken(sessionToken: String) throws -> String { "" }
    func download(token: String, documentID: String, acknowledged: [RuleID]) async throws -> Response { Response(status: .notFound) }
    func signOut(token: String) async throws {}
    func bundleHelper() throws -> PDFHelper { PDFHelper(program: "/nonexistent") }
    func bundleVerificationKey() -> Ed25519.PublicKey? { nil }
    var maxUploadBytes: Int64 { 1 << 20 }
}
