import ArgumentParser
import Consent
import Foundation
import VaultCore

extension CaseVault.ConsentCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Ask whether the acting advocate (--as) may take an action on a case today, and why.",
            discussion: "Exit 0 for allow or warn, 3 for deny. Refusals and warnings are recorded in the audit log.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String
        @Option(help: "The action, e.g. attend_meeting.") var action: ConsentAction
        @Option(name: .customLong("for"), help: "The NHS body, the PHSO (phso) or the named third party the action is towards.") var target: String?

        func run() throws {
            // The core cuts the decision to what the acting account may see (this case's records for a member; only whom
            // the consents cover for anyone else) and audits refusals and warnings; the audit keeps the full decision.
            let explained = try global.withVault { vault in
                try vault.explainConsent(caseID: try vault.caseID(caseID), action: action, targetOrg: target.map { OrganisationID($0) })
            }
            let decision = explained.decision
            if global.json {
                Terminal.printVerbatim(decision.json(pretty: true))
            } else {
                Terminal.printOut("\(decision.outcome.rawValue.uppercased()) (\(decision.ruleIDs.map(\.rawValue).joined(separator: ", ")))")
                for line in decision.explanation { Terminal.printOut("  " + line) }
                if let hint = decision.hint, !hint.isEmpty { Terminal.printOut("  To proceed: \(hint)") }
                if !explained.complete {
                    Terminal.printOut("  (Only whom the case's consents cover is shown: you are not assigned to this case and no consent names you.)")
                }
                if !decision.acknowledgementRequired.isEmpty {
                    Terminal.printOut("  Commands will need: " + decision.acknowledgementRequired.map { "--acknowledge \($0.rawValue)" }.joined(separator: " "))
                }
            }
            if decision.outcome == .deny { throw ExitCode(3) }
        }
    }
}
