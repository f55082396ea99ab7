import Foundation
import VaultCore

/// `casevault serve --config FILE`: a JSON file the service's administrator writes. Every setting a production server
/// needs is here rather than in flags, so one file under configuration management describes the whole server.
public struct ServerConfig: Codable, Sendable, Equatable {
    public struct Listen: Codable, Sendable, Equatable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) { self.host = host; self.port = port }
    }

    public struct TLS: Codable, Sendable, Equatable {
        /// PEM files: the certificate chain (leaf first) and its private key.
        public var certificate: String
        public var key: String
        public init(certificate: String, key: String) { self.certificate = certificate; self.key = key }
    }

    public struct Sessions: Codable, Sendable, Equatable {
        /// A session unused this long ends.
        public var idleMinutes: Int
        /// A session ends this long after login, however busy.
        public var absoluteHours: Int
        public init(idleMinutes: Int = 30, absoluteHours: Int = 12) { self.idleMinutes = idleMinutes; self.absoluteHours = absoluteHours }
        public init(from decoder: any Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            idleMinutes = try values.decodeIfPresent(Int.self, forKey: .idleMinutes) ?? 30
            absoluteHours = try values.decodeIfPresent(Int.self, forKey: .absoluteHours) ?? 12
        }
        enum CodingKeys: String, CodingKey { case idleMinutes = "idle_minutes", absoluteHours = "absolute_hours" }
    }

    public struct LoginLimits: Codable, Sendable, Equatable {
        /// Failed logins allowed per account within the window, before further attempts for it are refused until the
        /// window has passed.
        public var maxFailures: Int
        /// The same per client address: higher, as an office's advocates may share one address.
        public var maxFailuresPerAddress: Int
        /// Failures count together when they fall within this many minutes of one another.
        public var windowMinutes: Int
        /// How long attempts stay refused after the failure that reached a limit (default: the window).
        public var lockoutMinutes: Int?
        public init(maxFailures: Int = 5, maxFailuresPerAddress: Int = 50, windowMinutes: Int = 15, lockoutMinutes: Int? = nil) {
            self.maxFailures = maxFailures
            self.maxFailuresPerAddress = maxFailuresPerAddress
            self.windowMinutes = windowMinutes
            self.lockoutMinutes = lockoutMinutes
        }
        public init(from decoder: any Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = LoginLimits()
            maxFailures = try values.decodeIfPresent(Int.self, forKey: .maxFailures) ?? defaults.maxFailures
            maxFailuresPerAddress = try values.decodeIfPresent(Int.self, forKey: .maxFailuresPerAddress) ?? defaults.maxFailuresPerAddress
            windowMinutes = try values.decodeIfPresent(Int.self, forKey: .windowMinutes) ?? defaults.windowMinutes
            lockoutMinutes = try values.decodeIfPresent(Int.self, forKey: .lockoutMinutes)
        }
        public var lockout: Int { lockoutMinutes ?? windowMinutes }
        enum CodingKeys: String, CodingKey {
            case maxFailures = "max_failures", maxFailuresPerAddress = "max_failures_per_address", windowMinutes = "window_minutes"
            case lockoutMinutes = "lockout_minutes"
        }
    }

    /// How long a client may take: a connection that sends its request's head, or the next piece of its body, too
    /// slowly is closed, so slow clients cannot hold the server's connections (a slowloris attack).
    public struct Timeouts: Codable, Sendable, Equatable {
        /// From a new connection (TLS handshake included) to the end of its first request's head.
        public var headerReadSeconds: Double
        /// The longest pause while a request's body arrives (not the whole body: a large upload may take long).
        public var bodyReadSeconds: Double
        /// A kept-alive connection with no request (and a later request's head, which this also bounds).
        public var idleSeconds: Double
        /// The longest a response may wait for the client to take more of it (a download read too slowly, or not at
        /// all): the connection is closed and the stream's worker thread and buffer freed.
        public var responseWriteSeconds: Double
        public init(headerReadSeconds: Double = 10, bodyReadSeconds: Double = 30, idleSeconds: Double = 60, responseWriteSeconds: Double = 60) {
            self.headerReadSeconds = headerReadSeconds
            self.bodyReadSeconds = bodyReadSeconds
            self.idleSeconds = idleSeconds
            self.responseWriteSeconds = responseWriteSeconds
        }
        public init(from decoder: any Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Timeouts()
            headerReadSeconds = try values.decodeIfPresent(Double.self, forKey: .headerReadSeconds) ?? defaults.headerReadSeconds
            bodyReadSeconds = try values.decodeIfPresent(Double.self, forKey: .bodyReadSeconds) ?? defaults.bodyReadSeconds
            idleSeconds = try values.decodeIfPresent(Double.self, forKey: .idleSeconds) ?? defaults.idleSeconds
            responseWriteSeconds = try values.decodeIfPresent(Double.self, forKey: .responseWriteSeconds) ?? defaults.responseWriteSeconds
        }
        enum CodingKeys: String, CodingKey {
            case headerReadSeconds = "header_read_seconds", bodyReadSeconds = "body_read_seconds", idleSeconds = "idle_seconds"
            case responseWriteSeconds = "response_write_seconds"
        }
    }

    public var listen: Listen
    /// The vault folder: vault.json (which names the database) and the encrypted document bodies.
    public var vault: String
    /// The vault's PostgreSQL database, as `casevault init --database` took it; must be the one vault.json names.
    public var database: String
    public var tls: TLS?
    /// Plain HTTP, for a developer's machine only: refused unless `listen.host` is a loopback address.
    public var developmentPlainHTTP: Bool?
    public var sessions: Sessions?
    public var loginLimits: LoginLimits?
    /// The largest document an upload may carry; a larger body is refused with 413 and nothing is stored.
    public var maxUploadBytes: Int64?
    public var timeouts: Timeouts?
    /// The casevault program that reads an exported bundle's PDFs and images in a child process (`casevault
    /// __analyse`); default: this server's own program, which is casevault when it is `casevault serve`.
    public var analysisProgram: String?
    /// Where the server keeps its rollback mark, as the CLI keeps its own under `$XDG_STATE_HOME`: the mark is
    /// `state_folder/casevault/<vault id>-<folder hash>.json` (0600, folder 0700), outside the database, so a database
    /// restored to an older state is noticed. Default: the server account's `$XDG_STATE_HOME`, else `~/.local/state`.
    public var stateFolder: String?

    public static let defaultMaxUploadBytes: Int64 = 100 * 1024 * 1024

    enum CodingKeys: String, CodingKey {
        case listen, vault, database, tls, sessions
        case developmentPlainHTTP = "development_plain_http"
        case loginLimits = "login_limits"
        case maxUploadBytes = "max_upload_bytes"
        case timeouts
        case analysisProgram = "analysis_program"
        case stateFolder = "state_folder"
    }

    public init(listen: Listen, vault: String, database: String, tls: TLS?, developmentPlainHTTP: Bool? = nil,
                sessions: Sessions? = nil, loginLimits: LoginLimits? = nil, maxUploadBytes: Int64? = nil, timeouts: Timeouts? = nil,
                analysisProgram: String? = nil, stateFolder: String? = nil) {
        self.stateFolder = stateFolder
        self.maxUploadBytes = maxUploadBytes
        self.timeouts = timeouts
        self.analysisProgram = analysisProgram
        self.listen = listen
        self.vault = vault
        self.database = database
        self.tls = tls
        self.developmentPlainHTTP = developmentPlainHTTP
        self.sessions = sessions
        self.loginLimits = loginLimits
    }

    public var sessionLimits: Sessions { sessions ?? Sessions() }
    public var failureLimits: LoginLimits { loginLimits ?? LoginLimits() }
    public var uploadLimit: Int64 { maxUploadBytes ?? Self.defaultMaxUploadBytes }
    public var connectionTimeouts: Timeouts { timeouts ?? Timeouts() }

    /// The folder of the server's rollback marks: `state_folder/casevault`, else the standard one of the server's
    /// account; nil when there is neither (no home), which `VaultServer` refuses.
    public func stateMarks(environment: [String: String]) -> StateMarks? {
        if let stateFolder { return StateMarks(directory: (stateFolder as NSString).appendingPathComponent("casevault")) }
        return StateMarks.standard(environment: environment)
    }

    /// Reads and checks the file; every refusal says what to change.
    public static func load(path: String) throws -> ServerConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServerError.config("cannot read the server configuration \(path): check the path and that this user may read it")
        }
        let config: ServerConfig
        do {
            config = try JSONDecoder().decode(ServerConfig.self, from: data)
        } catch {
            throw ServerError.config("the server configuration \(path) is not valid: \(Self.reason(error)); docs/server.md shows an example")
        }
        try config.validate()
        return config
    }

    /// TLS is mandatory: identity files and passphrases travel in login requests. Plain HTTP only when the file says
    /// so explicitly *and* the server listens on loopback, where nothing leaves the machine.
    public func validate() throws {
        guard (1...65535).contains(listen.port) || listen.port == 0 else {
            throw ServerError.config("listen.port must be between 1 and 65535")
        }
        if tls == nil {
            guard developmentPlainHTTP == true else {
                throw ServerError.config("refusing to serve without TLS: add \"tls\": {\"certificate\": ..., \"key\": ...} to the configuration "
                                         + "(plain HTTP is only for development, with \"development_plain_http\": true on a loopback address)")
            }
            guard Self.isLoopback(listen.host) else {
                throw ServerError.config("refusing plain HTTP on \(listen.host): without TLS the server listens only on a loopback address "
                                         + "(127.0.0.1, ::1 or localhost); configure \"tls\" to serve the network")
            }
        }
        let limits = sessionLimits
        guard limits.idleMinutes > 0, limits.absoluteHours > 0 else {
            throw ServerError.config("sessions.idle_minutes and sessions.absolute_hours must be positive")
        }
        guard failureLimits.maxFailures > 0, failureLimits.maxFailuresPerAddress > 0, failureLimits.windowMinutes > 0, failureLimits.lockout > 0 else {
            throw ServerError.config("login_limits.max_failures, max_failures_per_address, window_minutes and lockout_minutes must be positive")
        }
        guard uploadLimit > 0 else { throw ServerError.config("max_upload_bytes must be positive") }
        let timeouts = connectionTimeouts
        guard [timeouts.headerReadSeconds, timeouts.bodyReadSeconds, timeouts.idleSeconds, timeouts.responseWriteSeconds]
            .allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 86_400 }) else {
            throw ServerError.config("timeouts.header_read_seconds, body_read_seconds, idle_seconds and response_write_seconds must be between 0 and 86400 seconds")
        }
        if let stateFolder, !stateFolder.hasPrefix("/") {
            throw ServerError.config("state_folder must be an absolute path (it holds the server's rollback mark)")
        }
        _ = try databaseLocation
    }

    public var databaseLocation: DatabaseLocation {
        get throws {
            do { return try DatabaseLocation(url: database) } catch { throw ServerError.config("database: \(error)") }
        }
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "'\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))' is missing"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        default:
            return "it is not JSON"
        }
    }
}
