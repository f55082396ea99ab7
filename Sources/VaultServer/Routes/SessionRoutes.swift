import Foundation
import Hummingbird

/// POST /api/v1/login and /api/v1/logout.
extension VaultServer {
    static func addSessionRoutes(_ routes: RouteTable, sessions: SessionService, metrics: ServerMetrics) {
        routes.add(.post, "/api/v1/login") { request, context in
            let body: SessionService.LoginRequest
            do {
                body = try await request.decode(as: SessionService.LoginRequest.self, context: context)
            } catch {
                throw APIError(.badRequest, "invalid_request",
                               "a login is JSON: {\"identity\": the identity file in base64, \"passphrase\": its passphrase}")
            }
            do {
                let result = try await sessions.login(body, address: context.clientAddress)
                metrics.loginSucceeded()
                return try jsonResponse(result)
            } catch {
                metrics.loginFailed()
                throw error
            }
        }
        routes.add(.post, "/api/v1/logout") { request, _ in
            try await sessions.logout(request)
            return Response(status: .noContent)
        }
    }
}
