import ArgumentParser
import Foundation
import VaultStore

extension CaseVault.Org {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an organisation.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The organisation's name.") var name: String

        func run() throws {
            let record = try global.withVault { try $0.addOrganisation(name: name) }
            if global.json { try global.emitJSON(CreatedID(id: record.id)) } else { Terminal.printOut(record.id) }
        }
    }
}
