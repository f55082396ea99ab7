import NIOCore
import NIOPosix
import NIOSSL

/// NIO's and NIOSSL's errors in the client's words: a certificate problem is told apart from a lost connection, and
/// the OpenSSL reason ("certificate verify failed", "hostname mismatch") is kept for the person who must fix it.
enum TransportErrors {
    static func classify(_ error: any Error, server: String) -> ClientError {
        if let client = error as? ClientError { return client }
        switch error {
        case let error as NIOSSLError:
            switch error {
            case .uncleanShutdown: return .connectionLost(server: server, reason: "the server closed the TLS connection without finishing")
            default: return .certificateRejected(server: server, reason: tlsReason(error))
            }
        case let error as NIOSSLExtraError:
            return .certificateRejected(server: server, reason: String(describing: error))
        case is BoringSSLError:
            return .certificateRejected(server: server, reason: String(describing: error))
        case is ChannelError, is IOError, is NIOConnectionError:
            return .connectionLost(server: server, reason: String(describing: error))
        default:
            return .connectionLost(server: server, reason: String(describing: error))
        }
    }

    private static func tlsReason(_ error: NIOSSLError) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.lowercased().contains("certificate verify failed") {
            return "it is not signed by a certificate authority this computer trusts for this server"
        }
        return text
    }

    /// A connect that failed: refused, no route, DNS, or the connect timeout.
    static func connectFailure(_ error: any Error, server: String, timeoutSeconds: Int) -> ClientError {
        if case ChannelError.connectTimeout = error {
            return .unreachable(server: server, reason: "no answer within \(timeoutSeconds) seconds")
        }
        if let error = error as? NIOConnectionError {
            if error.dnsAAAAError != nil || error.dnsAError != nil, error.connectionErrors.isEmpty {
                return .unreachable(server: server, reason: "the name \(error.host) could not be looked up")
            }
            if let first = error.connectionErrors.first {
                return .unreachable(server: server, reason: describe(first.error))
            }
        }
        return .unreachable(server: server, reason: describe(error))
    }

    private static func describe(_ error: any Error) -> String {
        if let io = error as? IOError {
            switch io.errnoCode {
            case ECONNREFUSED: return "connection refused (is the server running, and is the port right?)"
            case ENETUNREACH, EHOSTUNREACH: return "no route to the host"
            case ETIMEDOUT: return "the connection timed out"
            default: return io.description
            }
        }
        if case ChannelError.connectTimeout = error { return "the connection timed out" }
        return String(describing: error)
    }
}
