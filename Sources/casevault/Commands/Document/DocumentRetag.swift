import ArgumentParser
import Foundation
import VaultStore

/// `casevault document`: corrections to a stored document's details, with their history.
struct DocumentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "document", abstract: "Correct a document's date or kind, see its history, or remove it.",
                                                    subcommands: [Retag.self, History.self, Remove.self])

    struct Retag: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct a document's date or kind (the date the trust sees in the bundle's index).",
            discussion: "The old and new values are kept in the audit log and shown by 'casevault document history DOC'.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document id.") var id: String
        @Option(help: "The document's date, YYYY-MM-DD (not in the future, not before 1900).") var date: String?
        @Option(help: "The kind: \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: DocumentKind?

        func validate() throws {
            if date == nil && kind == nil { throw ValidationError("give --date, --kind or both") }
        }

        func run() throws {
            let view = try global.withVault { try $0.retagDocument(id, date: date, kind: kind) }
            if global.json { try global.emitJSON(view) } else {
                Terminal.printOut("\(view.id): \(view.kind), dated \(view.documentDate ?? "-") (\(view.documentDateSource))")
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "When a document was stored and every correction since, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document id.") var id: String

        func run() throws {
            let (changes, names) = try global.withVault { vault in (try vault.documentHistory(id), try vault.names()) }
            if global.json { try global.emitJSON(changes); return }
            Terminal.printOut(Table.render(["TIME", "BY", "WHAT"], changes.map { change in
                let what = change.details.filter { $0.key != "action" }.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                return [change.time, change.actor.map(names.label) ?? "", ([change.details["action"] ?? ""] + what).joined(separator: "; ")]
            }))
        }
    }
}
