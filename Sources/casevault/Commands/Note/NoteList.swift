import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.NoteCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "A case's notes, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String

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
