import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    struct Unassign: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unassign", abstract: "Take an advocate off a case (an open case keeps at least one).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var id: String
        @Argument(help: "The advocate: name or id.") var advocate: String

        func run() throws {
            try CaseVault.Case.changeAssignment(global, caseID: id, advocate: advocate, key: "unassigned", done: "Took %@ off %@") {
                try $0.unassignAdvocate(caseID: try $0.caseID(id), advocateID: $1)
            }
        }
    }
}
