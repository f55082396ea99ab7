import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Org {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List organisations.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let organisations = try global.withVault { try $0.organisations() }
            if global.json {
                try global.emitJSON(organisations.map { ["id": $0.id, "name": $0.name, "created_at": $0.createdAt] })
            } else {
                Terminal.printOut(Table.render(["ID", "NAME"], organisations.map { [$0.id, $0.name] }))
            }
        }
    }
}
