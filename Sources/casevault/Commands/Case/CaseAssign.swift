import ArgumentParser
import Foundation
import VaultStore

extension Case {
    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign an advocate of the case's organisation to the case.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String
        @Argument(help: "The advocate: name or id.") var advocate: String

        func run() throws {
            try Case.changeAssignment(global, caseID: id, advocate: advocate, key: "assigned", done: "Assigned %@ to %@") {
                try $0.assignAdvocate(caseID: try $0.caseID(id), advocateID: $1)
            }
        }
    }

    struct Unassign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an advocate off a case (an open case keeps at least one).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String
        @Argument(help: "The advocate: name or id.") var advocate: String

        func run() throws {
            try Case.changeAssignment(global, caseID: id, advocate: advocate, key: "unassigned", done: "Took %@ off %@") {
                try $0.unassignAdvocate(caseID: try $0.caseID(id), advocateID: $1)
            }
        }
    }

    /// Resolves the advocate's name, makes the change, and says what was done (by name) or prints JSON.
    static func changeAssignment(_ global: GlobalOptions, caseID: String, advocate: String, key: String, done: String,
                                 change: (Vault, String) throws -> Void) throws {
        let (advocateID, names) = try global.withVault { vault in
            let advocateID = try vault.accountID(advocate)
            try change(vault, advocateID)
            return (advocateID, try vault.names())
        }
        if global.json { try global.emitJSON(["case": caseID, key: advocateID]) } else {
            Terminal.printOut(String(format: done, names.label(advocateID), caseID))
        }
    }
}
