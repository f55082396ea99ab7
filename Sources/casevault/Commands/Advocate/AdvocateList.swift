import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Advocate {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List advocates.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let advocates = try global.withVault { try $0.advocates() }
            if global.json { try global.emitJSON(advocates) } else {
                Terminal.printOut(Table.render(["ID", "NAME", "ROLE", "ORGANISATION"],
                                               advocates.map { [$0.id, $0.name, $0.role.rawValue + ($0.removedAt.map { " (removed \($0.prefix(10)))" } ?? ""), $0.organisationName ?? "-"] }))
            }
        }
    }
}
