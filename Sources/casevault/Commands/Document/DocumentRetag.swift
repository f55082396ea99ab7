import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.DocumentCommand {
    struct Retag: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retag",
            abstract: "Correct a document's date or kind (the date the trust sees in the bundle's index).",
            discussion: "The old and new values are kept in the audit log and shown by 'casevault document history DOC'.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document id.") var id: DocumentID
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
}
