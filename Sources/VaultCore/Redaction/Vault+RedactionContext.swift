import Foundation
import Redaction

/// The redaction engine's context from the vault: the client and everyone registered on the case (names,
/// addresses, identifiers), the case's terms, and the case's and organisation's allow-lists. One builder for every
/// front end (`redact preview`, `export`, the server's bundles), so all redact the same things.
extension Vault {
    public func redactionContext(caseID: CaseID) throws -> RedactionContext {
        let vault = self
        let detail = try vault.caseDetail(caseID)
        var people: [KnownPerson] = []
        func known(_ id: String, _ role: PersonRole, firstNameIsSafe: Bool) throws -> KnownPerson {
            let person = try vault.person(PersonID(id))
            return KnownPerson(id: id, role: role, fullName: person.name, firstNameIsSafe: firstNameIsSafe,
                               addresses: [person.address].compactMap { $0 },
                               identifiers: [person.nhsNumber, person.phone, person.email].compactMap { $0 }, dateOfBirth: person.dob)
        }
        people.append(try known(detail.client.rawValue, .client, firstNameIsSafe: false))
        for member in try vault.casePeople(caseID: caseID) {
            let role = PersonRole(rawValue: member.role.rawValue) ?? .thirdParty
            people.append(try known(member.personID, role, firstNameIsSafe: member.firstNameIsSafe))
        }
        let (own, organisation) = try vault.redactionTerms(caseID: caseID)
        return RedactionContext(people: people, customTerms: own.terms, allowList: own.allow + organisation.allow)
    }
}
