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
            throw refusal(check, vault: vault)
        case .warn:
            let missing = decision.acknowledgementRequired.filter { !acknowledged.contains($0) }
            for line in shownWarnings(decision) { Terminal.printError("casevault: warning: \(line)") }
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

    /// A warning about a record (a form without the NHS number, a verbal consent) does not change from one command
    /// to the next: it is shown when the record is made and by `consent show` and `consent check`, not on every
    /// command, where it would teach people to skip warnings. Warnings about the case as it stands today (time
    /// limits, a death) and those that must be acknowledged are shown every time. All are audited either way.
    static func shownWarnings(_ decision: Decision) -> [String] {
        decision.findings.filter { finding in
            finding.outcome == .warn && (finding.authorityID == nil || decision.acknowledgementRequired.contains(finding.rule))
        }.map { "\($0.rule.rawValue): \($0.text)" }.uniquedPreservingOrder()
    }

    /// The warnings the consent rules give about one record, for `consent record` and `consent show`.
    static func warnings(about authorityID: String, caseID: String, actions: [String]?, vault: Vault) throws -> [String] {
        let action = actions?.compactMap(ConsentAction.init(rawValue:)).first ?? .viewDocuments
        let check = try vault.checkConsent(caseID: caseID, action: action, on: Today.inEngland())
        return check.decision.findings.filter { $0.outcome == .warn && $0.authorityID == authorityID }
            .map { "\($0.rule.rawValue): \($0.text)" }.uniquedPreservingOrder()
    }

    /// A refusal cites only the records of the case at hand (another case's consent is neither evidence here nor
    /// anyone's business), and hints only at the remedies of the rules that still refuse.
    static func refusal(_ check: Vault.ConsentCheck, vault: Vault) -> CLIError {
        let caseID = check.request.caseID ?? "-"
        let scoped = scopedRefusal(check, vault: vault)
        let hints = (scoped.remedies.isEmpty ? [] : ["to proceed: " + scoped.remedies.joined(separator: "; ")])
            + ["'casevault consent check --case \(caseID) --action \(check.request.action.rawValue)' explains in full"]
        return CLIError("refused by the consent rules (\(scoped.rules.map(\.rawValue).joined(separator: ", "))): \(check.request.actor) may not \(check.request.action.rawValue) for \(check.request.onBehalfOf) on case \(caseID); nothing was done",
                        reasons: scoped.reasons, hints: hints, exitCode: 3)
    }

    /// The refusing rules, their sentences and remedies, about this case's records only (`refusal`, `consent check`).
    static func scopedRefusal(_ check: Vault.ConsentCheck, vault: Vault) -> (rules: [RuleID], reasons: [String], remedies: [String]) {
        let caseID = check.request.caseID ?? "-"
        let ours = Set(((try? vault.authorities(caseID: check.request.caseID)) ?? []).map(\.authority.id))
        var findings = check.decision.findings.filter { $0.outcome == .deny && ($0.authorityID.map(ours.contains) ?? true) }
        if findings.isEmpty {
            // Only other cases' records were refused: for this case there is none.
            findings = [Finding(.con4, .deny, "No consent or authority recorded for case \(caseID) lets \(check.request.actor) \(check.request.action.rawValue) for \(check.request.onBehalfOf).")]
        }
        let rules = Array(Set(findings.map(\.rule))).sorted()
        return (rules, findings.map { "\($0.rule.rawValue): \($0.text)" }.uniquedPreservingOrder(),
                rules.map(\.remedy).filter { !$0.isEmpty }.uniquedPreservingOrder())
    }
}
