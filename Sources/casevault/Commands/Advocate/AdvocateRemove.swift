import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault.Advocate {
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove someone who leaves: they act no more, and every case key they held is rotated.",
            discussion: """
            A manager of their organisation removes an advocate or manager (an administrator removes another \\
            administrator). They are unassigned from their cases (an open case must keep another advocate: assign one \\
            first), their keys are deleted and every case key they held is rotated at once, so nothing added afterwards \\
            opens for them. What they already read cannot be recalled. Their name stays in the history and audit log. \\
            Their organisation's directory key is rotated too: a manager who has not been given it yet is told who holds \\
            it, or gives --recovery-shares and the trustees' share codes on standard input (as for recovery restore).
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The advocate: name or id.") var advocate: String
        @Flag(name: .long, help: "Do it without asking (for scripts).") var yes = false
        @Flag(name: .customLong("recovery-shares"),
              help: "Read the organisation's recovery share codes from standard input, for a manager not yet given its directory key.")
        var recoveryShares = false

        func run() throws {
            try global.withVault { vault in
                let id = try vault.accountID(advocate)
                try Confirmation.require(["\(id) will no longer be able to act or decrypt anything, and the case keys they held are rotated"],
                                         yes: yes, question: "Remove them?")
                var recoveryKey: X25519.PrivateKey?
                if recoveryShares {
                    let codes = CaseVault.Recovery.Restore.readCodes()
                    guard codes.count >= 2 else {
                        throw CLIError("give at least 2 share codes, one per line, on standard input",
                                       hints: ["each trustee reads out their code; the organisation's threshold says how many are needed"])
                    }
                    guard let organisation = try vault.advocates().first(where: { $0.id == id.rawValue })?.organisation else {
                        throw CLIError("\(id) belongs to no organisation, so no recovery shares apply", hints: ["remove them without --recovery-shares"])
                    }
                    recoveryKey = try RecoveryShares.combine(codes, vaultID: vault.vaultID, organisationID: organisation)
                }
                let removed = try vault.removeAccount(id, recoveryKey: recoveryKey)
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
