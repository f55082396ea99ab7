import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Person {
    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "history", abstract: "A person's earlier details, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The person: their name or id.") var person: String

        func run() throws {
            let (changes, names) = try global.withVault { vault in (try vault.personHistory(try vault.personID(person)), try vault.names()) }
            if global.json { try global.emitJSON(changes); return }
            Terminal.printOut(Table.render(["TIME", "BY", "FIELD", "WAS"], changes.map {
                [$0.time, $0.by.map(names.label) ?? "", $0.field.rawValue, $0.previous ?? "(none)"]
            }))
        }
    }
}
