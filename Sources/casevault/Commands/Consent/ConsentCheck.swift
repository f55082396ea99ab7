import ArgumentParser
import Consent
import Foundation
import VaultStore

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
            // This case's records only, in the text and in the JSON alike (the audit keeps the engine's full decision).
            let decision = try global.withVault { vault in
                let check = try vault.checkConsent(caseID: try vault.caseID(caseID), action: action, on: Today.inEngland(), targetOrg: target)
                if check.decision.outcome != .allow { try vault.auditDecision(check, proceeded: false, acknowledged: []) }
                return check.caseDecision
            }
            if global.json {
                Terminal.printVerbatim(decision.json(pretty: true))
            } else {
                Terminal.printOut("\(decision.outcome.rawValue.uppercased()) (\(decision.ruleIDs.map(\.rawValue).joined(separator: ", ")))")
                for line in decision.explanation { Terminal.printOut("  " + line) }
                if let hint = decision.hint, !hint.isEmpty { Terminal.printOut("  To proceed: \(hint)") }
                if !decision.acknowledgementRequired.isEmpty {
                    Terminal.printOut("  Commands will need: " + decision.acknowledgementRequired.map { "--acknowledge \($0.rawValue)" }.joined(separator: " "))
                }
            }
            if decision.outcome == .deny { throw ExitCode(3) }
        }
    }
}
