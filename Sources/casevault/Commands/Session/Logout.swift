import ArgumentParser
import Foundation
import VaultClient

extension CaseVault {
    struct Logout: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logout",
            abstract: "End your session on the team server and remove it from this computer.")
        @OptionGroup var global: GlobalOptions

        struct Report: Encodable {
            let loggedOut: Bool
            let server: String
            enum CodingKeys: String, CodingKey { case server, loggedOut = "logged_out" }
        }

        func run() throws {
            let file = global.sessionFile
            guard let session = try file.read() else {
                throw CLIError("you are not logged in on this computer (no session at \(file.path)); nothing was done",
                               hints: ["'casevault login --server URL' starts a session"], exitCode: ServerErrors.sessionExitCode)
            }
            do {
                try VaultAPI(session: session).logout()
            } catch let error as ClientError {
                // The token is removed from this computer whatever happens; the person is told the server may still hold it.
                try file.delete()
                Terminal.printError("casevault: warning: \(error.description)")
                throw CLIError("the session was removed from this computer, but the server could not be told: it stays valid there until \(session.expiresAt) "
                               + "(or until it has been idle for \(session.idleMinutes ?? 30) minutes)",
                               hints: ["if this computer is shared or may be lost, ask the server's administrator to end the session (by account id)"])
            }
            try file.delete()
            if global.json { try global.emitJSON(Report(loggedOut: true, server: session.server)) } else {
                Terminal.printOut("Logged out of \(session.server)")
            }
        }
    }
}
