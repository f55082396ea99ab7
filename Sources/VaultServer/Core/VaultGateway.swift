import Foundation
import NIOPosix
import VaultCrypto
import VaultStore

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

    init(vaultFolder: String, pool: NIOThreadPool, stateMarks: StateMarks, now: @escaping @Sendable () -> Date) throws {
        paths = VaultPaths(root: vaultFolder, keyFile: nil)
        info = try VaultSetup.readInfo(paths)
        self.pool = pool
        self.stateMarks = stateMarks
        self.now = now
    }

    /// Opens the vault as `identity` (the session's, held only for this request). The caller uses the handle from one
    /// task at a time.
    func open(as identity: UnlockedIdentity) async throws -> VaultHandle {
        let opened = OpenedVault(paths: paths, info: info, unlock: .session(identity))
        let now = self.now
        let (pool, marks) = (self.pool, stateMarks)
        return try await pool.runIfActive { VaultHandle(vault: try Vault(opened, now: { now() }, stateMarks: marks), pool: pool) }
    }

    /// Opens, runs `body`, and ends as the CLI's commands end: a signed checkpoint when events were written.
    func run<T: Sendable>(as identity: UnlockedIdentity, _ body: @escaping @Sendable (Vault) throws -> T) async throws -> T {
        let handle = try await open(as: identity)
        return try await handle.run { vault in
            defer { vault.finishRequest() }
            return try body(vault)
        }
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

    init(vault: Vault, pool: NIOThreadPool) {
        self.vault = vault
        self.pool = pool
    }

    func run<T: Sendable>(_ body: @escaping @Sendable (Vault) throws -> T) async throws -> T {
        try await pool.runIfActive { [self] in try body(self.vault) }
    }
}

extension Vault {
    /// The checkpoint a CLI command writes at its end (`GlobalOptions.finish`): a failure is not the request's.
    func finishRequest() {
        try? writeCheckpoint()
    }
}
