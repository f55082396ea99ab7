import Foundation
import NIOPosix
import VaultCrypto
import VaultStoragePostgres
import VaultCore

/// The server's one way into the core: a `Vault` opened for one request, acting as the session's account, exactly as
/// the CLI opens one for one command. The core is synchronous and blocks on its database connection, so every call
/// runs on the server's own blocking thread pool, never on the event loops or Swift's cooperative threads (two of
/// them on a two-core machine: two slow downloads would stall every other request).
final class VaultGateway: Sendable {
    let paths: VaultPaths
    let info: VaultInfo
    let pool: NIOThreadPool
    let now: @Sendable () -> Date
    /// The server's rollback mark (`state_folder`): every request's vault is checked against it as a CLI command's is,
    /// and each checkpoint a request writes moves it forward, signed with the vault's key the session unwrapped.
    let stateMarks: StateMarks
    /// The vault's signing public key, once any request has opened the vault (for the public verify page).
    let signingKey = LearnedSigningKey()
    /// One store for every request (nil for a vault without a database, which the server refuses at start):
    /// connections kept open, and the requests' write transactions (their audit events and checkpoints above all)
    /// committed in groups. A store per request cost a connection, a schema check and a durable commit of its own
    /// for each audited read, and the requests of the whole partnership waited for one another's commits.
    let store: PostgresStorePool?

    init(vaultFolder: String, pool: NIOThreadPool, stateMarks: StateMarks, now: @escaping @Sendable () -> Date) throws {
        paths = VaultPaths(root: vaultFolder, keyFile: nil)
        info = try VaultSetup.readInfo(paths)
        // As many reading connections as requests can be in the core at once (one per worker thread), so a request
        // never waits for a connection while holding a thread.
        store = info.database.map { VaultSetup.sharedStore($0, readers: VaultServer.workerThreads) }
        self.pool = pool
        self.stateMarks = stateMarks
        self.now = now
    }

    /// Opens the vault as `identity` (the session's, held only for this request) and runs `body` on it, in one trip to
    /// the thread pool: each trip is a hand-off between threads and back, which cost more of a short request's CPU
    /// than any one query. The caller uses the handle from one task at a time.
    func open<T: Sendable>(as identity: UnlockedIdentity, then body: @escaping @Sendable (Vault) throws -> T) async throws -> (VaultHandle, T) {
        // The request's reads share one snapshot until it writes (PostgresRequestStore), never across trips: a
        // connection is not held while the request waits for its client.
        let requestStore = store.map { PostgresRequestStore(pool: $0) }
        let opened = OpenedVault(paths: paths, info: info, unlock: .session(identity), sharedStore: requestStore)
        let now = self.now
        let (pool, marks) = (self.pool, stateMarks)
        let learned = signingKey
        return try await pool.runIfActive {
            defer { requestStore?.release() }
            let vault = try Vault(opened, now: { now() }, stateMarks: marks)
            learned.learn(vault.signingPublicKey)
            let result: T
            do {
                result = try body(vault)
            } catch {
                // A request that fails ends as one that succeeds: what it recorded (a refusal, a decision held for
                // an action that then failed) is written and signed.
                vault.finishRequest()
                throw error
            }
            return (VaultHandle(vault: vault, pool: pool, requestStore: requestStore), result)
        }
    }

    /// Opens, runs `body`, and ends as the CLI's commands end: a signed checkpoint when events were written.
    func run<T: Sendable>(as identity: UnlockedIdentity, _ body: @escaping @Sendable (Vault) throws -> T) async throws -> T {
        try await open(as: identity) { vault in
            let result = try body(vault)
            vault.finishRequest()
            return result
        }.1
    }

    /// Closes the store's connections once no request is left (the server has stopped).
    func close() {
        store?.close()
    }

    /// Blocking work that is not the vault's (scrypt at login).
    func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}

/// A vault open for one request. `Vault` is not Sendable: the handle passes it between the request's task and the
/// thread pool, one call at a time, which is why it is safe to mark it so.
final class VaultHandle: @unchecked Sendable {
    private let vault: Vault
    private let pool: NIOThreadPool
    private let requestStore: PostgresRequestStore?

    init(vault: Vault, pool: NIOThreadPool, requestStore: PostgresRequestStore?) {
        self.vault = vault
        self.pool = pool
        self.requestStore = requestStore
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (Vault) throws -> T) async throws -> T {
        try await pool.runIfActive { [self] in
            defer { requestStore?.release() }
            return try body(self.vault)
        }
    }
}

extension Vault {
    /// The checkpoint a CLI command writes at its end (`GlobalOptions.finish`): a failure is not the request's.
    func finishRequest() {
        try? writeCheckpoint()
    }
}
