import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.RedactCommand.Allow {
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove allowed terms from a case (--case) or an organisation (--org).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String?
        @Option(name: .customLong("org"), help: "The organisation: its name or id.") var organisationID: String?
        @Option(help: "Why (kept, sealed, with an organisation's list).") var reason: String?
        @Argument(help: "Terms (quote multi-word terms).") var terms: [String]

        func validate() throws {
            if (caseID == nil) == (organisationID == nil) { throw ValidationError("give either --case C or --org ORG") }
        }

        func run() throws {
            let list = try global.withVault { vault in
                try vault.removeRedactionTerms(caseID: try caseID.map { try vault.caseID($0) }, organisationID: try organisationID.map(vault.organisationID), terms: [],
                                               allow: terms, reason: reason)
            }
            if global.json { try global.emitJSON(list) } else { Terminal.printOut("\(list.allow.count) allowed term(s) left") }
        }
    }
}
