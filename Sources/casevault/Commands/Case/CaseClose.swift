import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a case (documents stay; no new ones).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var id: String

        func run() throws {
            try global.withVault { try $0.closeCase(try $0.caseID(id)) }
            if global.json { try global.emitJSON(CreatedID(id: id)) } else { Terminal.printOut("Closed \(id)") }
        }
    }
}
