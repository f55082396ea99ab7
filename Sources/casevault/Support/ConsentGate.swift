import ArgumentParser
import Consent
import Foundation
import VaultStore

/// `--acknowledge RULE-ID`, on every command the consent rules guard.
struct ConsentOptions: ParsableArguments {
    @Option(name: .customLong("acknowledge"),
            help: ArgumentHelp("Acknowledge a consent warning the policy says needs it (repeatable), e.g. R-CON-7.", valueName: "RULE-ID"))
    var acknowledged: [String] = []

    func validate() throws {
        for rule in acknowledged where RuleID(rawValue: rule) == nil {
            throw ValidationError("--acknowledge \(rule) is not a rule id (e.g. R-CON-7; see CONSENT-RULES.md)")
        }
    }

    var rules: [RuleID] { acknowledged.compactMap(RuleID.init(rawValue:)) }
}

enum Today {
    /// The date in England, which the complaint rules count in (a UTC date is wrong for an hour each summer night).
    static func inEngland(_ now: Date = Date()) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0)!
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return CivilDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}

/// Runs the consent engine before a command acts on a case: deny stops it (exit 3) with the explanation and
/// what would make it allowed; warn prints on stderr and, for the rules the policy marks, needs
/// `--acknowledge`. Refusals and warnings are audit events (R-AUD-1).
enum ConsentGate {
    @discardableResult
    static func require(_ action: ConsentAction, caseID: String, vault: Vault, options: ConsentOptions, targetOrg: String? = nil,
                        documentID: String? = nil) throws -> Decision {
        try require(action, caseID: caseID, vault: vault, acknowledged: options.rules, targetOrg: targetOrg, documentID: documentID)
    }

    @discardableResult
    static func require(_ action: ConsentAction, caseID: String, vault: Vault, acknowledged: [RuleID], targetOrg: String? = nil,
                        documentID: String? = nil) throws -> Decision {
        let check = try vault.checkConsent(caseID: caseID, action: action, on: Today.inEngland(), targetOrg: targetOrg)
        let decision = check.decision
        switch decision.outcome {
        case .allow:
            return decision
        case .deny:
            try vault.auditDecision(check, proceeded: false, acknowledged: [], documentID: documentID)
            throw refusal(check)
        case .warn:
            let missing = decision.acknowledgementRequired.filter { !acknowledged.contains($0) }
            for line in decision.explanation { Terminal.printError("casevault: warning: \(line)") }
            try vault.auditDecision(check, proceeded: missing.isEmpty, acknowledged: acknowledged.filter(decision.ruleIDs.contains),
                                    documentID: documentID)
            guard missing.isEmpty else {
                throw CLIError("\(action.rawValue) on case \(caseID) needs you to acknowledge \(missing.map(\.rawValue).joined(separator: ", ")) first; nothing was done",
                               hints: ["read the warning above, then run again with " + missing.map { "--acknowledge \($0.rawValue)" }.joined(separator: " ")],
                               exitCode: 3)
            }
            return decision
        }
    }

    static func refusal(_ check: Vault.ConsentCheck) -> CLIError {
        let decision = check.decision
        let rules = decision.ruleIDs.map(\.rawValue).joined(separator: ", ")
        let hints = (decision.hint.map { $0.isEmpty ? [] : ["to proceed: \($0)"] } ?? [])
            + ["'casevault consent check --case \(check.request.caseID ?? "C") --action \(check.request.action.rawValue)' explains in full"]
        return CLIError("refused by the consent rules (\(rules)): \(check.request.actor) may not \(check.request.action.rawValue) for \(check.request.onBehalfOf) on case \(check.request.caseID ?? "-"); nothing was done",
                        reasons: decision.explanation, hints: hints, exitCode: 3)
    }
}
