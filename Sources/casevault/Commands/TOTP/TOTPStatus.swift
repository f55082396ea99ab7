import ArgumentParser
import VaultCore

extension CaseVault.TOTPCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Whether your login codes are on (none, pending confirmation, or active)."
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let state = try global.withVault { try $0.totpState() }
            if global.json { return try global.emitJSON(["state": state.rawValue]) }
            switch state {
            case .none: Terminal.printOut("Login codes are off ('casevault totp enable' sets them up).")
            case .pending: Terminal.printOut("Login codes are set up but not confirmed: run 'casevault totp confirm CODE'.")
            case .active: Terminal.printOut("Login codes are on: every team-server login needs a current code.")
            }
        }
    }
}
