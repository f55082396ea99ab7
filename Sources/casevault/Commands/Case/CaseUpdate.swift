import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    /// `case update C --their-reference R`: the NHS body's own complaint reference, kept sealed.
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Record the NHS body's own reference for the complaint (shown by 'case show').")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var id: String
        @Option(help: "The reference the NHS body gave the complaint (kept encrypted).") var theirReference: String

        func run() throws {
            let caseID = try global.withVault { vault in
                let caseID = try vault.caseID(id)
                try vault.setTheirReference(caseID: caseID, reference: theirReference)
                return caseID
            }
            if global.json { try global.emitJSON(["id": caseID]) } else { Terminal.printOut("Case \(id): the NHS body's reference is recorded") }
        }
    }
}
