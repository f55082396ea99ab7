import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Person {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Correct a person's details (name, date of birth, NHS number, address, phone, email).",
            discussion: "The previous values are kept, sealed, and shown by 'casevault person history P'. An empty value clears a detail.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The person: their name or id.") var person: String
        @Option(help: "Full name.") var name: String?
        @Option(help: "Date of birth, YYYY-MM-DD.") var dob: String?
        @Option(help: "NHS number (10 digits, check digit verified).") var nhsNumber: String?
        @Option(help: "Postal address.") var address: String?
        @Option(help: "Phone number.") var phone: String?
        @Option(help: "Email address.") var email: String?

        var changes: [Vault.PersonField: String] {
            var changes: [Vault.PersonField: String] = [:]
            changes[.name] = name
            changes[.dob] = dob
            changes[.nhsNumber] = nhsNumber
            changes[.address] = address
            changes[.phone] = phone
            changes[.email] = email
            return changes
        }

        func validate() throws {
            if changes.isEmpty { throw ValidationError("give at least one of --name, --dob, --nhs-number, --address, --phone, --email") }
        }

        func run() throws {
            let view = try global.withVault { vault in try vault.editPerson(try vault.personID(person), changes: changes) }
            if global.json { try global.emitJSON(view) } else { Terminal.printOut("Updated \(view.name) (\(view.id))") }
        }
    }
}
