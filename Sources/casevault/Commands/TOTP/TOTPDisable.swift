import ArgumentParser
import VaultCore

extension CaseVault.TOTPCommand {
    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disable",
            abstract: "Turn login codes off (a current code is needed, so no one at an unlocked terminal can)."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The 6-digit code the app shows now.", valueName: "CODE")) var code: String

        func run() throws {
            try CaseVault.TOTPCommand.presenting { try global.withVault { try $0.disableTOTP(code: code) } }
            if global.json { return try global.emitJSON(["state": "none"]) }
            Terminal.printOut("Login codes are off: logging in to the team server needs only your identity and passphrase again.")
        }
    }
}
