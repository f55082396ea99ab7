import Hummingbird

/// Headers every answer carries, including the router's own 404 and 405 and any error turned into a response:
/// the web pages set their own (stricter for what they allow, see VaultWeb), and anything else — JSON, a document's
/// bytes, an unknown path — gets a policy that lets a browser run, frame or cache nothing from it.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext

    static let defaults: [(HTTPFields.Element.Name, String)] = [
        (.contentSecurityPolicy, "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
        (.xContentTypeOptions, "nosniff"),
        (.cacheControl, "no-store"),
        (HTTPFields.Element.Name("Referrer-Policy")!, "no-referrer"),
        (HTTPFields.Element.Name("X-Frame-Options")!, "DENY"),
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // The router's 404/405 and other HTTP errors become responses here, so they carry the headers too.
            response = try error.response(from: request, context: context)
        }
        for (name, value) in Self.defaults where response.headers[name] == nil {
            response.headers[name] = value
        }
        return response
    }
}
