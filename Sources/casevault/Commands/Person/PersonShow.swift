import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Person {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one person.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The person: their name or id.") var id: String

        func run() throws {
            let person = try global.withVault { vault in try vault.person(try vault.personID(id)) }
            if global.json { try global.emitJSON(person); return }
            Terminal.printFields([("id", person.id), ("name", person.name), ("date of birth", person.dob), ("NHS number", person.nhsNumber),
                                  ("address", person.address), ("phone", person.phone), ("email", person.email), ("added", person.createdAt)])
        }
    }
}
