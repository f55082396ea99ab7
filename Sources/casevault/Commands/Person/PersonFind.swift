import ArgumentParser
import Foundation
import VaultStore

struct Org: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Organisations (partner advocacy services).", subcommands: [Add.self, List.self, Update.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an organisation.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The organisation's name.") var name: String

        func run() throws {
            let record = try global.withVault { try $0.addOrganisation(name: name) }
            if global.json { try global.emitJSON(CreatedID(id: record.id)) } else { Terminal.printOut(record.id) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List organisations.")
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

struct Advocate: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Advocates (each belongs to an organisation).", subcommands: [Add.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an advocate.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The advocate's name (stored encrypted).") var name: String
        @Option(help: "The organisation: its name or id (every advocate and manager belongs to one; an administrator to none).") var org: String?
        @Option(help: "advocate (works on assigned cases), manager (supervises the organisation's cases) or admin (accounts only).")
        var role: AccountRole = .advocate

        func run() throws {
            let id = try global.withVault { vault in try vault.addAdvocate(name: name, organisationID: try org.map(vault.organisationID), role: role) }
            if global.json { try global.emitJSON(CreatedID(id: id)) } else { Terminal.printOut(id) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List advocates.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let advocates = try global.withVault { try $0.advocates() }
            if global.json { try global.emitJSON(advocates) } else {
                Terminal.printOut(Table.render(["ID", "NAME", "ROLE", "ORGANISATION"],
                                               advocates.map { [$0.id, $0.name, $0.role.rawValue, $0.organisationName ?? "-"] }))
            }
        }
    }
}

struct Person: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "People: clients and third parties (all personal fields encrypted).",
                                                    subcommands: [Add.self, List.self, Show.self, Find.self, Update.self, Edit.self, History.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a person.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Full name.") var name: String
        @Option(help: "Date of birth, YYYY-MM-DD.") var dob: String?
        @Option(help: "NHS number (10 digits, check digit verified).") var nhsNumber: String?
        @Option(help: "Postal address.") var address: String?
        @Option(help: "Phone number.") var phone: String?
        @Option(help: "Email address.") var email: String?

        func run() throws {
            let id = try global.withVault { try $0.addPerson(.init(name: name, dob: dob, nhsNumber: nhsNumber, address: address, phone: phone, email: email)) }
            if global.json { try global.emitJSON(CreatedID(id: id)) } else { Terminal.printOut(id) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List people.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let people = try global.withVault { try $0.people() }
            if global.json { try global.emitJSON(people) } else {
                Terminal.printOut(Table.render(["ID", "NAME", "DOB"], people.map { [$0.id, $0.name, $0.dob ?? ""] }))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one person.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The person: their name or id.") var id: String

        func run() throws {
            let person = try global.withVault { vault in try vault.person(try vault.personID(id)) }
            if global.json { try global.emitJSON(person); return }
            Terminal.printFields([("id", person.id), ("name", person.name), ("date of birth", person.dob), ("NHS number", person.nhsNumber),
                                  ("address", person.address), ("phone", person.phone), ("email", person.email), ("added", person.createdAt)])
        }
    }

    struct Find: ParsableCommand {
        static let configuration = CommandConfiguration(
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

extension AccountRole: ExpressibleByArgument {}
