import Consent
import VaultModel

/// What the consent rules' decision may tell an account about its own access to a case it is not a member of (issue
/// 21). The check order stays: membership first, then the rules (`requireRead`); this only decides the words.
///
/// - A member, or an account that a consent, a handover or a transfer of the case names (a partner the person chose,
///   or an organisation the case passed through), sees the decision scoped to the case's records, as the CLI shows it
///   on a refused read (`ConsentCheck.caseDecision`).
/// - Anyone else learns only which rules refused and why in terms of whom the case's consents cover (R-CON-1, R-CON-4,
///   R-CON-8: "works for X, which consent auth-… does not cover"), with the transfer that would help, and people by id
///   only. What the other rules found is about the person (a death, their capacity, a withdrawal, their age, dates) and
///   is withheld: such an account has no entitlement to the case, and the case id is all it brought.
extension Vault {
    /// The rules that say whom a case's consents cover: the only findings shown to an account no record of the case names.
    static let coverageRules: Set<RuleID> = [.con1, .con4, .con8]

    /// Whether a consent (not voided), a handover of one, or a transfer of the case names the account or its organisation.
    func isNamed(_ account: Account, onCase caseRecord: CaseRecord, in tx: any VaultRecordReading) throws -> Bool {
        let parties = Set([account.id] + [account.organisationID].compactMap { $0 })
        // Whom the case's consents cover is kept where every account reads it (Vault+CaseParties); the consents
        // themselves are under the person's key, which such an account does not hold.
        for covered in try caseParties(caseRecord.id, in: tx).coverage {
            if parties.contains(covered.party.id) || covered.handovers.contains(account.id) { return true }
        }
        guard let organisation = account.organisationID else { return false }
        // The transfers every account may read (Vault+CaseParties): the facts themselves are under the case key.
        return try caseTransfers(caseID: caseRecord.id, in: tx).contains { $0.fromOrg == organisation || $0.toOrg == organisation }
    }

    /// The decision as this account may see it (see above). `member`: a member of the case sees it all.
    func disclosedDecision(_ check: ConsentCheck, member: Bool, named: Bool) -> Decision {
        let scoped = check.scopedToCase
        if member || named { return scoped }
        var shown = scoped
        shown.findings = scoped.findings.filter { Self.coverageRules.contains($0.rule) }
        shown.authorities = []
        let deciding = shown.findings.filter { $0.outcome == scoped.outcome && !$0.isNote }
        var rules: [RuleID] = []
        var lines: [String] = []
        for finding in deciding {
            if !rules.contains(finding.rule) { rules.append(finding.rule) }
            let line = "\(finding.rule.rawValue): \(finding.text)"
            if !lines.contains(line) { lines.append(line) }
        }
        rules.sort()
        if lines.isEmpty && scoped.outcome != .allow {
            lines = ["What the consent rules found is about case \(check.request.caseID ?? "-")'s records, which only an account that a "
                     + "consent or transfer of the case names may see."]
        }
        shown.ruleIDs = rules
        shown.explanation = lines
        var remedies: [String] = []
        for remedy in rules.map(\.remedy) where !remedy.isEmpty && !remedies.contains(remedy) { remedies.append(remedy) }
        shown.hint = scoped.outcome == .deny ? remedies.joined(separator: "; ") : nil
        shown.acknowledgementRequired = scoped.acknowledgementRequired.filter(rules.contains)
        return shown
    }

    /// A consent refusal's decision as the acting account may see it (`requireConsent`: reads, ingests, exports ask
    /// the rules before membership, so a non-member is refused here too).
    func disclosedDecision(_ check: ConsentCheck, caseID: String) throws -> Decision {
        try store.read { tx in
            guard let caseRecord = try tx.caseRecord(caseID) else { return check.scopedToCase }
            let account = try account(in: tx)
            if try isMember(account, of: caseRecord, in: tx) { return check.scopedToCase }
            return disclosedDecision(check, member: false, named: try isNamed(account, onCase: caseRecord, in: tx))
        }
    }

    /// The refusal's consent part for a non-member whom the rules refused (`requireRead`).
    func consentRefusal(_ check: ConsentCheck, caseRecord: CaseRecord, as account: Account, in tx: any VaultRecordReading) throws -> ConsentRefusal {
        let named = try isNamed(account, onCase: caseRecord, in: tx)
        return ConsentRefusal(action: check.request.action, decision: disclosedDecision(check, member: false, named: named), named: named,
                              transferTo: transferGuidance(check, as: account))
    }

    /// R-CON-8 refused a consent of the case that covers another organisation, and the case was not transferred away
    /// from this one: the person's agreement to the case being with the account's organisation would help (the CLI's
    /// `transferHint`, decided here).
    func transferGuidance(_ check: ConsentCheck, as account: Account) -> ConsentRefusal.OrganisationName? {
        guard let organisation = account.organisationID else { return nil }
        let findings = check.decision.findings
        guard findings.contains(where: { $0.rule == .con8 && $0.outcome == .deny && $0.authorityID.map(check.caseAuthorities.contains) == true }),
              !findings.contains(where: { $0.rule == .con8 && $0.outcome == .deny && $0.authorityID == nil }) else { return nil }
        return ConsentRefusal.OrganisationName(id: organisation, name: check.names[organisation])
    }

    /// `consent check`: the rules' decision about the acting account's own access to a case today (deny and warn are
    /// audited, as the CLI's command does), cut to what the account may see. An advocate or manager asks (consent.explain).
    public func explainConsent(caseID: CaseID, action: ConsentAction, targetOrg: OrganisationID? = nil) throws -> ExplainedConsent {
        let caseID = caseID.rawValue
        let targetOrg = targetOrg?.rawValue
        let (check, member, named) = try guarded { try store.read { tx -> (ConsentCheck, Bool, Bool) in
            let account = try require(.consentExplain, roles: [.advocate, .manager], subject: caseID, in: tx)
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            let check = try evaluate(action, caseRecord: caseRecord, targetOrg: targetOrg, naming: .always, in: tx)
            let member = try isMember(account, of: caseRecord, in: tx)
            return (check, member, member ? false : try isNamed(account, onCase: caseRecord, in: tx))
        } }
        if check.decision.outcome != .allow { try auditDecision(check, proceeded: false, acknowledged: []) }
        // A consent that would reach this account under a key it does not hold was not weighed: the answer is incomplete.
        return ExplainedConsent(caseID: caseID, action: action, targetOrg: targetOrg, decision: disclosedDecision(check, member: member, named: named),
                                complete: (member || named) && !check.undecidable)
    }

    public struct ExplainedConsent: Sendable {
        public let caseID: String
        public let action: ConsentAction
        public let targetOrg: String?
        public let decision: Decision
        /// False when findings about the person were withheld (the account is neither a member nor named by the case).
        public let complete: Bool
    }
}
