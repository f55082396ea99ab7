import Foundation
import Hummingbird
import Logging
import VaultCrypto
import VaultCore
import VaultModel

/// Login, the session behind each request, and logout.
final class SessionService: Sendable {
    struct LoginRequest: Decodable, Sendable {
        /// The identity file's bytes, base64: the same file the CLI uses.
        let identity: String
        let passphrase: String
        /// The current code of the account's authenticator app, when it has turned login codes on (`casevault totp`).
        let totp: String?
    }

    struct LoginResult: Encodable, Sendable {
        let token: String
        let account: String
        let sessionID: String
        let expiresAt: String
        let idleMinutes: Int
        /// The account's own name, to greet the person by (absent if it could not be read: the login stands).
        let name: String?

        enum CodingKeys: String, CodingKey {
            case token, account, name
            case sessionID = "session_id"
            case expiresAt = "expires_at"
            case idleMinutes = "idle_minutes"
        }
    }

    /// A request's session: its account's identity, unsealed with the request's token and held only for the request.
    struct Session: Sendable {
        let row: SessionRow
        let tokenHash: [UInt8]
        let identity: UnlockedIdentity
    }

    /// An identity file is about 1 KB; anything far larger is not one.
    static let maxIdentityBytes = 64 * 1024
    /// Last use is written at most this often (a read-heavy session would otherwise write on every request).
    static let touchInterval: Int64 = 15

    let store: SessionStore
    let gateway: VaultGateway
    let limiter: LoginLimiter
    let limits: ServerConfig.Sessions
    let logger: Logger
    /// The consent decisions each session's pages already recorded (R-AUD-1 once per session, not once per view).
    let decisions = SessionDecisions()

    init(store: SessionStore, limiter: LoginLimiter, gateway: VaultGateway, config: ServerConfig, logger: Logger) {
        self.store = store
        self.gateway = gateway
        self.limiter = limiter
        limits = config.sessionLimits
        self.logger = logger
    }

    var idleSeconds: Int64 { Int64(limits.idleMinutes) * 60 }
    func clock() -> Int64 { Int64(gateway.now().timeIntervalSince1970) }

    // MARK: - Login

    /// Unlocks the identity (scrypt), checks it is this vault's and its account acts (not removed, not re-issued), and
    /// stores the session. Every failure is the same `loginFailed`; the log says which, by account id.
    func login(_ request: LoginRequest, address: String) async throws -> LoginResult {
        let now = clock()
        let addressKey = LoginLimiter.addressKey(address)
        guard request.identity.utf8.count <= Self.maxIdentityBytes * 4 / 3 + 4, let data = Data(base64Encoded: request.identity),
              let file = try? IdentityFile.decode(data) else {
            if case .locked(let wait) = try await limiter.begin([addressKey], now: now) { throw APIError.tooManyAttempts(retryAfter: wait) }
            logger.notice("login failed: not an identity file", metadata: ["address": "\(address)"])
            throw APIError.loginFailed
        }
        let accountKey = LoginLimiter.accountKey(file.accountID)
        // Counted before the passphrase is tried: attempts sent together cannot overtake the count.
        let attempt: String
        switch try await limiter.begin([accountKey, addressKey], now: now) {
        case .locked(let wait):
            logger.notice("login refused: too many failures", metadata: ["account": "\(file.accountID)", "address": "\(address)"])
            throw APIError.tooManyAttempts(retryAfter: wait)
        case .admitted(let id):
            attempt = id
        }
        // The attempt's rows stay as the failure's count.
        func fail(_ why: String) -> APIError {
            logger.notice("login failed: \(why)", metadata: ["account": "\(file.accountID)", "address": "\(address)"])
            return APIError.loginFailed
        }
        guard constantTimeEquals(Array(file.vaultID.utf8), Array(gateway.info.vaultID.utf8)) else { throw fail("identity of another vault") }
        // Over the network the passphrase is the second factor the file needs: an unprotected file is refused.
        guard file.needsPassphrase else { throw fail("identity file has no passphrase") }
        // The JSON decoder's String cannot be wiped; the copy the KDF reads is SecureBytes.
        let passphrase = SecureBytes(copying: Array(request.passphrase.utf8))
        let identity: UnlockedIdentity
        do {
            identity = try await gateway.blocking { try file.unlock(passphrase: passphrase) }
        } catch {
            throw fail(error as? IdentityFileError == .wrongPassphrase ? "wrong passphrase" : "identity file does not unlock")
        }
        // The login code, when the account has turned codes on: its secret opens only with the identity just unlocked.
        // A missing or wrong code is the same failure as a wrong passphrase, and counts the same.
        let code = request.totp
        let codeAccepted: Bool
        do {
            codeAccepted = try await gateway.run(as: identity) { vault in
                _ = try vault.actingAccount()
                return try vault.checkTOTPAtLogin(code: code)
            }
        } catch let error as AccessError {
            throw fail("account does not act: \(error)")
        } catch let error as VaultError {
            throw fail("\(error)")
        }
        guard codeAccepted else { throw fail(code == nil ? "login code missing" : "login code wrong or already used") }
        try await limiter.succeeded(attempt: attempt, accountKey: accountKey)

        let token = try SessionToken.generate()
        let sessionID = "ses-" + (try SystemRandom.bytes(count: 12)).hexString
        let expires = now + Int64(limits.absoluteHours) * 3600
        let row = SessionRow(sessionID: sessionID, accountID: identity.accountID, vaultID: identity.vaultID, createdAt: now, lastUsedAt: now,
                             expiresAt: expires, sealedIdentity: try SessionSealing.seal(identity, token: token, sessionID: sessionID))
        let tokenHash = try token.hash()
        try await store.insert(tokenHash: tokenHash, row)
        // In the vault's own audit log, signed by the person's identity like every other event: who opened a session
        // and when (the address stays in the server's log). A login the vault cannot record is not granted.
        let name: String?
        do {
            name = try await gateway.run(as: identity) { vault in
                try vault.record(.signedIn(session: sessionID))
                return try? vault.actingAccountName()
            }
        } catch {
            try? await store.delete(tokenHash: tokenHash)
            throw error
        }
        try? await store.deleteExpired(now: now, idleSeconds: idleSeconds)
        logger.info("login", metadata: ["account": "\(identity.accountID)", "session": "\(sessionID)", "address": "\(address)"])
        return LoginResult(token: token.bearer, account: identity.accountID, sessionID: sessionID,
                           expiresAt: Self.timestamp(expires), idleMinutes: limits.idleMinutes, name: name)
    }

    // MARK: - Each request

    /// The request's session, or 401 (no token, forged, expired, logged out, or its row no longer opens).
    func session(for request: Request) async throws -> Session {
        guard let token = Self.bearer(request) else { throw APIError.notLoggedIn }
        return try await session(token: token)
    }

    /// The session of a token, whether it came as the API's bearer or in the web interface's cookie.
    func session(token: SessionToken) async throws -> Session {
        let hash = try token.hash()
        guard let row = try await store.find(tokenHash: hash) else { throw APIError.notLoggedIn }
        let now = clock()
        guard now < row.expiresAt, now - row.lastUsedAt < idleSeconds else {
            try? await store.delete(tokenHash: hash)
            throw APIError.notLoggedIn
        }
        let identity: UnlockedIdentity
        do {
            guard row.vaultID == gateway.info.vaultID else { throw VaultCryptoError.authenticationFailure }
            identity = try SessionSealing.open(row.sealedIdentity, token: token, sessionID: row.sessionID, accountID: row.accountID,
                                               vaultID: row.vaultID)
        } catch {
            // A row that does not open with its own token was changed in the database: it serves no one.
            logger.warning("session row does not open with its token; deleted", metadata: ["session": "\(row.sessionID)"])
            try? await store.delete(tokenHash: hash)
            throw APIError.notLoggedIn
        }
        if now - row.lastUsedAt >= Self.touchInterval { try await store.touch(tokenHash: hash, at: now) }
        return Session(row: row, tokenHash: hash, identity: identity)
    }

    /// Runs `body` on the vault as the session's account. The core refuses a removed or re-issued account (before
    /// anything else, with `actingAccount`); then every session of that account is deleted.
    func withVault<T: Sendable>(_ request: Request, _ body: @escaping @Sendable (Vault) throws -> T) async throws -> T {
        try await withVault(try await session(for: request), body)
    }

    func withVault<T: Sendable>(_ session: Session, _ body: @escaping @Sendable (Vault) throws -> T) async throws -> T {
        do {
            let recorded = decisions.recorded(session: session.row.sessionID)
            return try await gateway.run(as: session.identity) { vault in
                _ = try vault.actingAccount()
                vault.recordedDecisions = recorded
                return try body(vault)
            }
        } catch let error as AccessError {
            try await endSessionsIfAccountGone(error, session: session)
            throw error
        }
    }

    func endSessionsIfAccountGone(_ error: AccessError, session: Session) async throws {
        switch error {
        case .accountRemoved, .identityReplaced, .unknownAccount, .notYourIdentity:
            logger.notice("account no longer acts: its sessions are ended", metadata: ["account": "\(session.row.accountID)"])
            try await store.deleteAll(accountID: session.row.accountID)
        case .refused, .consentRefused, .acknowledgementNeeded, .awaitingConfirmation:
            break
        }
    }

    /// Ends every session of an account whose identity was replaced by its own renewal (`POST /api/v1/identity/renew`).
    func endAll(accountID: String) async throws {
        logger.info("identity renewed: the account's sessions are ended", metadata: ["account": "\(accountID)"])
        try await store.deleteAll(accountID: accountID)
    }

    func logout(_ request: Request) async throws {
        try await logout(try await session(for: request))
    }

    func logout(_ session: Session) async throws {
        try await store.delete(tokenHash: session.tokenHash)
        decisions.end(session: session.row.sessionID)
        // After the session is gone, so that a logout always ends it; an event that cannot be written is logged.
        do {
            let sessionID = session.row.sessionID
            try await gateway.run(as: session.identity) { vault in try vault.record(.signedOut(session: sessionID)) }
        } catch {
            logger.warning("logout not recorded in the audit log", metadata: ["session": "\(session.row.sessionID)"])
        }
        logger.info("logout", metadata: ["account": "\(session.row.accountID)", "session": "\(session.row.sessionID)"])
    }

    static func bearer(_ request: Request) -> SessionToken? {
        guard let value = request.headers[.authorization], value.hasPrefix("Bearer ") else { return nil }
        return SessionToken(bearer: value.dropFirst("Bearer ".count))
    }

    static func timestamp(_ seconds: Int64) -> String {
        InternetTime.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}
