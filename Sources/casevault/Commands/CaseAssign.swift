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
            let (advocateID, names) = try global.withVault { vault in
                let advocateID = try vault.accountID(advocate)
                try vault.assignAdvocate(caseID: id, advocateID: advocateID)
                return (advocateID, try vault.names())
            }
            if global.json { try global.emitJSON(["case": id, "assigned": advocateID]) } else {
                Terminal.printOut("Assigned \(names.label(advocateID)) to \(id)")
            }
        }
    }

    struct Unassign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take an advocate off a case (an open case keeps at least one).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String
        @Argument(help: "The advocate: name or id.") var advocate: String

        func run() throws {
            let (advocateID, names) = try global.withVault { vault in
                let advocateID = try vault.accountID(advocate)
                try vault.unassignAdvocate(caseID: id, advocateID: advocateID)
                return (advocateID, try vault.names())
            }
            if global.json { try global.emitJSON(["case": id, "unassigned": advocateID]) } else {
                Terminal.printOut("Took \(names.label(advocateID)) off \(id)")
            }
        }
    }
}
