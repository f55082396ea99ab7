import ArgumentParser
import VaultCore

extension CaseVault.TOTPCommand {
    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "confirm",
            abstract: "Turn login codes on with the code your authenticator app shows now."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The 6-digit code the app shows now.", valueName: "CODE")) var code: String

        func run() throws {
            try CaseVault.TOTPCommand.presenting { try global.withVault { try $0.confirmTOTP(code: code) } }
            if global.json { return try global.emitJSON(["state": "active"]) }
            Terminal.printOut("Login codes are on: every login to the team server now needs the code your app shows.")
        }
    }
}
