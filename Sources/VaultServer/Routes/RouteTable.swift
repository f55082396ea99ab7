import Hummingbird
import Logging

/// Registers the API's routes and remembers each (method, OpenAPI path), so a test can hold the registered routes
/// against the committed OpenAPI document in both directions.
final class RouteTable {
    struct Entry: Hashable, Sendable, CustomStringConvertible {
        let method: String
        /// As the OpenAPI document writes it: `/api/v1/cases/{case}/documents`.
        let path: String
        var description: String { "\(method) \(path)" }
    }

    let router: Router<ServerRequestContext>
    let logger: Logger
    private(set) var entries: [Entry] = []

    init(router: Router<ServerRequestContext>, logger: Logger) {
        self.router = router
        self.logger = logger
    }

    /// Every handler's error becomes the API's JSON error (see `APIError.from`); a 500's cause goes to the log only.
    func add(_ method: HTTPRequest.Method, _ path: String,
             _ handler: @escaping @Sendable (Request, ServerRequestContext) async throws -> Response) {
        entries.append(Entry(method: method.rawValue, path: path))
        let logger = self.logger
        router.on(RouterPath(path), method: method) { request, context -> Response in
            do {
                return try await handler(request, context)
            } catch {
                let apiError = APIError.from(error, requestID: context.id)
                if apiError.status == .internalServerError {
                    logger.error("request failed: \(String(describing: error))", metadata: ["request": "\(context.id)", "route": "\(path)"])
                }
                return apiError.response()
            }
        }
    }
}
