import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Person {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a person.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Full name.") var name: String
        @Option(help: "Date of birth, YYYY-MM-DD.") var dob: String?
        @Option(help: "NHS number (10 digits, check digit verified).") var nhsNumber: String?
        @Option(help: "Postal address.") var address: String?
        @Option(help: "Phone number.") var phone: String?
        @Option(help: "Email address.") var email: String?

        func run() throws {
            let id = try global.withVault { try $0.addPerson(.init(name: name, dob: dob, nhsNumber: nhsNumber, address: address, phone: phone, email: email)) }
            if global.json { try global.emitJSON(CreatedID(id: id.rawValue)) } else { Terminal.printOut(id.rawValue) }
        }
    }
}
