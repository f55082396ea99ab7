import ArgumentParser
import Consent
import Foundation
import VaultCore

extension CaseVault.RemindCommand {
    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "done", abstract: "Mark a reminder done (it stays listed as done).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The reminder id.") var id: RecordID

        func run() throws {
            let reminder = try global.withVault { try $0.completeReminder(id) }
            if global.json { try global.emitJSON(CreatedID(id: reminder.id)) } else { Terminal.printOut("Done: \(reminder.id)") }
        }
    }
}
