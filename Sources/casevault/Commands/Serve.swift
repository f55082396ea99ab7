import ArgumentParser
import Foundation
import VaultServer

extension CaseVault {
    /// The team server: everything is in the configuration file and VaultServer; this only starts it.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve a vault on PostgreSQL over HTTPS to a team (see docs/server.md).",
            discussion: "Stops gracefully on SIGTERM or SIGINT. The database password, if the server asks for one, comes from $PGPASSWORD.")
        @Option(help: ArgumentHelp("The server's JSON configuration (listen address, vault folder, database, TLS files).", valueName: "FILE"))
        var config: String

        func run() throws {
            let server: VaultServer
            do {
                server = try VaultServer(config: try ServerConfig.load(path: config))
            } catch let error as ServerError {
                throw CLIError(error.description, hints: ["docs/server.md describes the configuration file"])
            }
            // ArgumentParser's root command is synchronous: the server runs in a task and this thread waits for it.
            let outcome = ServeOutcome()
            let done = DispatchSemaphore(value: 0)
            Task {
                do { try await server.run() } catch { outcome.error = error }
                done.signal()
            }
            done.wait()
            if let error = outcome.error {
                if let error = error as? ServerError { throw CLIError(error.description, hints: ["docs/server.md describes the configuration file"]) }
                throw error
            }
        }
    }
}

/// The server task's error, read only after the task signalled its end.
private final class ServeOutcome: @unchecked Sendable {
    var error: (any Error)?
}
