import ArgumentParser
import Foundation
import Redaction
import VaultStore

/// Builds the engine's context from the vault: the client and everyone registered on the case (names,
/// addresses, identifiers), the case's terms, and the case's and organisation's allow-lists.
enum RedactionSetup {
    static func context(vault: Vault, caseID: String) throws -> RedactionContext {
        let detail = try vault.caseDetail(caseID)
        var people: [KnownPerson] = []
        func known(_ id: String, _ role: PersonRole, firstNameIsSafe: Bool) throws -> KnownPerson {
            let person = try vault.person(id)
            return KnownPerson(id: id, role: role, fullName: person.name, firstNameIsSafe: firstNameIsSafe,
                               addresses: [person.address].compactMap { $0 },
                               identifiers: [person.nhsNumber, person.phone, person.email].compactMap { $0 }, dateOfBirth: person.dob)
        }
        people.append(try known(detail.client, .client, firstNameIsSafe: false))
        for member in try vault.casePeople(caseID: caseID) {
            let role = PersonRole(rawValue: member.role.rawValue) ?? .thirdParty
            people.append(try known(member.personID, role, firstNameIsSafe: member.firstNameIsSafe))
        }
        let (own, organisation) = try vault.redactionTerms(caseID: caseID)
        return RedactionContext(people: people, customTerms: own.terms, allowList: own.allow + organisation.allow)
    }
}
