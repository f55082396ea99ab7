import Foundation
import Hummingbird

/// Liveness, readiness, metrics and the API's own description: no session needed.
extension VaultServer {
    static func addServiceRoutes(_ routes: RouteTable, sessions: SessionService, metrics: ServerMetrics) {
        routes.add(.get, "/health") { _, _ in
            try jsonResponse(["status": "ok"])
        }
        // Ready when the database answers: a load balancer sends no logins to an instance that cannot store them.
        routes.add(.get, "/ready") { _, _ in
            do {
                try await sessions.store.ping()
                return try jsonResponse(["status": "ready"])
            } catch {
                return APIError(.serviceUnavailable, "not_ready", "the vault database does not answer").response()
            }
        }
        routes.add(.get, "/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.text())))
        }
        routes.add(.get, "/api/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                     body: ResponseBody(byteBuffer: ByteBuffer(string: try OpenAPIDocument.text())))
        }
    }
}

/// The committed OpenAPI document (Sources/VaultServer/Resources/openapi.yaml), served as it is.
enum OpenAPIDocument {
    static func text() throws -> String {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml") else {
            throw ServerError.config("the server's OpenAPI document is missing from its resources")
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
