import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore

/// The web pages over real HTTPS (curl with the test's own CA) on the throwaway PostgreSQL: headers, the session
/// cookie, CSRF, expiry and escaping. The real-browser run is in WebInterfaceTests+Browser.swift.
final class WebInterfaceTests: XCTestCase {
    nonisolated(unsafe) static var scriptPerson = ""
    /// A relative of the client whose stored name is markup: it must arrive as text.
    static let scriptName = "<script>window.__xss=1</script> O'Brien"
    /// The world with that relative on the client's case.
    static let shared = SharedServerWorld { world in
        let vault = try world.open(as: world.sam)
        WebInterfaceTests.scriptPerson = try vault.addPerson(.init(name: WebInterfaceTests.scriptName, dob: "1970-01-01")).rawValue
        try vault.addCasePerson(caseID: CaseID(world.caseID), personID: PersonID(WebInterfaceTests.scriptPerson), role: .relative, firstNameIsSafe: false)
        try vault.writeCheckpoint()
    }
    static let escapedName = "&lt;script&gt;window.__xss=1&lt;/script&gt; O&#39;Brien"

    func world() async throws -> ServerTestWorld { try await Self.shared.get() }

    override class func tearDown() {
        shared.stop()
        super.tearDown()
    }

    static func cookie(_ token: String) -> [String] { ["-b", "__Host-casevault-session=\(token)"] }

    static func header(_ name: String, in reply: ServerTestWorld.Reply) -> [String] {
        reply.headers.split(separator: "\r\n").compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == name.lowercased() else { return nil }
            return parts[1].trimmingCharacters(in: .whitespaces)
        }
    }

    static func formToken(in html: String) -> String? {
        guard let range = html.range(of: "name=\"form_token\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    func testPagesNeedASessionAndEveryAnswerCarriesTheSecurityHeaders() async throws {
        let w = try await world()
        let cases = try await w.request("GET", "/cases")
        XCTAssertEqual(cases.status, 303)
        XCTAssertEqual(Self.header("location", in: cases), ["/signin"])
        let signIn = try await w.request("GET", "/signin")
        XCTAssertEqual(signIn.status, 200)
        for reply in [cases, signIn] {
            XCTAssertEqual(Self.header("content-security-policy", in: reply),
                           ["default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"])
            XCTAssertEqual(Self.header("x-content-type-options", in: reply), ["nosniff"])
            XCTAssertEqual(Self.header("referrer-policy", in: reply), ["no-referrer"])
            XCTAssertEqual(Self.header("cache-control", in: reply), ["no-store"])
        }
        let setCookie = Self.header("set-cookie", in: signIn).joined()
        XCTAssertTrue(setCookie.hasPrefix("__Host-casevault-signin=") && setCookie.contains("HttpOnly") && setCookie.contains("Secure")
                      && setCookie.contains("SameSite=Strict") && setCookie.contains("Path=/"), setCookie)
        let css = try await w.request("GET", "/static/app.css")
        XCTAssertEqual(css.status, 200)
        XCTAssertEqual(Self.header("content-type", in: css), ["text/css; charset=utf-8"])
        // The router's own answers (an unknown path, a wrong method) and the API's JSON carry the headers too.
        let unknown = try await w.request("GET", "/no-such-page")
        XCTAssertEqual(unknown.status, 404)
        let wrongMethod = try await w.request("DELETE", "/signin")
        XCTAssertTrue([404, 405].contains(wrongMethod.status), "\(wrongMethod.status)")
        let api = try await w.request("GET", "/api/v1/cases")
        XCTAssertEqual(api.status, 401)
        for reply in [unknown, wrongMethod, api] {
            XCTAssertEqual(Self.header("content-security-policy", in: reply), ["default-src 'none'; frame-ancestors 'none'; base-uri 'none'"])
            XCTAssertEqual(Self.header("x-content-type-options", in: reply), ["nosniff"])
            XCTAssertEqual(Self.header("referrer-policy", in: reply), ["no-referrer"])
            XCTAssertEqual(Self.header("x-frame-options", in: reply), ["DENY"])
            XCTAssertEqual(Self.header("cache-control", in: reply), ["no-store"])
        }
        // The pages are not API routes: the OpenAPI check still holds both ways (ServerAPITests), and /api is untouched.
        XCTAssertFalse(w.routes.contains { $0.path.hasPrefix("/cases") || $0.path == "/signin" })
    }

    func testSignInWithTheFormSetsTheSessionCookieAndShowsTheCases() async throws {
        let w = try await world()
        let form = try await w.request("GET", "/signin")
        let signInToken = try XCTUnwrap(Self.formToken(in: form.text))
        let identity = try XCTUnwrap(w.identities[w.sam])
        let reply = try await w.request("POST", "/signin", curlOptions: ["-F", "form_token=\(signInToken)", "-F", "identity=@\(identity)",
                                                                         "--form-string", "passphrase=\(w.passphrases[w.sam]!)",
                                                                         "-b", "__Host-casevault-signin=\(signInToken)"])
        XCTAssertEqual(reply.status, 303, reply.text)
        XCTAssertEqual(Self.header("location", in: reply), ["/cases"])
        let session = try XCTUnwrap(Self.header("set-cookie", in: reply).first { $0.hasPrefix("__Host-casevault-session=") })
        XCTAssertTrue(session.contains("; Path=/; Secure; HttpOnly; SameSite=Strict"), session)
        let token = String(session.dropFirst("__Host-casevault-session=".count).prefix { $0 != ";" })
        let cases = try await w.request("GET", "/cases", curlOptions: Self.cookie(token))
        XCTAssertEqual(cases.status, 200)
        XCTAssertTrue(cases.text.contains(">Margaret Ellis</a>"), "the list names the client")
        // The same token is an API session: the pages and the API share one session service.
        let api = try await w.request("GET", "/api/v1/cases", token: token)
        XCTAssertEqual(api.status, 200)
    }

    func testSignInWithoutItsFormTokenOrWithAWrongPassphraseIsRefused() async throws {
        let w = try await world()
        let identity = try XCTUnwrap(w.identities[w.lee])
        // A form posted from elsewhere: no sign-in cookie to match.
        let forged = try await w.request("POST", "/signin", curlOptions: ["-F", "form_token=x", "-F", "identity=@\(identity)",
                                                                          "--form-string", "passphrase=\(w.passphrases[w.lee]!)"])
        XCTAssertEqual(forged.status, 403)
        XCTAssertFalse(Self.header("set-cookie", in: forged).contains { $0.hasPrefix("__Host-casevault-session=") })
        let form = try await w.request("GET", "/signin")
        let token = try XCTUnwrap(Self.formToken(in: form.text))
        let wrong = try await w.request("POST", "/signin", curlOptions: ["-F", "form_token=\(token)", "-F", "identity=@\(identity)",
                                                                         "--form-string", "passphrase=wrong", "-b", "__Host-casevault-signin=\(token)"])
        XCTAssertEqual(wrong.status, 401)
        XCTAssertTrue(wrong.text.contains("The identity file, passphrase and login code did not match"))
        XCTAssertTrue(wrong.text.contains("aria-describedby=\"signin-error\""))
    }

    func testEveryPostNeedsTheSessionsFormToken() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let page = try await w.request("GET", "/cases", curlOptions: Self.cookie(token))
        let formToken = try XCTUnwrap(Self.formToken(in: page.text))
        // Another session's form token, or none, is refused, and the session goes on.
        let other = try await w.token(w.sam)
        let otherPage = try await w.request("GET", "/cases", curlOptions: Self.cookie(other))
        let otherToken = try XCTUnwrap(Self.formToken(in: otherPage.text))
        XCTAssertNotEqual(formToken, otherToken)
        for body in ["form_token=\(otherToken)", "form_token=", "x=1"] {
            let refused = try await w.request("POST", "/signout", curlOptions: Self.cookie(token) + ["--data", body])
            XCTAssertEqual(refused.status, 403, body)
            let download = try await w.request("POST", "/documents/\(w.letter)/download", curlOptions: Self.cookie(token) + ["--data", body])
            XCTAssertEqual(download.status, 403, body)
        }
        let still = try await w.request("GET", "/cases", curlOptions: Self.cookie(token))
        XCTAssertEqual(still.status, 200)
        // Download only by the button's POST (a link or an image cannot fetch it), through the audited content route.
        let viaGet = try await w.request("GET", "/documents/\(w.letter)/download", curlOptions: Self.cookie(token))
        XCTAssertTrue([404, 405].contains(viaGet.status), "\(viaGet.status)")
        XCTAssertFalse(viaGet.text.contains(ServerTestWorld.letterText))
        // Only verbal consent is on file: R-CON-9's warning must be acknowledged, as with the API's ?acknowledge=.
        let unacknowledged = try await w.request("POST", "/documents/\(w.letter)/download", curlOptions: Self.cookie(token) + ["--data", "form_token=\(formToken)"])
        XCTAssertEqual(unacknowledged.status, 403)
        XCTAssertFalse(unacknowledged.text.contains(ServerTestWorld.letterText))
        let download = try await w.request("POST", "/documents/\(w.letter)/download",
                                           curlOptions: Self.cookie(token) + ["--data", "form_token=\(formToken)&acknowledge=R-CON-9"])
        XCTAssertEqual(download.status, 200)
        XCTAssertEqual(download.text, ServerTestWorld.letterText)
        XCTAssertEqual(Self.header("content-disposition", in: download), ["attachment"])
        let signOut = try await w.request("POST", "/signout", curlOptions: Self.cookie(token) + ["--data", "form_token=\(formToken)"])
        XCTAssertEqual(signOut.status, 303)
        XCTAssertEqual(Self.header("location", in: signOut), ["/signin?notice=signedout"])
        let after = try await w.request("GET", "/cases", curlOptions: Self.cookie(token))
        XCTAssertEqual(after.status, 303, "the session ended at sign-out")
    }

    func testAnExpiredSessionGoesToSignInWithANotice() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        w.clock.advance(31 * 60)
        defer { w.clock.reset() }
        let reply = try await w.request("GET", "/cases", curlOptions: Self.cookie(token))
        XCTAssertEqual(reply.status, 303)
        XCTAssertEqual(Self.header("location", in: reply), ["/signin?notice=ended"])
        XCTAssertTrue(Self.header("set-cookie", in: reply).contains { $0.hasPrefix("__Host-casevault-session=;") && $0.contains("Max-Age=0") })
        let notice = try await w.request("GET", "/signin?notice=ended")
        XCTAssertTrue(notice.text.contains("Your session ended, so you have been signed out."))
    }

    func testTheCaseAndDocumentPagesShowTheCoreViewsEscaped() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let page = try await w.request("GET", "/cases/\(w.caseID)", curlOptions: Self.cookie(token))
        XCTAssertEqual(page.status, 200)
        XCTAssertTrue(page.text.contains(Self.escapedName), "the relative's name is shown as text")
        XCTAssertFalse(page.text.contains("<script"), "a stored name became markup")
        XCTAssertTrue(page.text.contains("verbal consent"), "the consents are listed")
        // The consent rules' warning (R-CON-9, verbal consent only) comes before the documents, as in the CLI and the API.
        XCTAssertFalse(page.text.contains(">letter.txt</a>"))
        XCTAssertTrue(page.text.contains("R-CON-9") && page.text.contains("href=\"/cases/\(w.caseID)?acknowledge=R-CON-9\""), page.text)
        let acknowledged = try await w.request("GET", "/cases/\(w.caseID)?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        XCTAssertTrue(acknowledged.text.contains("href=\"/documents/\(w.letter)?acknowledge=R-CON-9\">letter.txt</a>"), acknowledged.text)
        let warned = try await w.request("GET", "/documents/\(w.letter)", curlOptions: Self.cookie(token))
        XCTAssertEqual(warned.status, 403)
        XCTAssertFalse(warned.text.contains(ServerTestWorld.letterText))
        XCTAssertTrue(warned.text.contains("href=\"/documents/\(w.letter)?acknowledge=R-CON-9\""))
        let document = try await w.request("GET", "/documents/\(w.letter)?acknowledge=R-CON-9", curlOptions: Self.cookie(token))
        XCTAssertEqual(document.status, 200)
        // Escaped like every value ("mother's" becomes "mother&#39;s").
        XCTAssertTrue(document.text.contains(ServerTestWorld.letterText.replacingOccurrences(of: "'", with: "&#39;")))
        XCTAssertNil(Self.header("content-disposition", in: document).first, "the text view is a page, not a download")
        // Another organisation's advocate: nothing of the case.
        let alex = try await w.token(w.alex)
        let refused = try await w.request("GET", "/cases/\(w.caseID)", curlOptions: Self.cookie(alex))
        XCTAssertTrue([403, 404].contains(refused.status), "\(refused.status)")
        XCTAssertFalse(refused.text.contains("Margaret Ellis"))
        let refusedDocument = try await w.request("GET", "/documents/\(w.letter)", curlOptions: Self.cookie(alex))
        XCTAssertTrue([403, 404].contains(refusedDocument.status))
        XCTAssertFalse(refusedDocument.text.contains(ServerTestWorld.letterText) || refusedDocument.text.contains("letter.txt"))
        let list = try await w.request("GET", "/cases", curlOptions: Self.cookie(alex))
        XCTAssertFalse(list.text.contains("Margaret Ellis"))
    }
}
