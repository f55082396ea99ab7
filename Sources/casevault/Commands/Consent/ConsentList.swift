import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.ConsentCommand {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the consents and authorities recorded on a case.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String

        func run() throws {
            if let target = try global.serverTarget() { try runOnServer(target); return }
            let (authorities, names) = try global.withVault { vault in (try vault.authorities(caseID: try vault.caseID(caseID)), try vault.names()) }
            if global.json { try global.emitJSON(authorities); return }
            let today = Today.inEngland()
            Terminal.printOut(Table.render(["ID", "KIND", "PERSON", "GRANTEE", "ACTIONS", "VALID", "STATUS"], authorities.map { stored in
                let authority = stored.authority
                return [authority.id, authority.kind.rawValue, names.label(stored.personID), authority.party.map { names.label($0.id) } ?? "",
                        authority.scope?.actions?.joined(separator: ",") ?? "(all)",
                        "\(authority.validFrom?.description ?? "open")..\(authority.validUntil?.description ?? "open")",
                        ConsentHistory.status(stored, on: today)]
            }))
        }
    }
}
