import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    struct Rekey: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rekey", abstract: "Rotate a case key: rewrap every document key of the case under a new version.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var id: String

        func run() throws {
            let version = try global.withVault { try $0.rekeyCase(try $0.caseID(id)) }
            if global.json { try global.emitJSON(["id": id, "case_key_version": String(version)]) } else {
                Terminal.printOut("Case \(id) now uses case key version \(version); older versions were destroyed")
            }
        }
    }
}
