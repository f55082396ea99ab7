import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Person {
    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "find",
            abstract: "Find people you may see by part of their name, their NHS number or date of birth.",
            discussion: "\"Platt\", \"mrs platt\", \"j platt\" and \"Zoe\" for \"Zoë\" all match: case, accents, titles and word order are ignored.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Part of a name, an NHS number (spaces allowed) or a date of birth (YYYY-MM-DD).") var text: String?
        @Option(help: "NHS number (exact).") var nhsNumber: String?
        @Option(help: "Full name (exact, case and punctuation ignored).") var name: String?

        func validate() throws {
            if nhsNumber == nil && name == nil && text == nil { throw ValidationError("give what to look for: part of a name, --nhs-number or --name") }
        }

        func run() throws {
            if let text, !global.json {
                // The table shows id, name and date of birth: the core opens no more than that of the people found.
                let found = try global.withVault { try $0.findPeopleShown(matching: text) }
                Terminal.printOut(Table.render(["ID", "NAME", "DOB"], found.map { [$0.id, $0.name, $0.dob ?? ""] }))
                return
            }
            let people = try global.withVault { vault in
                if let text { return try vault.findPeople(matching: text) }
                return try vault.findPeople(nhsNumber: nhsNumber, name: name)
            }
            if global.json { try global.emitJSON(people) } else {
                Terminal.printOut(Table.render(["ID", "NAME", "DOB"], people.map { [$0.id, $0.name, $0.dob ?? ""] }))
            }
        }
    }
}
