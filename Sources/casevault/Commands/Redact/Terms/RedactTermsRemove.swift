import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.RedactCommand.Terms {
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove custom terms from a case (spelled as they were added).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String
        @Argument(help: "Terms (quote multi-word terms).") var terms: [String]

        func run() throws {
            let list = try global.withVault { try $0.removeRedactionTerms(caseID: try $0.caseID(caseID), organisationID: nil, terms: terms, allow: []) }
            if global.json { try global.emitJSON(list) } else { Terminal.printOut("\(list.terms.count) custom term(s) left on \(caseID)") }
        }
    }
}
