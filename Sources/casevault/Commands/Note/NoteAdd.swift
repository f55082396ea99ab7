import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.NoteCommand {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a note to a case (stored encrypted; never in a bundle).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String
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
}
