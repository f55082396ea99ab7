import VaultModel
import Foundation

/// Erasure reaches people: whoever was on the erased case and on no other case that still exists (as its client,
/// registered on it, or named by one of its consent records) is erased too. Their row stays, with ids only, because
/// erased cases and audit events name the id; everything that could identify them goes.
extension Vault {
    /// The erased case's client, registered people and the people its consent records name, less those on any other
    /// case that is not erased.
    func peopleOnlyOn(_ erased: CaseRecord, in tx: any VaultRecordReading) throws -> [String] {
        func peopleOf(_ caseRecord: CaseRecord) throws -> [String] {
            var people = [caseRecord.clientID] + (try registeredPersonIDs(caseID: caseRecord.id, in: tx))
            people += try tx.consentRecords(type: nil, caseID: caseRecord.id, personID: nil).compactMap(\.personID)
            return people
        }
        var elsewhere = Set<String>()
        for other in try tx.cases() where other.id != erased.id && other.caseStatus != .erased {
            elsewhere.formUnion(try peopleOf(other))
        }
        var seen = Set<String>()
        return try peopleOf(erased).filter { !elsewhere.contains($0) && seen.insert($0).inserted }
    }

    /// Empties every sealed field and blind index of the person and deletes the sealed records held about them alone
    /// (capacity assessments, status), in the caller's transaction.
    func erasePerson(_ personID: String, at erasedAt: String, in tx: any VaultRecordWriting) throws {
        guard var person = try tx.person(personID), person.erasedAt == nil else { return }
        person.nameSealed = Data()
        person.nameIndex = Data()
        person.dobSealed = nil
        person.nhsNumberSealed = nil
        person.nhsNumberIndex = nil
        person.addressSealed = nil
        person.phoneSealed = nil
        person.emailSealed = nil
        person.erasedAt = erasedAt
        try tx.update(person)
        try tx.deleteConsentRecords(personID: personID)
    }
}
