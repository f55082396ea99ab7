import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import VaultCore
import VaultWeb

/// The team server (issue 21): the vault's core over HTTPS, on the vault's PostgreSQL database. `casevault serve`
/// only loads the configuration and calls `run`.
public struct VaultServer: Sendable {
    /// Threads for the core's blocking calls: each request in the core holds one (a download for its whole length).
    static let workerThreads = 16

    let config: ServerConfig
    let logger: Logger
    let now: @Sendable () -> Date

    public init(config: ServerConfig, logger: Logger = Logger(label: "casevault.server"), now: @escaping @Sendable () -> Date = Date.init) throws {
        try config.validate()
        self.config = config
        self.logger = logger
        self.now = now
    }

    /// Serves until SIGTERM or SIGINT, then stops accepting, finishes the requests in flight and closes the database.
    public func run() async throws {
        try await withApplication { app, _ in try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint]) }
    }

    /// Builds the application and hands it to `body` with the routes it registered; the worker threads are stopped
    /// afterwards. `onRunning` gets the bound port (the tests listen on port 0).
    func withApplication<T: Sendable>(onRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                                      _ body: (any ApplicationProtocol, [RouteTable.Entry]) async throws -> T) async throws -> T {
        let pool = NIOThreadPool(numberOfThreads: Self.workerThreads)
        pool.start()
        do {
            let parts = try makeParts(pool: pool)
            defer { parts.sessions.gateway.close() }
            let result = try await body(makeApplication(parts, onRunning: onRunning), parts.routes.entries)
            try await pool.shutdownGracefully()
            return result
        } catch {
            try? await pool.shutdownGracefully()
            throw error
        }
    }

    func makeApplication(_ parts: Parts, onRunning: @escaping @Sendable (Int) async -> Void) throws -> some ApplicationProtocol {
        let sessions = parts.sessions
        let logger = self.logger
        var app = Application(router: parts.routes.router, server: try serverBuilder(metrics: parts.metrics),
                              configuration: .init(address: .hostname(config.listen.host, port: config.listen.port), serverName: "casevault"),
                              services: [parts.client],
                              onServerRunning: { channel in
                                  let port = channel.localAddress?.port ?? 0
                                  logger.info("casevault server listening", metadata: ["port": "\(port)"])
                                  await onRunning(port)
                              }, logger: logger)
        // The server's own tables, made before the first request. CREATE TABLE IF NOT EXISTS is idempotent but not safe
        // against itself: two instances starting together on a new database can race in PostgreSQL's catalogue and
        // one fails (seen with scripts/loadtest.py). So every instance makes them under one advisory lock, held on one
        // connection of the pool while the statements run on others.
        let client = parts.client
        app.beforeServerStarts {
            try await client.withConnection { connection in
                try await connection.query("SELECT pg_advisory_lock(\(Self.schemaLockKey))", logger: logger)
                do {
                    try await sessions.store.prepare()
                    try await sessions.limiter.prepare()
                } catch {
                    _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.schemaLockKey))", logger: logger)
                    throw error
                }
                try await connection.query("SELECT pg_advisory_unlock(\(Self.schemaLockKey))", logger: logger)
            }
        }
        let (vaultFolder, now) = (config.vault, self.now)
        app.beforeServerStarts {
            let removed = UploadSpool.removeStale(vaultFolder: vaultFolder, now: now())
            if removed > 0 { logger.notice("removed upload temp files left by an interrupted server", metadata: ["files": "\(removed)"]) }
        }
        return app
    }

    /// The advisory lock key of the server's table creation ("cvschema" as 8 bytes), apart from the vault writers' key.
    static let schemaLockKey: Int64 = 0x6376_7363_6865_6D61

    struct Parts {
        let routes: RouteTable
        let sessions: SessionService
        let client: PostgresClient
        let metrics: ServerMetrics
    }

    func makeParts(pool: NIOThreadPool) throws -> Parts {
        guard let marks = config.stateMarks(environment: ProcessInfo.processInfo.environment) else {
            throw ServerError.config("there is nowhere to keep the server's rollback mark: set \"state_folder\" to a folder only the server's account may write")
        }
        let gateway: VaultGateway
        do {
            gateway = try VaultGateway(vaultFolder: config.vault, pool: pool, stateMarks: marks, now: now)
        } catch {
            throw ServerError.vault("cannot open the vault folder \(config.vault): \(error)")
        }
        let location = try config.databaseLocation
        guard let named = gateway.info.database else {
            throw ServerError.vault("the vault at \(config.vault) keeps its records in vault.db: the server serves a vault on PostgreSQL "
                                    + "(made with 'casevault init --database')")
        }
        guard named == location else {
            throw ServerError.config("the configuration's database \(location) is not the vault's (\(named)): they must be the same")
        }
        let endpoint = location.endpoint
        let clientConfiguration: PostgresClient.Configuration
        switch endpoint.address {
        case .tcp(let host, let port):
            clientConfiguration = .init(host: host, port: port, username: endpoint.username, password: endpoint.password,
                                        database: endpoint.database, tls: .disable)
        case .unixSocket(let path):
            clientConfiguration = .init(unixSocketPath: path, username: endpoint.username, password: endpoint.password, database: endpoint.database)
        }
        try Self.checkRollbackMark(marks, gateway: gateway, config: config, logger: logger)
        // The public verify page can check bundles from the start, not only once someone has signed in after a restart.
        if let key = marks.signingKeyWithoutKeys(paths: gateway.paths, info: gateway.info) { gateway.signingKey.learn(key) }
        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        let failures = config.failureLimits
        let limiter = LoginLimiter(client: client, limits: .init(perAccount: failures.maxFailures, perAddress: failures.maxFailuresPerAddress,
                                                                 window: Int64(failures.windowMinutes) * 60, lockout: Int64(failures.lockout) * 60),
                                   logger: logger)
        let sessions = SessionService(store: SessionStore(client: client, logger: logger), limiter: limiter, gateway: gateway, config: config,
                                      logger: logger)
        let metrics = ServerMetrics()
        let router = Router(context: ServerRequestContext.self)
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: SecurityHeadersMiddleware())
        let routes = RouteTable(router: router, logger: logger)
        Self.addServiceRoutes(routes, sessions: sessions, metrics: metrics)
        Self.addSessionRoutes(routes, sessions: sessions, metrics: metrics)
        Self.addCaseRoutes(routes, sessions: sessions, metrics: metrics, maxUploadBytes: config.uploadLimit)
        Self.addConsentRoutes(routes, sessions: sessions, maxUploadBytes: config.uploadLimit)
        Self.addConsentRecordRoutes(routes, sessions: sessions)
        Self.addAccountRoutes(routes, sessions: sessions)
        Self.addBundleRoutes(routes, sessions: sessions, metrics: metrics, maxUploadBytes: config.uploadLimit, analysisProgram: config.analysisProgram)
        Self.addBundleDryRunRoute(routes, sessions: sessions, analysisProgram: config.analysisProgram)
        Self.addVaultVerifyRoute(routes, sessions: sessions)
        // The web pages, outside /api (not in the OpenAPI document), over the same session service.
        try WebInterface.register(on: router, backend: WebSessionBackend(sessions: sessions, metrics: metrics, analysisProgram: config.analysisProgram,
                                                                                maxUploadBytes: config.uploadLimit),
                                  clientAddress: { $0.clientAddress }, logger: logger)
        return Parts(routes: routes, sessions: sessions, client: client, metrics: metrics)
    }

    func serverBuilder(metrics: ServerMetrics) throws -> HTTPServerBuilder {
        // A client too slow with its request's head or body is cut off, and one that stops taking its response; a
        // kept-alive connection left idle is closed.
        let timeouts = config.connectionTimeouts
        let logger = self.logger
        func amount(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64(seconds * 1_000_000_000)) }
        let (headerRead, bodyRead) = (amount(timeouts.headerReadSeconds), amount(timeouts.bodyReadSeconds))
        let writeStall = amount(timeouts.responseWriteSeconds)
        let stalled: @Sendable () -> Void = { [metrics] in metrics.slowReaderClosed() }
        let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: [SlowClientHandler(headerRead: headerRead, bodyRead: bodyRead, logger: logger),
                                                                           SlowReaderHandler(writeStall: writeStall, logger: logger, onStall: stalled)],
                                               idleTimeout: amount(timeouts.idleSeconds))
        guard let tls = config.tls else { return .http1(configuration: http1) }  // `validate` allowed this only on loopback, in development
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tls.certificate)
            key = try NIOSSLPrivateKey(file: tls.key, format: .pem)
        } catch {
            throw ServerError.config("cannot read the TLS certificate \(tls.certificate) or key \(tls.key): \(error); both must be PEM files")
        }
        guard !chain.isEmpty else { throw ServerError.config("the TLS certificate file \(tls.certificate) holds no certificate") }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        return try .tls(.http1(configuration: http1), tlsConfiguration: configuration)
    }
}
