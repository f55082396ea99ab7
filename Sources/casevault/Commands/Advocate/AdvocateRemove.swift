import ArgumentParser
import Foundation
import VaultStore

extension CaseVault.Advocate {
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove someone who leaves: they act no more, and every case key they held is rotated.",
            discussion: """
            A manager of their organisation removes an advocate or manager (an administrator removes another \\
            administrator). They are unassigned from their cases (an open case must keep another advocate: assign one \\
            first), their keys are deleted and every case key they held is rotated at once, so nothing added afterwards \\
            opens for them. What they already read cannot be recalled. Their name stays in the history and audit log.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The advocate: name or id.") var advocate: String
        @Flag(name: .long, help: "Do it without asking (for scripts).") var yes = false

        func run() throws {
            try global.withVault { vault in
                let id = try vault.accountID(advocate)
                try Confirmation.require(["\(id) will no longer be able to act or decrypt anything, and the case keys they held are rotated"],
                                         yes: yes, question: "Remove them?")
                let removed = try vault.removeAccount(id)
                if global.json {
                    try global.emitJSON(["id": removed.accountID, "unassigned_from": removed.unassignedFrom.joined(separator: ","),
                                         "cases_rekeyed": removed.casesRekeyed.joined(separator: ",")])
                } else {
                    Terminal.printOut("Removed \(removed.accountID): unassigned from \(removed.unassignedFrom.count) case(s); "
                                      + "\(removed.casesRekeyed.count) case key(s) rotated")
                }
            }
        }
    }
}
