import Foundation
import Hummingbird
import Logging
import Consent
import MultipartKit
import NIOCore
import VaultCore

/// The web interface (issue 22): server-rendered pages outside `/api`, each through the same core calls as the JSON
/// API, signed in with a cookie holding the same session token the API's bearer carries.
public enum WebInterface {
    /// Adds the pages to the server's router. Throws if a template does not parse (the server then does not start).
    public static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, backend: Backend,
                                                                              clientAddress: @escaping @Sendable (Context) -> String,
                                                                              logger: Logger) throws {
        let web = WebHandlers(backend: backend, renderer: try WebRenderer(), logger: logger)
        router.get("/") { _, _ in WebHTTP.redirect("/cases") }
        router.get("/static/app.css") { _, _ in
            WebHTTP.secure(Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8"],
                                    body: ResponseBody(byteBuffer: ByteBuffer(string: WebStyle.css))))
        }
        router.get("/signin") { request, _ in try web.signInForm(request) }
        router.post("/signin") { request, context in await web.signIn(request, address: clientAddress(context), requestID: context.id) }
        router.post("/signout") { request, context in await web.guarded(request, context.id) { try await web.signOut(request) } }
        router.get("/cases") { request, context in
            await web.guarded(request, context.id) {
                let filter = request.uri.queryParameters.get("q") ?? ""
                return try await web.page(request, template: "cases", title: "My cases") { try WebPageBuilders.casesPage($0, filter: filter) }
            }
        }
        router.get("/cases/{case}") { request, context in
            await web.guarded(request, context.id) {
                let caseText = try context.parameters.require("case")
                let acknowledged = WebHandlers<Backend>.acknowledgements(request)
                // After the situation page's redirect: what was recorded, what is left to do by hand and the rules'
                // warnings, kept for this session (without them, after a restart, the situation's words alone).
                let recorded = request.uri.queryParameters.get("recorded").flatMap { CaseSituation(rawValue: String($0)) }
                let kept = try request.uri.queryParameters.get("result").flatMap {
                    web.recordedNotices.get(String($0), owner: try web.backend.formToken(sessionToken: try web.sessionToken(request)))
                }
                return try await web.page(request, template: "case", title: "Case") { vault -> CasePage in
                    var page = try WebPageBuilders.casePage(vault, caseText: caseText, acknowledged: acknowledged)
                    if let kept, kept.caseID == page.caseID {
                        page.notice = kept.notice
                        page.noticeWarnings = kept.warnings
                    } else {
                        page.notice = recorded.map { SituationWords.recorded($0, client: "the patient") }
                    }
                    return page
                }
            }
        }
        router.get("/documents/{id}") { request, context in
            await web.guarded(request, context.id) {
                let id = try context.parameters.require("id")
                let acknowledged = WebHandlers<Backend>.acknowledgements(request)
                return try await web.page(request, template: "document", title: "Document") {
                    try WebPageBuilders.documentPage($0, documentID: id, acknowledged: acknowledged)
                }
            }
        }
        router.get("/audit") { request, context in
            await web.guarded(request, context.id) {
                let caseText = request.uri.queryParameters.get("case") ?? ""
                let since = request.uri.queryParameters.get("since") ?? ""
                let before = request.uri.queryParameters.get("before") ?? ""
                return try await web.page(request, template: "audit", title: "Activity log") {
                    try AuditPage.build($0, caseText: caseText, since: since, before: before)
                }
            }
        }
        router.post("/documents/{id}/download") { request, context in
            await web.guarded(request, context.id) {
                let id = try context.parameters.require("id")
                let (token, fields) = try await web.checkedForm(request)
                let acknowledged = (fields["acknowledge"] ?? "").split(separator: ",").compactMap { RuleID(rawValue: String($0)) }
                return WebHTTP.secure(try await backend.download(token: token, documentID: id, acknowledged: acknowledged))
            }
        }
        // Upload, kind and date correction, redaction preview (Pages/DocumentRoutes.swift).
        WebDocumentRoutes.register(on: router, web: web)
        // The bundle wizard, the public verify page and consent withdrawal (Pages/).
        BundlePages.register(on: router, web: web)
        VerifyPages.register(on: router, web: web, clientAddress: clientAddress)
        ConsentWithdrawPages.register(on: router, web: web)
        CaseTeamPages.register(on: router, web: web)
        AccountsPage.register(on: router, web: web)
        SituationPages.register(on: router, web: web)
    }
}

/// The handlers behind the routes, generic over the server's backend.
struct WebHandlers<Backend: WebBackend>: Sendable {
    let backend: Backend
    let renderer: WebRenderer
    let logger: Logger
    /// What the situation page recorded, for the case page its redirect leads to (Pages/SituationPages.swift).
    let recordedNotices = KeptResults<RecordedNotice>()

    static var endedNotice: String { "Your session ended, so you have been signed out. Sign in again to carry on." }

    // MARK: - Signing in and out

    func signInForm(_ request: Request) throws -> Response {
        let notice: String?
        switch request.uri.queryParameters.get("notice") {
        case "ended": notice = Self.endedNotice
        case "signedout": notice = "You have signed out."
        default: notice = nil
        }
        return try signInPage(notice: notice, error: nil, status: .ok)
    }

    /// The form with a fresh sign-in token (in the page and in its own cookie).
    func signInPage(notice: String?, error: String?, status: HTTPResponse.Status) throws -> Response {
        let token = try WebHTTP.randomToken()
        var response = WebHTTP.html(renderer.render("signin", title: error == nil ? "Sign in" : "Sign in (there is a problem)", signedIn: false,
                                                    page: SignInPage(signInToken: token, notice: notice, error: error)), status: status)
        response.headers.append(HTTPFields.Element(name: .setCookie, value: WebHTTP.setCookie(WebHTTP.signInCookie, token)))
        return response
    }

    struct SignInForm: Decodable {
        var formToken: String?
        var identity: Data?
        var passphrase: String?
        /// The authenticator app's current code, for an account that has turned login codes on (casevault totp).
        var totp: String?
        enum CodingKeys: String, CodingKey { case formToken = "form_token", identity, passphrase, totp }
    }

    func signIn(_ request: Request, address: String, requestID: String) async -> Response {
        do {
            let form: SignInForm
            do {
                guard let boundary = Self.boundary(request.headers[.contentType]) else { throw WebPageError(.badRequest, "") }
                form = try FormDataDecoder().decode(SignInForm.self, from: try await WebHTTP.body(request), boundary: boundary)
            } catch {
                return try signInPage(notice: nil, error: "The sign-in form did not arrive whole. Please try again.", status: .badRequest)
            }
            guard let expected = WebHTTP.cookie(WebHTTP.signInCookie, in: request), WebHTTP.tokensMatch(form.formToken, expected) else {
                return try signInPage(notice: nil, error: "This sign-in form had expired. Choose your identity file and enter your passphrase again.",
                                      status: .forbidden)
            }
            guard let identity = form.identity, !identity.isEmpty, let passphrase = form.passphrase, !passphrase.isEmpty else {
                return try signInPage(notice: nil, error: "Choose your identity file and enter your passphrase, then press Sign in.", status: .badRequest)
            }
            do {
                let code = form.totp.map { $0.filter { !$0.isWhitespace } }.flatMap { $0.isEmpty ? nil : $0 }
                let token = try await backend.signIn(identityFile: identity, passphrase: passphrase, loginCode: code, address: address)
                return WebHTTP.redirect("/cases", cookies: [WebHTTP.setCookie(WebHTTP.sessionCookie, token), WebHTTP.clearCookie(WebHTTP.signInCookie)])
            } catch WebSignInError.signInFailed {
                return try signInPage(notice: nil, error: "The identity file, passphrase and login code did not match. Check that you chose your own "
                                      + "identity file, type the passphrase again (and the code your app shows now, if you use one), and try once more.",
                                      status: .unauthorized)
            } catch WebSignInError.tooManyAttempts(let seconds) {
                let minutes = max(1, (seconds + 59) / 60)
                return try signInPage(notice: nil, error: "There have been too many attempts to sign in. Wait \(minutes) minute\(minutes == 1 ? "" : "s") "
                                      + "and try again, or ask your administrator for help.", status: .tooManyRequests)
            }
        } catch {
            return errorPage(error, request: request, requestID: requestID)
        }
    }

    /// `multipart/form-data; boundary=…` (the boundary may be quoted).
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return value.isEmpty || value.count > 70 ? nil : value
        }
        return nil
    }

    func signOut(_ request: Request) async throws -> Response {
        let (token, _) = try await checkedForm(request)
        try await backend.signOut(token: token)
        return WebHTTP.redirect("/signin?notice=signedout", cookies: [WebHTTP.clearCookie(WebHTTP.sessionCookie)])
    }

    // MARK: - Pages

    func sessionToken(_ request: Request) throws -> String {
        guard let token = WebHTTP.cookie(WebHTTP.sessionCookie, in: request) else { throw WebSignInError.notSignedIn }
        return token
    }

    /// A POST's session, after its form token matched the session's (CSRF): a page of another site cannot know it.
    func checkedForm(_ request: Request) async throws -> (String, [String: String]) {
        let token = try sessionToken(request)
        let fields = try await WebHTTP.urlEncodedForm(request)
        guard WebHTTP.tokensMatch(fields["form_token"], try backend.formToken(sessionToken: token)) else {
            throw WebPageError(.forbidden, "This form had expired or did not come from this site. Go back, reload the page and try again.")
        }
        return (token, fields)
    }

    /// `?acknowledge=R-CON-9` (repeatable), as the API takes it; anything that is not a rule id is ignored.
    static func acknowledgements(_ request: Request) -> [RuleID] {
        request.uri.queryParameters.getAll("acknowledge").compactMap { RuleID(rawValue: String($0)) }
    }

    func page<Page: Sendable>(_ request: Request, template: String, title: String,
                              _ build: @escaping @Sendable (Vault) throws -> Page) async throws -> Response {
        let token = try sessionToken(request)
        let page = try await backend.withVault(token: token, build)
        let formToken = try backend.formToken(sessionToken: token)
        return WebHTTP.html(renderer.render(template, title: Self.title(title, page), signedIn: true, formToken: formToken, page: page))
    }

    /// The page's own name in its title (a case's client, a document's name): what a screen reader announces first.
    static func title<Page>(_ fallback: String, _ page: Page) -> String {
        switch page {
        case let page as CasePage: return "\(page.client)\(page.reference.map { ", \($0)" } ?? "")"
        case let page as DocumentPage: return page.name
        default: return fallback
        }
    }

    /// Runs a page's work; signing-in problems go to the sign-in page, anything else to an error page.
    func guarded(_ request: Request, _ requestID: String, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            return errorPage(error, request: request, requestID: requestID)
        }
    }

    func errorPage(_ error: any Error, request: Request, requestID: String) -> Response {
        let hadSession = WebHTTP.cookie(WebHTTP.sessionCookie, in: request) != nil
        if case WebSignInError.notSignedIn = error {
            // A cookie that no longer opens a session: it ended (idle, absolute limit, signed out elsewhere).
            return hadSession ? WebHTTP.redirect("/signin?notice=ended", cookies: [WebHTTP.clearCookie(WebHTTP.sessionCookie)])
                : WebHTTP.redirect("/signin")
        }
        let content = WebInterface.content(for: error, requestID: requestID, logger: logger)
        if content.status == .unauthorized {
            return WebHTTP.redirect("/signin?notice=ended", cookies: [WebHTTP.clearCookie(WebHTTP.sessionCookie)])
        }
        let formToken = WebHTTP.cookie(WebHTTP.sessionCookie, in: request).flatMap { try? backend.formToken(sessionToken: $0) } ?? ""
        var page = ErrorPage(heading: content.heading, message: content.message, details: content.details,
                             back: hadSession ? "/cases" : "/signin", backLabel: hadSession ? "Back to my cases" : "Sign in")
        if case AccessError.acknowledgementNeeded(_, let missing) = error, request.method == .get {
            // The same page again with the warning acknowledged, as the API's `?acknowledge=` (the core records it).
            let already = Self.acknowledgements(request)
            page.next = request.uri.path + "?" + WebPageBuilders.acknowledgeQuery(already + missing)
            page.nextLabel = "I have read the warning: continue"
        }
        return WebHTTP.html(renderer.render("error", title: content.heading, signedIn: hadSession && !formToken.isEmpty, formToken: formToken, page: page),
                            status: content.status)
    }
}
