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

/// Asks the vault's consent gate before a command acts on a case and shows its warnings. The decision itself is
/// made in the core (`Vault.requireConsent`), which also guards every read and ingest, so a command that forgets
/// to call this is still checked; calling it first only lets the command pass a recipient and show the warning once.
enum ConsentGate {
    @discardableResult
    static func require(_ action: ConsentAction, caseID: String, vault: Vault, options: ConsentOptions, targetOrg: String? = nil,
                        documentID: String? = nil) throws -> Decision {
        try require(action, caseID: caseID, vault: vault, acknowledged: options.rules, targetOrg: targetOrg, documentID: documentID)
    }

    @discardableResult
    static func require(_ action: ConsentAction, caseID: String, vault: Vault, acknowledged: [RuleID], targetOrg: String? = nil,
                        documentID: String? = nil) throws -> Decision {
        vault.acknowledged = acknowledged
        return try vault.requireConsent(action, caseID: caseID, targetOrg: targetOrg, documentID: documentID)
    }

    /// Prints a warning the rules gave (once per case and action).
    static func show(_ check: Vault.ConsentCheck) {
        for line in check.decision.explanation { Terminal.printError("casevault: warning: \(line)") }
    }

    /// The words, hints and exit code (3) for a refusal by the vault's rules.
    static func refusal(_ error: AccessError) -> CLIError {
        switch error {
        case .consentRefused(let check):
            let decision = check.decision
            let hints = (decision.hint.map { $0.isEmpty ? [] : ["to proceed: \($0)"] } ?? [])
                + ["'casevault consent check --case \(check.request.caseID ?? "C") --action \(check.request.action.rawValue)' explains in full"]
            return CLIError(error.description, reasons: decision.explanation, hints: hints, exitCode: 3)
        case .acknowledgementNeeded(_, let missing):
            return CLIError(error.description,
                            hints: ["read the warning above, then run again with " + missing.map { "--acknowledge \($0.rawValue)" }.joined(separator: " ")],
                            exitCode: 3)
        case .refused(let operation, _, _, _):
            return CLIError(error.description, hints: [operationHint(operation)], exitCode: 3)
        case .unknownAccount:
            return CLIError(error.description, hints: ["'casevault advocate list' shows the accounts; act as yours with --as or $CASEVAULT_ADVOCATE"],
                            exitCode: 3)
        }
    }

    static func operationHint(_ operation: VaultOperation) -> String {
        switch operation {
        case .organisationAdd, .accountAdd: "ask an administrator of the vault (the one 'casevault init' created) to do this"
        case .caseErase, .organisationAllowList: "ask a manager of the case's organisation to do this"
        case .auditRead: "ask a manager of the organisation or an administrator"
        case .vaultMaintenance: "ask an administrator or a manager"
        case .caseOpen, .personAdd: "act as an advocate of the organisation the case belongs to"
        default: "ask an advocate assigned to the case, or a manager of its organisation; if you should work on it, a manager can assign you"
        }
    }
}
