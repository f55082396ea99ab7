import Foundation
import Hummingbird
import NIOCore
import VaultCrypto

/// The HTTP details every page shares: the security headers, the cookies, the form token check and small bodies.
enum WebHTTP {
    /// Nothing loads from anywhere but this server, no page can be framed, forms post only here, and nothing inline
    /// runs (there is no script at all yet): a stored name that slipped past escaping still could not execute.
    static let contentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'"

    /// The session cookie. `__Host-` makes the browser refuse it unless it is Secure, Path=/ and has no Domain, so a
    /// sibling subdomain cannot plant or overwrite it (session fixation).
    static let sessionCookie = "__Host-casevault-session"
    /// The sign-in form's own token (double submit): the sign-in POST comes before any session exists.
    static let signInCookie = "__Host-casevault-signin"

    /// Sign-in forms carry an identity file of about 1 KB; anything far larger is not a sign-in.
    static let maxFormBytes = 256 * 1024

    /// Headers for every web response, pages, redirects and errors alike.
    static func secure(_ response: Response) -> Response {
        var response = response
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPFields.Element.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[.cacheControl] = "no-store"
        // For browsers that predate frame-ancestors.
        response.headers[HTTPFields.Element.Name("X-Frame-Options")!] = "DENY"
        return response
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        secure(Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text))))
    }

    /// 303: the browser follows with a GET, so a reload never re-posts a form.
    static func redirect(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location]
        for cookie in cookies { headers.append(HTTPFields.Element(name: .setCookie, value: cookie)) }
        return secure(Response(status: .seeOther, headers: headers))
    }

    /// HttpOnly (no script reads it), Secure (HTTPS only), SameSite=Strict (no other site's page sends it), Path=/.
    static func setCookie(_ name: String, _ value: String, maxAge: Int? = nil) -> String {
        "\(name)=\(value); Path=/; Secure; HttpOnly; SameSite=Strict" + (maxAge.map { "; Max-Age=\($0)" } ?? "")
    }

    static func clearCookie(_ name: String) -> String { setCookie(name, "", maxAge: 0) }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let trimmed = pair.trimmingCharacters(in: .whitespaces)
                guard let equals = trimmed.firstIndex(of: "=") else { continue }
                if trimmed[..<equals] == name {
                    let value = String(trimmed[trimmed.index(after: equals)...])
                    return value.isEmpty ? nil : value
                }
            }
        }
        return nil
    }

    /// Compares a submitted form token with the expected one in constant time.
    static func tokensMatch(_ submitted: String?, _ expected: String) -> Bool {
        guard let submitted, !expected.isEmpty else { return false }
        return constantTimeEquals(Array(submitted.utf8), Array(expected.utf8))
    }

    /// A random value for the sign-in form's token: 32 bytes, hex.
    static func randomToken() throws -> String { try SystemRandom.bytes(count: 32).hexString }

    static func body(_ request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: maxFormBytes)
        } catch {
            throw WebPageError(.contentTooLarge, "That form was too large to be a sign-in or a button press.")
        }
    }

    /// An `application/x-www-form-urlencoded` body (the buttons' forms).
    static func urlEncodedForm(_ request: Request) async throws -> [String: String] {
        let buffer = try await body(request)
        var fields: [String: String] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            guard let name = parts.first else { continue }
            fields[decode(name)] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return fields
    }
}

/// A page that could not be shown: its status and one plain sentence saying what to do next.
struct WebPageError: Error, Sendable {
    let status: HTTPResponse.Status
    let message: String
    var details: [String] = []

    init(_ status: HTTPResponse.Status, _ message: String, details: [String] = []) {
        self.status = status
        self.message = message
        self.details = details
    }
}
