import Foundation
import Logging
import PostgresNIO
import VaultCrypto

/// One login's row: found by the token's SHA-256; the identity inside only opens with the token itself.
struct SessionRow: Sendable {
    let sessionID: String
    let accountID: String
    let vaultID: String
    let createdAt: Int64
    let lastUsedAt: Int64
    let expiresAt: Int64
    let sealedIdentity: [UInt8]
}

/// Sessions in the vault's own PostgreSQL database, so any server instance can serve any session (no sticky load
/// balancing, no state on the instance).
///
/// `server_sessions` is the server's table, not the vault's, and deliberately outside the state ledger and audit chain:
/// it changes on every request (last use), holds nothing the vault's rules decide on, and losing it only logs people
/// out. Recording it in the ledger would write a signed state line per request, and `verify` would then have to
/// account for rows that expire on their own. Logins and logouts themselves are audited by the core's own reads
/// (`Vault.actingAccount`) and by the server's log; the sealed identity in the row opens only with the client's token.
final class SessionStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Created by the server on start (idempotent; several instances starting together are fine). Without the request
    /// deadline: a server started together with its database may wait for it as long as PostgresNIO's pool retries.
    func prepare() async throws {
        try await client.query("""
            CREATE TABLE IF NOT EXISTS server_sessions (
                token_sha256 bytea PRIMARY KEY,
                session_id text NOT NULL UNIQUE,
                account_id text NOT NULL,
                vault_id text NOT NULL,
                created_at bigint NOT NULL,
                last_used_at bigint NOT NULL,
                expires_at bigint NOT NULL,
                sealed_identity bytea NOT NULL
            )
            """, logger: logger)
        try await client.query("CREATE INDEX IF NOT EXISTS server_sessions_account ON server_sessions (account_id)", logger: logger)
    }

    func insert(tokenHash: [UInt8], _ row: SessionRow) async throws {
        try await client.queryWithinDeadline("""
            INSERT INTO server_sessions (token_sha256, session_id, account_id, vault_id, created_at, last_used_at, expires_at, sealed_identity)
            VALUES (\(Data(tokenHash)), \(row.sessionID), \(row.accountID), \(row.vaultID), \(row.createdAt), \(row.lastUsedAt),
                    \(row.expiresAt), \(Data(row.sealedIdentity)))
            """, logger: logger)
    }

    func find(tokenHash: [UInt8]) async throws -> SessionRow? {
        let rows = try await client.queryWithinDeadline("""
            SELECT token_sha256, session_id, account_id, vault_id, created_at, last_used_at, expires_at, sealed_identity
            FROM server_sessions WHERE token_sha256 = \(Data(tokenHash))
            """, logger: logger)
        for try await (stored, sessionID, accountID, vaultID, created, lastUsed, expires, sealed)
            in rows.decode((Data, String, String, String, Int64, Int64, Int64, Data).self) {
            // The index found the row; the hash is compared again in constant time before it is believed.
            guard constantTimeEquals(Array(stored), tokenHash) else { return nil }
            return SessionRow(sessionID: sessionID, accountID: accountID, vaultID: vaultID, createdAt: created, lastUsedAt: lastUsed,
                              expiresAt: expires, sealedIdentity: Array(sealed))
        }
        return nil
    }

    func touch(tokenHash: [UInt8], at time: Int64) async throws {
        try await client.queryWithinDeadline("UPDATE server_sessions SET last_used_at = \(time) WHERE token_sha256 = \(Data(tokenHash))", logger: logger)
    }

    func delete(tokenHash: [UInt8]) async throws {
        try await client.queryWithinDeadline("DELETE FROM server_sessions WHERE token_sha256 = \(Data(tokenHash))", logger: logger)
    }

    /// Every session of an account (refused as removed or re-issued).
    func deleteAll(accountID: String) async throws {
        try await client.queryWithinDeadline("DELETE FROM server_sessions WHERE account_id = \(accountID)", logger: logger)
    }

    /// Sessions past either limit; run at login so the table does not grow with abandoned sessions.
    func deleteExpired(now: Int64, idleSeconds: Int64) async throws {
        try await client.queryWithinDeadline("DELETE FROM server_sessions WHERE expires_at <= \(now) OR last_used_at <= \(now - idleSeconds)", logger: logger)
    }

    /// Whether the database answers (readiness).
    func ping() async throws {
        try await client.queryWithinDeadline("SELECT 1", logger: logger)
    }
}
