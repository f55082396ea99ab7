import Foundation

/// Everything that can go wrong between the CLI and the team server. The words say what happened in terms an
/// advocate can act on; they name no CLI flag (the CLI adds its own hints). A token never appears in one.
public enum ClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The address is not an `https://` URL this client can use.
    case invalidServerAddress(String, reason: String)
    /// No connection could be made (DNS, refused, no route, connect timeout).
    case unreachable(server: String, reason: String)
    /// TLS failed: the certificate does not chain to the trusted roots or CA, or names another host.
    case certificateRejected(server: String, reason: String)
    /// The server stopped answering for longer than the read timeout.
    case timedOut(server: String, seconds: Int)
    /// The connection closed before the whole answer arrived (a download cut short is never kept).
    case connectionLost(server: String, reason: String)
    /// No session on this computer for that server.
    case notLoggedIn(server: String)
    /// The server no longer knows the session (expired, logged out, revoked, the account removed).
    case sessionEnded(server: String)
    /// Logging in failed (the server's one generic answer).
    case loginFailed(message: String)
    /// Too many failed logins: try again after this many seconds.
    case tooManyAttempts(retryAfterSeconds: Int?)
    /// The vault's rules refused (403 with the core's decision).
    case refused(APIFailure)
    /// Any other answer the server gave as an error (400, 404, 409, 413, 422, 500 …), with its words.
    case failed(APIFailure)
    /// An answer that is not what the API document describes.
    case unexpectedResponse(server: String, detail: String)
    /// The CA file given at login cannot be used.
    case unusableCAFile(path: String, reason: String)
    /// The session file cannot be read or written safely.
    case sessionFile(path: String, reason: String)
    /// A local file to upload or write could not be used.
    case localFile(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidServerAddress(let text, let reason): "'\(text)' is not a server address casevault can use: \(reason)"
        case .unreachable(let server, let reason): "could not reach the server at \(server): \(reason)"
        case .certificateRejected(let server, let reason):
            "the server at \(server) did not prove who it is: its certificate could not be verified (\(reason)); nothing was sent"
        case .timedOut(let server, let seconds): "the server at \(server) did not answer within \(seconds) seconds"
        case .connectionLost(let server, let reason): "the connection to \(server) ended before the answer was complete (\(reason))"
        case .notLoggedIn(let server): "you are not logged in to \(server) on this computer"
        case .sessionEnded: "Your session has ended; run casevault login again"
        case .loginFailed(let message): message
        case .tooManyAttempts(let seconds):
            "too many failed logins for this account or address" + (seconds.map { "; try again in \(($0 + 59) / 60) minute(s)" } ?? "")
        case .refused(let failure), .failed(let failure): failure.message
        case .unexpectedResponse(let server, let detail): "the server at \(server) gave an answer casevault does not understand (\(detail))"
        case .unusableCAFile(let path, let reason): "the CA certificate file \(path) cannot be used: \(reason)"
        case .sessionFile(let path, let reason): "the session file \(path) cannot be used: \(reason)"
        case .localFile(let path, let reason): "\(path): \(reason)"
        }
    }
}

/// An error answer of the API: `{"error": code, "message": words, "decision": …}` (openapi.yaml, `Error`).
public struct APIFailure: Decodable, Equatable, Sendable {
    public var status: Int = 0
    public let error: String
    public let message: String
    public let decision: Decision?

    /// What the core decided, for a 403: which rules, why, and what would allow it.
    public struct Decision: Decodable, Equatable, Sendable {
        /// "consent", "acknowledgement", "role" or "keys".
        public let kind: String
        public let outcome: String
        public let ruleIDs: [String]
        public let operation: String?
        /// The consent action and the case the rules were asked about (consent refusals; older servers send neither).
        public let action: String?
        public let caseLabel: String?
        public let explanation: [String]
        public let wouldAllow: [String]

        enum CodingKeys: String, CodingKey {
            case kind, outcome, operation, action, explanation
            case caseLabel = "case"
            case ruleIDs = "rule_ids"
            case wouldAllow = "would_allow"
        }
    }

    enum CodingKeys: String, CodingKey { case error, message, decision }

    public init(status: Int, error: String, message: String, decision: Decision? = nil) {
        self.status = status
        self.error = error
        self.message = message
        self.decision = decision
    }
}
