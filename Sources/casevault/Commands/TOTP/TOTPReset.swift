import ArgumentParser
import VaultCore

extension CaseVault.TOTPCommand {
    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset",
            abstract: "Remove someone's login codes when they have lost their phone (an administrator, or their manager).",
            discussion: "Recorded in the audit log. The person can then log in with their passphrase and enrol again."
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The person's account id.", valueName: "ID")) var account: String

        func run() throws {
            try CaseVault.TOTPCommand.presenting { try global.withVault { try $0.resetTOTP(accountID: AccountID(account)) } }
            if global.json { return try global.emitJSON(["account": account, "state": "none"]) }
            Terminal.printOut("Login codes for \(account) are reset: ask them to enrol again with 'casevault totp enable'.")
        }
    }
}
