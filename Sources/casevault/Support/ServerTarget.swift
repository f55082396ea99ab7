import Foundation
import VaultClient

/// Which vault a command acts on: this computer's folder, or the team server (docs/server.md, "From the command
/// line"). The rule, most explicit first:
///   1. `--server URL` → the server (with `--vault` too: a usage error, they name two places);
///   2. `--vault DIR` → that folder;
///   3. `$CASEVAULT_SERVER` → the server;  4. `$CASEVAULT_VAULT` → that folder;
///   5. a session from `casevault login` → its server;  6. otherwise ./vault.
/// A command sent to the server never falls back to a local vault: one the server cannot do yet says so.
struct ServerTarget {
    let api: VaultAPI
    let session: ServerSession

    var server: String { session.server }
}

extension GlobalOptions {
    var sessionFile: SessionFile { SessionFile.standard(environment: ProcessInfo.processInfo.environment) }

    /// The server a command goes to, or nil for a local vault.
    func serverTarget() throws -> ServerTarget? {
        let environment = ProcessInfo.processInfo.environment
        func given(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        let named: String?
        if let server {
            named = server
        } else if vault != nil {
            return nil
        } else if let fromEnvironment = given("CASEVAULT_SERVER") {
            named = fromEnvironment
        } else if given("CASEVAULT_VAULT") != nil {
            return nil
        } else {
            named = nil
        }
        let session = try sessionFile.read()
        if let named {
            let address = try ServerAddress(named)
            guard let session else { throw ClientError.notLoggedIn(server: address.description) }
            guard try session.address == address else {
                throw CLIError("you are logged in to \(session.server), not to \(address)", hints: ["run: casevault login --server \(address)"], exitCode: ServerErrors.sessionExitCode)
            }
            return ServerTarget(api: try VaultAPI(session: session), session: session)
        }
        guard let session else { return nil }
        return ServerTarget(api: try VaultAPI(session: session), session: session)
    }

    /// For every command that opens the local vault: refused when the command was meant for the server, so nothing
    /// silently acts on a local folder the person did not name.
    func requireLocalVault() throws {
        guard let target = try serverTarget() else { return }
        throw CLIError("this command is not available over the server (\(target.server)) yet",
                       hints: ["run it on a local vault with --vault DIR, or ask an administrator to run it on the server's vault",
                               "docs/server.md ('From the command line') lists the commands that work over the server"])
    }
}
