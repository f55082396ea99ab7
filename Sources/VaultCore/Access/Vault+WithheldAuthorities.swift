import Consent
import VaultModel
import VaultStorage

/// The authorities the consent rules weigh for an account that cannot open some of them (issue 17): a person's
/// authorities are under the key of the person they are about (Vault+PersonRecordSealing), which an account of
/// another organisation does not hold. Of such a consent it is given only whom the consent covers (the case's
/// `Coverage`, Vault+CaseParties), and only when that is another organisation or another organisation's advocate:
/// the rules then tell it that the consent does not cover its organisation and that a transfer the person agrees to
/// would help (R-CON-8), as they did when every account could open every consent. A consent that would reach it (one
/// naming it or its organisation, or handed over to it) cannot be judged without its terms, so it is left out and the
/// decision is marked `undecidable`: a refusal then says a key is missing, not that no consent exists; unless it was
/// withdrawn, which the rules refuse on that alone (R-CON-2). With a key
/// withheld a decision may only refuse (`ConsentCheck.factsWithheld`).
extension Vault {
    /// `withheld` is set to the scope of the first key needed and not held; `undecidable`, when a consent that would
    /// reach the account was among them. `date`: the day the decision is about (a consent withdrawn after it still
    /// stood then, so it is judged as one the account cannot open, not as withdrawn).
    func authoritiesForDecision(personID: String, as account: Account?, on date: CivilDate, withheld: inout String?, undecidable: inout Bool,
                                in tx: any VaultRecordReading) throws -> [Authority] {
        var authorities: [Authority] = []
        var coverageByCase: [String: [Coverage]] = [:]
        for record in try tx.consentRecords(type: ConsentRecordType.authority.rawValue, caseID: nil, personID: personID) {
            do {
                let stored = try openConsent(record, as: StoredAuthority.self, in: tx)
                // A voided record was a recording mistake: the person never gave it, so no decision may rest on it.
                if stored.voided == nil { authorities.append(stored.authority) }
            } catch VaultError.keyNotHeld(let scope, _) {
                withheld = withheld ?? scope
                guard let account, let caseID = record.caseID else { continue }
                if coverageByCase[caseID] == nil { coverageByCase[caseID] = try caseParties(caseID, in: tx).coverage }
                guard let covered = coverageByCase[caseID]?.first(where: { $0.id == record.id }) else { continue }
                guard try coversAnotherOrganisation(covered.party, than: account, in: tx) else {
                    if let withdrawn = covered.withdrawnOn, withdrawn <= date {
                        // Withdrawn: the rules refuse it on that alone (R-CON-2), before any term.
                        authorities.append(Authority(id: record.id, kind: .writtenConsent, grantedBy: nil, party: covered.party,
                                                     withdrawnOn: withdrawn))
                    } else if covered.handovers.contains(account.id) || covered.party.type != .person {
                        undecidable = true
                    }
                    continue
                }
                // Its grantee alone: the engine refuses such a consent from its grantee (R-CON-8 or R-CON-1), before any term.
                authorities.append(Authority(id: record.id, kind: .writtenConsent, grantedBy: nil, party: covered.party))
            }
        }
        return authorities
    }

    /// Whether a consent's grantee is an organisation other than the account's, or an advocate of one.
    private func coversAnotherOrganisation(_ party: Party, than account: Account, in tx: any VaultRecordReading) throws -> Bool {
        switch party.type {
        case .person: return false
        case .organisation: return party.id != account.organisationID
        case .advocate:
            // Another advocate of the same organisation: it reaches the account through R-CON-7, on its terms.
            guard party.id != account.id else { return false }
            let organisation = try tx.advocate(party.id)?.organisationID
            return organisation == nil || organisation != account.organisationID
        }
    }
}
