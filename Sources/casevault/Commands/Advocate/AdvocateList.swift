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
                Terminal.printOut(Table.render(["ID", "NAME", "ROLE", "ORGANISATION"], advocates.map { [$0.id, $0.name, Self.role(of: $0), $0.organisationName ?? "-"] }))
            }
        }

        static func role(of advocate: Vault.AdvocateView) -> String {
            if let removed = advocate.removedAt { return advocate.role.rawValue + " (removed \(removed.prefix(10)))" }
            return advocate.role.rawValue + (advocate.awaitingConfirmation ? " (awaiting confirmation)" : "")
        }
    }
}
