import VaultModel
import Foundation

/// What the redaction engine needs from the vault: the people registered on a case (with their role),
/// the case's custom terms and allow-list, and an organisation-wide allow-list (NHS bodies' names,
/// addresses, switchboards). All sealed like the consent records.
extension Vault {
    public enum CaseRole: String, Sendable, Codable, CaseIterable {
        case relative, representative, witness, staff
        case thirdParty = "third_party"
    }

    public struct CasePerson: Codable, Sendable, Equatable {
        public var personID: String
        public var role: CaseRole
        /// The first name alone is distinctive enough to redact wherever it appears.
        public var firstNameIsSafe: Bool

        enum CodingKeys: String, CodingKey { case role, personID = "person_id", firstNameIsSafe = "first_name_is_safe" }
    }

    struct CasePeople: Codable {
        var people: [CasePerson] = []
    }

    public struct RedactionTerms: Codable, Sendable, Equatable {
        public var terms: [String] = []
        public var allow: [String] = []
        /// Why an organisation-wide allow-list was changed, one entry per change (sealed with the list; optional so
        /// lists written before reasons were asked for still read).
        public var reasons: [String]?

        public init() {}
    }

    public func addCasePerson(caseID: CaseID, personID: PersonID, role: CaseRole, firstNameIsSafe: Bool) throws {
        let caseID = caseID.rawValue
        let personID = personID.rawValue
        try guarded { try store.write { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: record, in: tx)
            guard record.caseStatus == .open else { throw VaultError.caseNotOpen(id: caseID, status: record.status) }
            // Only someone the account may already see: once on the case, the person is visible through it (and the
            // account becomes one who may change their record), so adding would otherwise open anyone's record.
            try requireVisible(.caseChange, person: personID, in: tx)
            guard personID != record.clientID else {
                throw VaultError.invalidInput("\(personID) is the case's client already; add relatives, representatives and other third parties")
            }
            let id = "people-" + caseID
            let existing = try tx.consentRecord(id)
            var list = try existing.map { try openConsent($0, as: CasePeople.self, in: tx) } ?? CasePeople()
            list.people.removeAll { $0.personID == personID }
            list.people.append(CasePerson(personID: personID, role: role, firstNameIsSafe: firstNameIsSafe))
            // The ids first, where every account reads them; the roles under the case key (Vault+CaseParties).
            try saveCaseParties(caseID, in: tx) { $0.people = list.people.map(\.personID) }
            try tx.save(try sealConsent(list, id: id, type: .casePeople, caseID: caseID, personID: nil, createdAt: existing?.createdAt, in: tx))
            try audit(event("case.add_person", caseID: caseID, details: ["person": personID]), in: tx)
        } }
    }

    public func casePeople(caseID: CaseID) throws -> [CasePerson] {
        let caseID = caseID.rawValue
        return try guarded { try store.read { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireRead(record, in: tx)
            return try registeredPeople(caseID: caseID, in: tx)
        } }
    }

    /// The people registered on a case (not its client), with their roles, read in the caller's transaction: under the
    /// case key, so `keyNotHeld` for an account holding none (checks needing only ids ask `registeredPersonIDs`).
    func registeredPeople(caseID: String, in tx: any VaultRecordReading) throws -> [CasePerson] {
        try tx.consentRecord("people-" + caseID).map { try openConsent($0, as: CasePeople.self, in: tx).people } ?? []
    }

    /// Adds custom terms and allowed terms, for a case (`caseID`) or for a whole organisation (`organisationID`).
    public func addRedactionTerms(caseID: CaseID?, organisationID: OrganisationID?, terms: [String], allow: [String],
                                  reason: String? = nil) throws -> RedactionTerms {
        let caseID = caseID?.rawValue
        let organisationID = organisationID?.rawValue
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if organisationID != nil && (reason ?? "").isEmpty {
            // A term allowed organisation-wide is printed in every bundle of every case: say why, for the audit.
            throw VaultError.invalidInput("an organisation-wide allow-list change needs a reason (for example, \"the trust's own name and switchboard\")")
        }
        let cleaned = { (list: [String]) in list.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty } }
        guard (caseID == nil) != (organisationID == nil) else { throw VaultError.invalidInput("give either a case or an organisation") }
        guard !(cleaned(terms) + cleaned(allow)).isEmpty else { throw VaultError.invalidInput("no terms given") }
        return try guarded { try store.write { tx in
            let id = try termsRecordID(caseID: caseID, organisationID: organisationID, in: tx)
            let existing = try tx.consentRecord(id)
            var list = try existing.map { try openConsent($0, as: RedactionTerms.self, in: tx) } ?? RedactionTerms()
            for term in cleaned(terms) where !list.terms.contains(term) { list.terms.append(term) }
            for term in cleaned(allow) where !list.allow.contains(term) { list.allow.append(term) }
            if organisationID != nil, let reason { list.reasons = (list.reasons ?? []) + [reason] }
            try tx.save(try sealConsent(list, id: id, type: .redactionTerms, caseID: caseID, personID: nil, createdAt: existing?.createdAt, in: tx))
            try audit(event("redaction.terms", caseID: caseID, details: ["organisation": organisationID ?? "", "terms": String(cleaned(terms).count),
                                                                         "allowed": String(cleaned(allow).count)]), in: tx)
            return list
        } }
    }

    /// The case's own terms and its organisation's allow-list.
    public func redactionTerms(caseID: CaseID) throws -> (caseTerms: RedactionTerms, organisation: RedactionTerms) {
        let caseID = caseID.rawValue
        return try guarded { try store.read { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireRead(record, in: tx)
            let own = try tx.consentRecord("redact-" + caseID).map { try openConsent($0, as: RedactionTerms.self, in: tx) } ?? RedactionTerms()
            let organisation = try tx.consentRecord("redact-org-" + record.organisationID)
                .map { try openConsent($0, as: RedactionTerms.self, in: tx) } ?? RedactionTerms()
            return (own, organisation)
        } }
    }
}

extension Vault {
    /// Removes custom terms or allowed terms (a term added by mistake). Removing an allowed term makes redaction
    /// stricter; removing a custom term makes it looser, so both are audited with counts (never the terms).
    public func removeRedactionTerms(caseID: CaseID?, organisationID: OrganisationID?, terms: [String], allow: [String],
                                     reason: String? = nil) throws -> RedactionTerms {
        let caseID = caseID?.rawValue
        let organisationID = organisationID?.rawValue
        guard (caseID == nil) != (organisationID == nil) else { throw VaultError.invalidInput("give either a case or an organisation") }
        let cleaned = { (list: [String]) in Set(list.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }) }
        let (dropTerms, dropAllowed) = (cleaned(terms), cleaned(allow))
        guard !(dropTerms.isEmpty && dropAllowed.isEmpty) else { throw VaultError.invalidInput("no terms given") }
        return try guarded { try store.write { tx in
            let id = try termsRecordID(caseID: caseID, organisationID: organisationID, in: tx)
            guard let existing = try tx.consentRecord(id) else { throw VaultError.invalidInput("there are no such terms to remove") }
            var list = try openConsent(existing, as: RedactionTerms.self, in: tx)
            let missing = dropTerms.subtracting(list.terms).union(dropAllowed.subtracting(list.allow))
            guard missing.isEmpty else {
                throw VaultError.invalidInput("\(missing.count) of those term(s) are not on the list (spelling must match); nothing was removed")
            }
            list.terms.removeAll(where: dropTerms.contains)
            list.allow.removeAll(where: dropAllowed.contains)
            if organisationID != nil, let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty {
                list.reasons = (list.reasons ?? []) + ["removed: " + reason]
            }
            try tx.save(try sealConsent(list, id: id, type: .redactionTerms, caseID: caseID, personID: nil, createdAt: existing.createdAt, in: tx))
            try audit(event("redaction.terms_removed", caseID: caseID, details: ["organisation": organisationID ?? "",
                                                                                "terms": String(dropTerms.count), "allowed": String(dropAllowed.count)]), in: tx)
            return list
        } }
    }

    /// The sealed record holding a case's or an organisation's terms, once the account may change it: a case's terms
    /// by its members; an organisation's allow-list, which reaches every case of the organisation, by its manager.
    func termsRecordID(caseID: String?, organisationID: String?, in tx: any VaultRecordReading) throws -> String {
        if let caseID {
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: record, in: tx)
            return "redact-" + caseID
        }
        guard let organisationID else { throw VaultError.invalidInput("give either a case or an organisation") }
        guard try tx.organisation(organisationID) != nil else { throw VaultError.notFound(kind: "organisation", id: organisationID) }
        let account = try require(.organisationAllowList, roles: [.manager], subject: organisationID, in: tx)
        // Only a manager gets here (`require` above), so this asks that it is that organisation's.
        try requireOwnOrganisation(account, of: organisationID, .organisationAllowList, subject: organisationID,
                                   reason: "this needs \(VaultOperation.organisationAllowList.who)")
        return "redact-org-" + organisationID
    }
}
