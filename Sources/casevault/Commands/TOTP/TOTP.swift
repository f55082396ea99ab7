import ArgumentParser
import VaultCore

extension CaseVault {
    /// `casevault totp …`: the second factor for logging in to the team server (docs/server.md).
    struct TOTPCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp",
            abstract: "Login codes from an authenticator app, asked at every team-server login once turned on.",
            discussion: """
            'totp enable' shows a secret for your authenticator app (once); 'totp confirm CODE' turns codes on with the \\
            code the app then shows. From then on every login to the team server needs a current code as well as your \\
            passphrase. 'totp disable CODE' turns them off. Lost your phone? An administrator, or your organisation's \\
            manager, can reset it ('totp reset --account ID').
            """,
            subcommands: [Enable.self, Confirm.self, Disable.self, Reset.self, Status.self]
        )

        /// The core's words for a code not accepted; the CLI adds what to do next.
        static func presenting<T>(_ body: () throws -> T) throws -> T {
            do {
                return try body()
            } catch let error as TOTPError {
                switch error {
                case .wrongCode: throw CLIError(error.description, hints: ["wait for the next code and try again"])
                case .notEnrolled: throw CLIError(error.description, hints: ["'casevault totp enable' sets one up"])
                default: throw CLIError(error.description)
                }
            }
        }
    }
}
