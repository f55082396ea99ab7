import ArgumentParser
import Foundation
import HelperProcess
#if canImport(Glibc)
import Glibc
#endif

extension CaseVault {
    /// The team server: `casevault-server`, installed beside casevault, replaces this process (execv), so the signals
    /// that stop it (SIGTERM, SIGINT) and its exit status are the server's own. casevault itself links no server code.
    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve a vault on PostgreSQL over HTTPS to a team (see docs/server.md).",
            discussion: "Stops gracefully on SIGTERM or SIGINT. The database password, if the server asks for one, comes from $PGPASSWORD.")
        @Option(help: ArgumentHelp("The server's JSON configuration (listen address, vault folder, database, TLS files).", valueName: "FILE"))
        var config: String

        func run() throws {
            let server = try HelperProgram.server.locate()
            let arguments = ["casevault-server", "--config", config]
            let pointers: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
            defer { pointers.forEach { free($0) } }
            execv(server, pointers)
            // execv returns only when it failed.
            throw CLIError("casevault-server could not be started (\(String(cString: strerror(errno))))",
                           hints: ["reinstall with make install (it installs casevault, casevault-pdf and casevault-server together)"])
        }
    }
}
