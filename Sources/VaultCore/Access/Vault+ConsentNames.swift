import Consent
import Foundation
import VaultStorage

/// Names for the consent engine's explanations ("Acting at Joan Platt's own request", not "at per-c321…'s"). The
/// engine stays pure and knows no names: the core hands it a map of the ids a decision can mention, built from what
/// the acting account may see. Organisations and accounts are named for every account (as in every listing); a
/// person only when the account may see them, so a refusal never names someone it should not.
extension Vault {
    /// `decision`: the one being explained. It is what lets a non-member read this case, so the people of this case
    /// are named when it does not deny; for other cases only membership counts (asking the rules about every case
    /// here would ask them about this one again, without end).
    func consentNames(for facts: ConsentFacts, request: ConsentRequest, decision: Decision, caseRecord: CaseRecord, as account: Account,
                      in tx: any VaultRecordReading) throws -> [String: String] {
        var names: [String: String] = [:]
        for organisation in try openedOrganisations(in: tx) { names[organisation.id] = DisplayText.escaped(organisation.name) }
        let key = try metadataFieldKey(tx)
        for record in try tx.advocates() { names[record.id] = DisplayText.escaped(try name(ofAccount: record, key: key)) }
        var people = Set([facts.person.id, request.onBehalfOf] + facts.person.objectsTo + (facts.case?.subjectsOfComplaint ?? []))
        for authority in facts.authorities {
            if let party = authority.party, party.type == .person { people.insert(party.id) }
            if let grantor = authority.grantedBy { people.insert(grantor) }
        }
        people = people.filter { $0.hasPrefix("per-") }
        guard !people.isEmpty else { return names }
        var onCases = Set<String>()
        for other in try tx.cases() where try isMember(account, of: other, in: tx) || (other.id == caseRecord.id && decision.outcome != .deny) {
            onCases.insert(other.clientID)
            onCases.formUnion((try? registeredPersonIDs(caseID: other.id, in: tx)) ?? [])
        }
        for id in people {
            guard let record = try tx.person(id), record.erasedAt == nil, onCases.contains(id) || record.addedBy == account.id else { continue }
            // A person whose fields this account holds no key to is named by id.
            if let opened = try viewIfHeld(record, in: tx) { names[id] = DisplayText.escaped(opened.name) }
        }
        return names
    }
}
