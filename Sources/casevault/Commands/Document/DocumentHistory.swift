import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.DocumentCommand {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "When a document was stored and every correction since, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document id.") var id: DocumentID

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
