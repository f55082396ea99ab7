import Foundation
import Hummingbird
import Prometheus

/// What GET /metrics shows, in Prometheus's text format. Kept on the server's own registry rather than swift-metrics'
/// process-wide bootstrap, so several servers in one process (the tests) each count their own.
final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    func requestFinished(method: String, route: String, status: Int, duration: Duration) {
        registry.makeCounter(name: "casevault_http_requests_total", labels: [("method", method), ("route", route), ("status", String(status))])
            .increment()
        registry.makeDurationHistogram(name: "casevault_http_request_duration_seconds", labels: [("route", route)],
                                       buckets: [.milliseconds(5), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2), .seconds(10)])
            .record(duration)
    }

    func loginFailed() { registry.makeCounter(name: "casevault_login_failures_total").increment() }
    func loginSucceeded() { registry.makeCounter(name: "casevault_logins_total").increment() }

    /// A download that ended before its last byte (the client left, or the body failed part-way).
    func streamAbandoned() { registry.makeCounter(name: "casevault_document_streams_abandoned_total").increment() }

    /// A connection closed because its client stopped taking its response (`timeouts.response_write_seconds`).
    func slowReaderClosed() { registry.makeCounter(name: "casevault_slow_readers_closed_total").increment() }

    func text() -> String { registry.emitToString() }
}

/// Counts every request by its route pattern (never its concrete path: ids would make one series per document).
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = ServerRequestContext
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let method = request.method.rawValue
        do {
            let response = try await next(request, context)
            metrics.requestFinished(method: method, route: context.endpointPath ?? "unmatched", status: response.status.code,
                                    duration: ContinuousClock.now - start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.requestFinished(method: method, route: context.endpointPath ?? "unmatched", status: status, duration: ContinuousClock.now - start)
            throw error
        }
    }
}
