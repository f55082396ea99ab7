import ArgumentParser
import Consent
import Foundation
import VaultCore

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
    static func require(_ action: ConsentAction, caseID: CaseID, vault: Vault, options: ConsentOptions, targetOrg: OrganisationID? = nil,
                        documentID: DocumentID? = nil) throws -> Decision {
        try require(action, caseID: caseID, vault: vault, acknowledged: options.rules, targetOrg: targetOrg, documentID: documentID)
    }

    @discardableResult
    static func require(_ action: ConsentAction, caseID: CaseID, vault: Vault, acknowledged: [RuleID], targetOrg: OrganisationID? = nil,
                        documentID: DocumentID? = nil) throws -> Decision {
        vault.acknowledged = acknowledged
        return try vault.requireConsent(action, caseID: caseID, targetOrg: targetOrg, documentID: documentID)
    }

    /// Prints the warnings the rules gave that are worth showing on this command (once per case and action).
    static func show(_ check: Vault.ConsentCheck) {
        for line in shownWarnings(check.decision) { Terminal.printError("casevault: warning: \(line)") }
    }

    /// A warning about a record (a form without the NHS number, a verbal consent) does not change from one command
    /// to the next: it is shown when the record is made and by `consent show` and `consent check`, not on every
    /// command, where it would teach people to skip warnings. Warnings about the case as it stands today (time
    /// limits, a death) and those that must be acknowledged are shown every time. All are audited either way.
    static func shownWarnings(_ decision: Decision) -> [String] {
        decision.findings.filter { finding in
            finding.outcome == .warn && (finding.authorityID == nil || decision.acknowledgementRequired.contains(finding.rule))
        }.map { "\($0.rule.rawValue): \($0.text)" }.uniqued()
    }

    /// The warnings the consent rules give about one record, for `consent record` and `consent show`.
    static func warnings(about authorityID: RecordID, caseID: CaseID, actions: [String]?, vault: Vault) throws -> [String] {
        try vault.ruleWarnings(aboutAuthority: authorityID, caseID: caseID, actions: actions)
    }

    /// The words, hints and exit code (3) for a refusal by the vault's rules.
    static func refusal(_ error: AccessError) -> CLIError {
        switch error {
        case .consentRefused(let check):
            let caseID = check.caseLabel
            let scoped = scopedRefusal(check)
            let hints = (scoped.remedies.isEmpty ? [] : ["to proceed: " + scoped.remedies.joined(separator: "; ")])
                + transferHint(check)
                + ["'casevault consent check --case \(caseID) --action \(check.request.action.rawValue)' explains in full"]
            return CLIError(check.refusalSentence, reasons: scoped.reasons, hints: hints, exitCode: 3)
        case .acknowledgementNeeded(_, let missing):
            return CLIError(error.description,
                            hints: ["read the warning above, then run again with " + missing.map { "--acknowledge \($0.rawValue)" }.joined(separator: " ")],
                            exitCode: 3)
        case .refused(let operation, _, _, _):
            return CLIError(error.description, hints: [operationHint(operation)], exitCode: 3)
        case .awaitingConfirmation:
            return CLIError(error.description, hints: [awaitingHint], exitCode: 3)
        case .unknownAccount:
            return CLIError(error.description, hints: ["'casevault advocate list' shows the accounts; act as yours with --as or $CASEVAULT_ADVOCATE"],
                            exitCode: 3)
        case .notYourIdentity:
            return CLIError(error.description, hints: ["use your own identity file (--keys or $CASEVAULT_KEYS), and leave out --as"], exitCode: 3)
        case .accountRemoved:
            return CLIError(error.description, hints: ["if this is a mistake, an administrator can add a new account for you"], exitCode: 3)
        case .identityReplaced:
            return CLIError(error.description, hints: ["use the identity file you were given most recently; an administrator can tell you whether your account is still active"],
                            exitCode: 3)
        }
    }

    /// What an account awaiting confirmation does next, locally and over the server.
    static let awaitingHint = "'casevault identity renew' replaces the keys the administrator wrote and prints your new fingerprint; "
        + "whoever the message names runs 'casevault advocate confirm YOUR-NAME --fingerprint FINGERPRINT'"

    /// R-CON-8 refused a consent of another organisation: the command that records the transfer (or, when the case
    /// is already here, the agreement to it), and who may run it. Not for the organisation a case has left.
    static func transferHint(_ check: Vault.ConsentCheck) -> [String] {
        guard let organisation = check.actorOrganisation, check.request.caseID != nil,
              check.decision.findings.contains(where: { $0.rule == .con8 && $0.outcome == .deny && $0.authorityID != nil }),
              !check.decision.findings.contains(where: { $0.rule == .con8 && $0.outcome == .deny && $0.authorityID == nil }) else { return [] }
        return ["once the person agrees to the case being with \(organisation), an advocate assigned to the case or a manager of the "
                + "organisation that holds it runs: casevault case transfer \(check.caseLabel) --to \(organisation) --consented "
                + "(or --consent-form FILE); if the case is already with \(organisation), that records the agreement"]
    }

    static func operationHint(_ operation: VaultOperation) -> String {
        switch operation {
        case .accountConfirm: "the new person runs 'casevault identity renew' with their own identity file and reads the fingerprint it prints "
            + "to a manager of their organisation, who runs 'casevault advocate confirm NAME --fingerprint FINGERPRINT'"
        case .identityRenew: "a confirmed account that lost its identity file or passphrase gets a new one from a manager of its organisation "
            + "with the recovery shares ('casevault recovery restore')"
        case .organisationAdd, .accountAdd: "ask an administrator of the vault (the one 'casevault init' created) to do this"
        case .organisationChange: "ask an administrator, or a manager of that organisation, to do this"
        case .caseErase, .organisationAllowList: "ask a manager of the case's organisation to do this"
        case .auditRead: "ask a manager of the organisation or an administrator"
        case .vaultMaintenance: "ask an administrator or a manager"
        case .caseOpen, .personAdd: "act as an advocate of the organisation the case belongs to"
        default: "ask an advocate assigned to the case, or a manager of its organisation; if you should work on it, a manager can assign you"
        }
    }

    /// A refusal cites only the records of the case at hand and hints only at the remedies of the rules that still
    /// refuse there (the core scopes the decision: `ConsentCheck.caseDecision`).
    static func scopedRefusal(_ check: Vault.ConsentCheck) -> (rules: [RuleID], reasons: [String], remedies: [String]) {
        let decision = check.caseDecision
        return (decision.ruleIDs, decision.explanation, decision.ruleIDs.map(\.remedy).filter { !$0.isEmpty }.uniqued())
    }
}
