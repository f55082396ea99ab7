import ArgumentParser
import Consent
import Foundation
import VaultStore

/// `casevault note`: the advocate's own notes on a case (sealed, dated, signed with who wrote them).
struct NoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "note", abstract: "Case notes: a call, a visit, what was agreed.",
                                                    subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a note to a case (stored encrypted; never in a bundle).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case id.") var caseID: String
        @Option(help: "Read the note from this text file instead.") var file: String?
        @Argument(help: "The note (quote it).") var text: String?

        func validate() throws {
            if (text == nil) == (file == nil) { throw ValidationError("give the note as text, or --file FILE (one of the two)") }
        }

        func run() throws {
            let body = try text ?? String(decoding: try Data(contentsOf: URL(fileURLWithPath: file ?? "")), as: UTF8.self)
            let note = try global.withVault { try $0.addNote(caseID: try $0.caseID(caseID), text: body) }
            if global.json { try global.emitJSON(CreatedID(id: note.id)) } else { Terminal.printOut("Added note \(note.id) to \(caseID)") }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A case's notes, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case id.") var caseID: String

        func run() throws {
            let (notes, names) = try global.withVault { vault in (try vault.notes(caseID: try vault.caseID(caseID)), try vault.names()) }
            if global.json { try global.emitJSON(notes); return }
            for note in notes {
                Terminal.printOut("\(note.writtenAt.prefix(16).replacingOccurrences(of: "T", with: " "))  \(note.writtenBy.map(names.label) ?? "")  \(note.id)")
                Terminal.printOut("    " + note.text.replacingOccurrences(of: "\n", with: "\n    "))
            }
        }
    }
}

/// `casevault remind`: dated reminders on a case, listed by `deadlines` with the statutory ones.
struct RemindCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remind", abstract: "Reminders on a case (shown by 'deadlines').",
                                                    subcommands: [Add.self, Done.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a reminder for a date.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case id.") var caseID: String
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

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a reminder done (it stays listed as done).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The reminder id.") var id: String

        func run() throws {
            let reminder = try global.withVault { try $0.completeReminder(id) }
            if global.json { try global.emitJSON(CreatedID(id: reminder.id)) } else { Terminal.printOut("Done: \(reminder.id)") }
        }
    }
}
