import Consent
import Foundation
import Hummingbird
import VaultCrypto
import VaultCore
import VaultWeb

/// The web interface's way into the server: the API's own session service, with the token taken from the page's
/// cookie instead of the `Authorization` header. Sign-in is `SessionService.login` (the same limiter, logs and
/// `session.login` event); every page's vault is `SessionService.withVault` (the account must still act).
struct WebSessionBackend: WebBackend {
    let sessions: SessionService
    let metrics: ServerMetrics
    /// The configured `casevault-pdf` (nil: the one beside the server) and upload limit, for the bundle, verify,
    /// upload and PDF page pages.
    var analysisProgram: String? = nil
    var maxUploadBytes: Int64 = ServerConfig.defaultMaxUploadBytes
    var pdfProgram: String? { analysisProgram }

    func signIn(identityFile: Data, passphrase: String, loginCode: String?, address: String) async throws -> String {
        do {
            let result = try await sessions.login(.init(identity: identityFile.base64EncodedString(), passphrase: passphrase, totp: loginCode),
                                                  address: address)
            metrics.loginSucceeded()
            return result.token
        } catch let error as APIError {
            metrics.loginFailed()
            switch error.body.error {
            case APIError.loginFailed.body.error: throw WebSignInError.signInFailed
            case "too_many_attempts": throw WebSignInError.tooManyAttempts(retryAfterSeconds: Int64(error.headers[.retryAfter] ?? "") ?? 60)
            default: throw error
            }
        }
    }

    func withVault<T: Sendable>(token: String, _ body: @escaping @Sendable (Vault) throws -> T) async throws -> T {
        try await sessions.withVault(try await session(token), body)
    }

    /// HKDF of the session token under its own label: a page of another site cannot compute it without the cookie,
    /// and it changes with every session (a sign-in makes a new one).
    func formToken(sessionToken: String) throws -> String {
        guard let token = SessionToken(bearer: Substring(sessionToken)) else { throw WebSignInError.notSignedIn }
        return try token.formToken()
    }

    func download(token: String, documentID: String, acknowledged: [RuleID]) async throws -> Response {
        try await VaultServer.documentContent(session: try await session(token), acknowledged: acknowledged, id: documentID, sessions: sessions,
                                              metrics: metrics)
    }

    func signOut(token: String) async throws {
        try await sessions.logout(try await session(token))
    }

    /// The cookie's session; one that does not exist (expired, ended, forged) is "not signed in".
    private func session(_ text: String) async throws -> SessionService.Session {
        guard let token = SessionToken(bearer: Substring(text)) else { throw WebSignInError.notSignedIn }
        do {
            return try await sessions.session(token: token)
        } catch let error as APIError where error.status == .unauthorized {
            throw WebSignInError.notSignedIn
        }
    }
}

extension SessionToken {
    /// The web forms' token (CSRF) of this session: base64url of 32 bytes derived from the token, never stored.
    func formToken() throws -> String {
        let key = try HKDF.deriveKey(.sha256, inputKeyMaterial: bytes, salt: Array("casevault/server-session/v1".utf8),
                                     info: Array("web-form-token".utf8), outputCount: 32)
        var raw = key.unsafeCopyToArray()
        defer { secureZero(&raw) }
        return Data(raw).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
