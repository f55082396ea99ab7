import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Person {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List people.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let people = try global.withVault { try $0.people() }
            if global.json { try global.emitJSON(people) } else {
                Terminal.printOut(Table.render(["ID", "NAME", "DOB"], people.map { [$0.id, $0.name, $0.dob ?? ""] }))
            }
        }
    }
}
