import ArgumentParser
import Consent
import Foundation
import VaultCore

extension CaseVault.RemindCommand {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a reminder for a date.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String
        @Option(help: "When, YYYY-MM-DD.") var on: String
        @Argument(help: "What to do (quote it).") var text: String

        func run() throws {
            guard let due = CivilDate(iso: on) else { throw ValidationError("--on must be a date written YYYY-MM-DD (got '\(on)')") }
            let reminder = try global.withVault { try $0.addReminder(caseID: try $0.caseID(caseID), on: due, text: text) }
            if global.json { try global.emitJSON(CreatedID(id: reminder.id)) } else {
                Terminal.printOut("Reminder \(reminder.id) on \(due) for \(caseID)")
            }
        }
    }
}
