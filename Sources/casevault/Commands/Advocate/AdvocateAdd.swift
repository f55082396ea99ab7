import ArgumentParser
import Foundation
import VaultStore

extension CaseVault.Advocate {
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
}
