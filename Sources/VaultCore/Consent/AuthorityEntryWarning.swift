import Consent
import VaultModel

/// A record of authority that is almost certainly wrong, found before it is stored (issue 20, point 5). The core
/// says what is wrong; each front end words it with its own way of putting it right (the CLI names its options) and
/// asks for confirmation before recording it anyway.
public enum AuthorityEntryWarning: Sendable, Equatable, CustomStringConvertible {
    /// A consent whose 12 months (or given end) had already passed: it would authorise nothing.
    case consentExpired(end: CivilDate, start: CivilDate)
    /// An LPA not registered with the Office of the Public Guardian cannot be used yet.
    case lpaNotRegistered
    /// The person has died, so they cannot give consent.
    case personHasDied

    /// The words for any front end: what is wrong and what to record instead, naming no option.
    public var description: String {
        switch self {
        case .consentExpired(let end, let start):
            "this consent ran out on \(end) (consents last 12 months from \(start)), so it would authorise nothing. "
                + "Ask the client to sign a new consent form and record that one; if they agreed to a longer period, give its end date."
        case .lpaNotRegistered:
            "a lasting power of attorney can be used only once it is registered with the Office of the Public Guardian. "
                + "Check the registration stamp on the LPA and record it as registered (with opg_registration evidence); "
                + "if it is not registered yet, the attorney cannot act on it."
        case .personHasDied:
            "this person is recorded as having died, so they cannot give consent. After a death the client is the personal "
                + "representative (executor or administrator) or the next of kin: record that person, then a personal_representative "
                + "or next_of_kin authority for them."
        }
    }
}

extension Vault.AuthorityInput {
    /// `died`: whether the person the authority is about is recorded as having died.
    public func entryWarnings(died: Bool) -> [AuthorityEntryWarning] {
        var warnings: [AuthorityEntryWarning] = []
        if kind.isConsent, let start = signedOn ?? recordedOn ?? validFrom {
            // The same default end the vault gives a consent: 12 months from the day it starts.
            let end = validUntil ?? start.adding(months: 12).adding(days: -1)
            if end < today { warnings.append(.consentExpired(end: end, start: start)) }
        }
        if kind == .lpaHealthWelfare || kind == .lpaPropertyFinance, registered != true { warnings.append(.lpaNotRegistered) }
        if kind.isConsent, died, grantedBy == nil || grantedBy == personID.rawValue { warnings.append(.personHasDied) }
        return warnings
    }
}

extension CaseSetUpOptions {
    /// What is almost certainly wrong with the consent this set-up would record (a form whose 12 months have run),
    /// asked before recording by every front end (`case open --situation`, the web's situation page): the same rule
    /// as `AuthorityInput.entryWarnings`, on the consent `recordSituation` would make. The consent giver is alive (a
    /// patient's own, or the representative's after a death), as that function's `died` says.
    public var entryWarnings: [AuthorityEntryWarning] {
        var consent = Vault.AuthorityInput(caseID: "", personID: "", kind: .writtenConsent, granteeID: "", actions: actions, today: today)
        consent.signedOn = signedOn
        consent.validUntil = validUntil
        return consent.entryWarnings(died: false)
    }
}

extension Vault {
    /// What the consent rules say about one stored record (a form without the NHS number, a verbal consent): shown
    /// when the record is made and by `consent show`, asked for the first of its actions (or view_documents).
    public func ruleWarnings(aboutAuthority authorityID: RecordID, caseID: CaseID, actions: [String]?) throws -> [String] {
        let authorityID = authorityID.rawValue
        let caseID = caseID.rawValue
        // The warnings quote the case's records by name: only for someone who may read the case.
        try guarded { try store.read { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            _ = try requireRead(record, in: tx)
        } }
        let action = actions?.compactMap(ConsentAction.init(rawValue:)).first ?? .viewDocuments
        let check = try checkConsent(caseID: caseID, action: action, on: today())
        return check.decision.findings.filter { $0.outcome == .warn && $0.authorityID == authorityID }
            .map { "\($0.rule.rawValue): \($0.text)" }.uniqued()
    }
}
