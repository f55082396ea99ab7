import Foundation
import Consent
import HelperProcess
import Hummingbird
import VaultCrypto
import VaultCore

/// What the web pages need from the server, and nothing more: sign in, a vault opened as the session's account for
/// one request, the form token of a session, the audited download, and sign out. The server implements it over its
/// own session service (the same one the JSON API uses), so a page can reach the vault only through the core calls
/// the API makes, and the web layer holds no session store, key or rule of its own.
public protocol WebBackend: Sendable {
    /// Unlocks the identity file with the passphrase, exactly as `POST /api/v1/login` does (the same limiter, the same
    /// audit event, the same login code check when the account has turned codes on), and returns the new session's
    /// token for the cookie.
    func signIn(identityFile: Data, passphrase: String, loginCode: String?, address: String) async throws -> String

    /// Runs `body` on the vault opened as the session's account (which must still act), or throws
    /// `WebSignInError.notSignedIn`.
    func withVault<T: Sendable>(token: String, _ body: @escaping @Sendable (Vault) throws -> T) async throws -> T

    /// The session's form token (CSRF): derived from the session token, so only a holder of the cookie knows it.
    func formToken(sessionToken: String) throws -> String

    /// The document's body as the API's audited content route sends it (consent asked first, the read recorded before
    /// any byte leaves, `Content-Disposition: attachment`).
    func download(token: String, documentID: String, acknowledged: [RuleID]) async throws -> Response

    /// Ends the session (deletes it and records `session.logout`).
    func signOut(token: String) async throws

    /// The `casevault-pdf` the server makes bundles with (its configured one, else the one beside it).
    func bundleHelper() throws -> PDFHelper

    /// The vault's bundle-signing public key, for the public verify page; nil until the server has opened the vault.
    func bundleVerificationKey() -> Ed25519.PublicKey?

    /// The most a form may carry in all (the server's `max_upload_bytes`, as for the API's uploads).
    var maxUploadBytes: Int64 { get }

    /// The `casevault-pdf` that draws PDF pages; nil: the one beside the running program. (A requirement, not only
    /// an extension default, so the server's configured program is the one used.)
    var pdfProgram: String? { get }
}

extension WebBackend {
    /// The one beside the running program, for a backend configured with none.
    public var pdfProgram: String? { nil }
}

/// The sign-in outcomes a page words itself; the core's refusals (`AccessError`, `VaultError`) pass through as they are.
public enum WebSignInError: Error, Sendable, Equatable {
    /// Wrong passphrase, not an identity file, another vault's identity, a removed account: one message for all.
    case signInFailed
    case tooManyAttempts(retryAfterSeconds: Int64)
    /// No session, or one that expired or was ended.
    case notSignedIn
}
