import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assign", abstract: "Assign an advocate of the case's organisation to the case.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var id: String
        @Argument(help: "The advocate: name or id.") var advocate: String

        func run() throws {
            try CaseVault.Case.changeAssignment(global, caseID: id, advocate: advocate, key: "assigned", done: "Assigned %@ to %@") {
                try $0.assignAdvocate(caseID: try $0.caseID(id), advocateID: $1)
            }
        }
    }
}
