import Consent
import VaultModel
import VaultCore

extension APIError {
    /// The access table's refusal as a decision: its row, and, when the core also asked the consent rules (someone who
    /// is not a member of the case, whom only the rules could have let in), their rule ids, explanation and remedies as
    /// the core cut them for this account (Vault+DisclosedDecision). The server adds only words.
    static func roleDecision(_ operation: VaultOperation, subject: String?, reason: RefusalReason) -> RefusalDecision {
        var wouldAllow = ["\(operation.who) may \(operation.summary)"]
        guard let consent = reason.consent else {
            return RefusalDecision(kind: "role", outcome: "deny", ruleIDs: [], operation: operation.rawValue, explanation: [reason.text],
                                   wouldAllow: wouldAllow)
        }
        let decision = consent.decision
        wouldAllow += decision.ruleIDs.map(\.remedy).filter { !$0.isEmpty }.uniqued()
        if let organisation = consent.transferTo {
            let named = organisation.name.map { "\($0) (\(organisation.id))" } ?? organisation.id
            wouldAllow.append("once the person agrees to the case being with \(named), an advocate assigned to case \(subject ?? "-") or a manager "
                              + "of the organisation that holds it records the transfer to \(named), with that agreement (if the case is already "
                              + "with \(named), that records the agreement)")
        }
        return RefusalDecision(kind: "role", outcome: "deny", ruleIDs: decision.ruleIDs.map(\.rawValue), operation: operation.rawValue,
                               action: consent.action.rawValue, explanation: [reason.text] + decision.explanation, wouldAllow: wouldAllow)
    }
}
