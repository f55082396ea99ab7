import Foundation

/// What `casevault login` keeps on this computer: the server, the bearer token, the CA the person trusted (its PEM,
/// pinned) and the account. The token opens the session's keys on the server, so the file is private (0600 in a 0700
/// folder) and the token never appears in a description, a log or an error.
public struct ServerSession: Codable, Equatable, Sendable, CustomStringConvertible {
    public static let formatName = "casevault-session"
    public static let currentVersion = 1

    /// The CA file given at login: where it was, its SHA-256, and its PEM, which is what is trusted from then on.
    public struct PinnedCA: Codable, Equatable, Sendable {
        public let path: String
        public let sha256: String
        public let pem: String
        public init(path: String, sha256: String, pem: String) {
            self.path = path
            self.sha256 = sha256
            self.pem = pem
        }
    }

    public let format: String
    public let version: Int
    public let server: String
    public let account: String
    public let sessionID: String
    public let expiresAt: String
    public let idleMinutes: Int?
    public let loggedInAt: String
    public let ca: PinnedCA?
    let token: String

    enum CodingKeys: String, CodingKey {
        case format, version, server, account, token, ca
        case sessionID = "session_id"
        case expiresAt = "expires_at"
        case idleMinutes = "idle_minutes"
        case loggedInAt = "logged_in_at"
    }

    public init(server: ServerAddress, login: LoginResult, ca: PinnedCA?, now: Date) {
        format = Self.formatName
        version = Self.currentVersion
        self.server = server.description
        account = login.account
        sessionID = login.sessionID
        expiresAt = login.expiresAt
        idleMinutes = login.idleMinutes
        loggedInAt = ISO8601DateFormatter().string(from: now)
        self.ca = ca
        token = login.token
    }

    public var address: ServerAddress { get throws { try ServerAddress(server) } }
    public var trust: TrustAnchor { ca.map { .pinnedCA(pem: Array($0.pem.utf8)) } ?? .systemRoots }
    var authorization: (String, String) { ("Authorization", "Bearer \(token)") }

    public var description: String { "ServerSession(\(server), \(account), \(sessionID), token: <redacted>)" }
}

/// The login route's answer (openapi.yaml `LoginResult`). The token stays inside this module.
public struct LoginResult: Decodable, Sendable, CustomStringConvertible {
    let token: String
    public let account: String
    public let sessionID: String
    public let expiresAt: String
    public let idleMinutes: Int?
    /// The account's own name (a server before names were sent gives none).
    public let name: String?

    enum CodingKeys: String, CodingKey {
        case token, account, name
        case sessionID = "session_id"
        case expiresAt = "expires_at"
        case idleMinutes = "idle_minutes"
    }

    public var description: String { "LoginResult(\(account), \(sessionID), token: <redacted>)" }
}
