import Audit
import Consent
import Foundation

/// The consent engine asked before a document is added, read or exported. Deny stops the operation; warn lets it
/// go on only when the policy's acknowledgements were given for this session; both are audit events (R-AUD-1).
extension Vault {
    /// The date in England, which the complaint rules count in (a UTC date is wrong for an hour each summer night).
    public func today() -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now())
        return CivilDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CivilDate(dayNumber: 0)
    }

    /// Asks the engine once per case, action and recipient in this session. Returns the decision (allow, or warn with
    /// its acknowledgements given); throws `AccessError` otherwise, after recording the decision.
    @discardableResult
    public func requireConsent(_ action: ConsentAction, caseID: String, targetOrg: String? = nil,
                               documentID: String? = nil) throws -> Decision {
        let cacheKey = "\(caseID)|\(action.rawValue)|\(targetOrg ?? "")"
        if let granted = consentGrants[cacheKey] { return granted }
        let check = try store.read { tx -> ConsentCheck in
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            return try evaluate(action, caseRecord: caseRecord, targetOrg: targetOrg, in: tx)
        }
        let decision = check.decision
        switch decision.outcome {
        case .allow:
            break
        case .deny:
            try auditDecision(check, proceeded: false, acknowledged: [], documentID: documentID)
            throw AccessError.consentRefused(check)
        case .warn:
            let missing = decision.acknowledgementRequired.filter { !acknowledged.contains($0) }
            try auditDecision(check, proceeded: missing.isEmpty, acknowledged: acknowledged.filter(decision.ruleIDs.contains),
                              documentID: documentID)
            onConsentWarning?(check)
            guard missing.isEmpty else { throw AccessError.acknowledgementNeeded(check, missing: missing) }
        }
        consentGrants[cacheKey] = decision
        // Reading documents for an export is covered by the export's own decision, whatever its recipient.
        consentGrants["\(caseID)|\(action.rawValue)|*"] = decision
        return decision
    }

    /// A decision already given in this session for the case and action (any recipient), else a fresh one.
    func requireConsentForRead(_ action: ConsentAction, caseID: String, documentID: String) throws {
        if consentGrants["\(caseID)|\(action.rawValue)|*"] != nil { return }
        try requireConsent(action, caseID: caseID, documentID: documentID)
    }
}
