import VaultModel
import Foundation
import VaultCrypto

/// Names for people to read and type: every listing shows names next to ids, and every command that takes an id also
/// takes an unambiguous name. Names are sealed, so they are opened here, for what the acting account may see only.
extension Vault {
    /// Matching that forgives case, accents, punctuation and a title ("Mrs Platt" finds "Joan Platt").
    static func searchable(_ text: String) -> [Substring] { NameQuery.searchable(text) }

    /// Every word typed starts a word of the name, in any order: "platt" and "j platt" find "Joan Platt".
    static func nameMatches(_ query: [Substring], _ name: String) -> Bool {
        let words = searchable(name)
        return !query.isEmpty && query.allSatisfy { part in words.contains { $0.hasPrefix(part) } }
    }

    /// The candidates `text` names: those whose whole name it is (forgiving case, accents, punctuation, a title) if
    /// any, else those whose words it starts ("platt" finds "Joan Platt").
    static func named<T>(_ text: String, in candidates: [T], name: (T) -> String) -> [T] {
        let query = searchable(text)
        let exact = candidates.filter { searchable(name($0)) == query }
        return exact.isEmpty ? candidates.filter { nameMatches(query, name($0)) } : exact
    }

    /// The acting account's own name, which a front end greets the person by (nil without an acting account).
    public func actingAccountName() throws -> String? {
        guard let actor else { return nil }
        return try accountName(actor)
    }

    /// An account's name (for refusal messages: the acting account's own name is no secret to it).
    func accountName(_ id: String) throws -> String? {
        try store.read { tx in try tx.advocate(id).map { try name(ofAccount: $0, key: try metadataFieldKey(tx)) } }
    }

    func name(ofAccount record: AdvocateRecord, key: SecureBytes) throws -> String {
        String(decoding: try KeyHierarchy.open(record.nameSealed, fieldKey: key, table: "advocates", column: "name", rowID: record.id),
               as: UTF8.self)
    }

    /// One id from an id or a name; none or several → a clear error (the candidates named, nothing done).
    func resolve(_ text: String, kind: String, idPrefix: String, candidates: [(id: String, name: String)]) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix(idPrefix) {
            guard candidates.contains(where: { $0.id == trimmed }) else { throw VaultError.notFound(kind: kind, id: trimmed) }
            return trimmed
        }
        let found = Self.named(trimmed, in: candidates, name: \.name)
        switch found.count {
        case 1: return found[0].id
        case 0: throw VaultError.notFound(kind: kind, id: trimmed)
        default: throw VaultError.ambiguousName(kind: kind, text: trimmed, candidates: found.map { "\($0.name) (\($0.id))" }.sorted())
        }
    }

    /// An organisation by id or name (organisation names are not personal data: every account may use them).
    public func organisationID(_ text: String) throws -> OrganisationID {
        OrganisationID(try guarded { try store.read { tx in
            _ = try account(in: tx, evenAwaiting: true)
            // An exact name is found by its blind index; anything else by matching the opened names (organisations are few).
            if !text.hasPrefix("org-"), let exact = try organisation(named: text, in: tx) { return exact.id }
            return try resolve(text, kind: "organisation", idPrefix: "org-", candidates: try openedOrganisations(in: tx).map { ($0.id, $0.name) })
        } })
    }

    /// An account by id or name.
    public func accountID(_ text: String) throws -> AccountID {
        AccountID(try guarded { try store.read { tx in
            _ = try account(in: tx, evenAwaiting: true)
            let key = try metadataFieldKey(tx)
            return try resolve(text, kind: "advocate", idPrefix: "adv-", candidates: try tx.advocates().map { ($0.id, try name(ofAccount: $0, key: key)) })
        } })
    }

    /// A person by id or name. A name is looked up only among the people this account may see (a name never reveals
    /// anyone else); an id is passed on as it is, so the operation itself refuses it (exit 3, audited) when the
    /// account may not see that person.
    public func personID(_ text: String) throws -> PersonID {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("per-") { return PersonID(trimmed) }
        return PersonID(try guarded { try store.read { tx in
            let visible = try visiblePeople(as: try account(in: tx), in: tx)
            let people = try tx.people().filter { visible.contains($0.id) && $0.erasedAt == nil }
            return try resolve(text, kind: "person", idPrefix: "per-",
                               candidates: try people.compactMap { person in try viewIfHeld(person, in: tx).map { (person.id, $0.name) } })
        } })
    }

    /// The id of a party a consent names: an organisation, an account or a person, by id or name. Plain text, since
    /// it may be any of the three kinds (a consent's grantee is stored as the bare id).
    public func partyID(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        for prefix in ["org-", "adv-", "per-"] where trimmed.hasPrefix(prefix) { return trimmed }
        var found: [String] = []
        let lookups: [(String) throws -> String] = [{ try self.organisationID($0).rawValue }, { try self.accountID($0).rawValue },
                                                    { try self.personID($0).rawValue }]
        for lookup in lookups {
            do { found.append(try lookup(trimmed)) } catch VaultError.notFound { continue }
        }
        guard found.count == 1 else {
            if found.isEmpty { throw VaultError.notFound(kind: "organisation, advocate or person", id: trimmed) }
            throw VaultError.ambiguousName(kind: "party", text: trimmed, candidates: found)
        }
        return found[0]
    }

    /// Names for the ids a listing shows: organisations, accounts, and the people this account may see.
    public struct Names: Sendable {
        public var organisations: [String: String] = [:]
        public var accounts: [String: String] = [:]
        public var people: [String: String] = [:]

        /// "Name (id)" when the name is known, else the id alone.
        public func label(_ id: String) -> String {
            guard let name = organisations[id] ?? accounts[id] ?? people[id] else { return id }
            // A label sits inside a line of text: a line break in a stored name is shown, not obeyed.
            return "\(DisplayText.escaped(name)) (\(id))"
        }

        public func name(_ id: String) -> String? { organisations[id] ?? accounts[id] ?? people[id] }
    }

    public func names() throws -> Names {
        try guarded { try store.read { tx in
            let account = try account(in: tx)
            let key = try metadataFieldKey(tx)
            var names = Names()
            for organisation in try openedOrganisations(in: tx) { names.organisations[organisation.id] = organisation.name }
            for record in try tx.advocates() { names.accounts[record.id] = try name(ofAccount: record, key: key) }
            let visible = try visiblePeople(as: account, in: tx)
            for person in try tx.people() where visible.contains(person.id) && person.erasedAt == nil {
                // Left out (shown by id) when this account holds no key to the person's fields.
                if let opened = try viewIfHeld(person, in: tx) { names.people[person.id] = opened.name }
            }
            return names
        } }
    }
}

extension Vault {
    /// Assigns an advocate or manager of the case's organisation to it (a member of the case, or its manager, does).
    public func assignAdvocate(caseID: CaseID, advocateID: AccountID) throws {
        let caseID = caseID.rawValue
        let advocateID = advocateID.rawValue
        try guarded { try store.write { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: record, in: tx)
            guard record.caseStatus == .open else { throw VaultError.caseNotOpen(id: caseID, status: record.status) }
            guard let assignee = try tx.advocate(advocateID) else { throw VaultError.notFound(kind: "advocate", id: advocateID) }
            guard assignee.organisationID == record.organisationID, assignee.role != AccountRole.admin.rawValue else {
                throw VaultError.invalidInput("\(advocateID) is not an advocate of the organisation that holds \(caseID)")
            }
            try requireAssignable(assignee, in: tx)
            guard try !tx.caseAdvocates(caseID).contains(advocateID) else {
                throw VaultError.invalidInput("\(advocateID) is already assigned to \(caseID)")
            }
            try tx.insert(CaseAdvocateRecord(caseID: caseID, advocateID: advocateID))
            // With identities the new member gets the case key now, from the member (or manager) assigning them.
            try shareKey(scope: KeyHierarchy.caseScope(caseID), in: tx)
            // And the organisation's directory key, so they can read the client the case key alone does not open.
            try shareDirectoryKeyIfHeld(of: record.organisationID, in: tx)
            try audit(event("case.assign", caseID: caseID, details: ["advocate": advocateID]), in: tx)
        } }
    }

    /// Unassigns an advocate; an open case always keeps at least one.
    public func unassignAdvocate(caseID: CaseID, advocateID: AccountID) throws {
        let caseID = caseID.rawValue
        let advocateID = advocateID.rawValue
        try guarded { try store.write { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: record, in: tx)
            let assigned = try tx.caseAdvocates(caseID)
            guard assigned.contains(advocateID) else { throw VaultError.invalidInput("\(advocateID) is not assigned to \(caseID)") }
            guard record.caseStatus != .open || assigned.count > 1 else {
                throw VaultError.invalidInput("\(advocateID) is the only advocate assigned to the open case \(caseID): assign someone else first")
            }
            try tx.deleteCaseAdvocate(caseID: caseID, advocateID: advocateID)
            try audit(event("case.unassign", caseID: caseID, details: ["advocate": advocateID]), in: tx)
            try rotateAfterLosingHolder(caseID: caseID, in: tx)
        } }
        forgetCaseKeys(caseID)
    }
}
