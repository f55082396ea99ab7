import Foundation
import VaultCrypto
import VaultStorage

/// What a rotation of a case key (rekey, unassignment, removal, transfer) re-seals besides documents and case rows
/// (issue 17): the case's details, and the people of the case kept under its key. It runs inside the rotation's
/// transaction, after the new version is made and before the old ones are deleted, so the old key still opens
/// everything; the new key is passed in, since the actor may not be entitled to it (a transfer).
extension Vault {
    /// The details move to the new version; details of an earlier release, under the metadata key, move under the
    /// case key here.
    func resealCaseDetails(_ caseID: String, newKey: SecureBytes, newVersion: Int, in tx: any VaultRecordWriting) throws {
        guard var record = try tx.caseRecord(caseID), record.detailsSealed != nil else { return }
        let details = try caseDetails(record, in: tx)
        try setCaseDetails(details, on: &record, under: .caseKey(newKey, version: newVersion), in: tx)
        try tx.update(record)
    }

    /// The case's client and registered people:
    /// - kept under this case's key (they came with a transfer): re-sealed under the new version, or moved under the
    ///   directory key of the case's organisation when the actor is of it and no other organisation's case needs them;
    /// - kept under the directory key of another organisation (the case was transferred away from it) or under the
    ///   metadata key (an earlier release's): moved, unless another live case still needs them where they are. The
    ///   actor moves them under the case organisation's directory key when it is theirs (a rekey), else (a transfer,
    ///   made by the organisation the case leaves, which cannot hold the receiving one's directory key) under the
    ///   case's new key, which the transfer wraps to the receiving organisation.
    /// A person on cases of both organisations stays with the one they were registered by: the other sees them
    /// labelled as sealed (SECURITY.md).
    func resealCasePeople(_ caseID: String, newKey: SecureBytes, newVersion: Int, in tx: any VaultRecordWriting) throws {
        guard let caseRecord = try tx.caseRecord(caseID) else { return }
        let scope = KeyHierarchy.caseScope(caseID)
        let people = ([caseRecord.clientID] + (try registeredPersonIDs(caseID: caseID, in: tx))).uniqued()
        let acting = try account(in: tx)
        let toDirectory = acting.organisationID != nil && acting.organisationID == caseRecord.organisationID
        // The organisations of the other live cases each person is on, worked out once and only when needed.
        var organisationsOf: [String: Set<String>]?
        func otherOrganisations(of personID: String) throws -> Set<String> {
            if let organisationsOf { return organisationsOf[personID] ?? [] }
            var map: [String: Set<String>] = [:]
            for other in try tx.cases() where other.id != caseID && other.caseStatus != .erased {
                for person in [other.clientID] + (try registeredPersonIDs(caseID: other.id, in: tx)) {
                    map[person, default: []].insert(other.organisationID)
                }
            }
            organisationsOf = map
            return map[personID] ?? []
        }
        for id in people {
            guard var person = try tx.person(id), person.erasedAt == nil else { continue }
            let ref = PersonSealing.parse(person.nameSealed)?.ref
            let keptBy = ref.flatMap { KeyHierarchy.organisationID(ofScope: $0.scope) }
            let underThisCase = ref?.scope == scope
            // Already with the case's organisation, or under some other case's key: only their records an earlier
            // release sealed under the metadata key move, if the actor holds the key the person is under.
            guard underThisCase || ref == nil || (keptBy != nil && keptBy != caseRecord.organisationID) else {
                if let ref { try moveEarlierPersonRecords(id, ref: ref, in: tx) }
                continue
            }
            let others = try otherOrganisations(of: id)
            let target: (ref: PersonKeyRef, key: SecureBytes)
            if toDirectory && others.subtracting([caseRecord.organisationID]).isEmpty {
                target = try ownDirectoryKey(in: tx)
            } else if underThisCase || (!toDirectory && others.isEmpty) {
                // Under this case's key they must follow it: its old versions are deleted after this.
                target = (PersonKeyRef(scope: scope, version: newVersion), newKey)
            } else {
                continue
            }
            let opened = try view(person, in: tx)
            try sealPerson(opened, into: &person, ref: target.ref, key: target.key)
            try tx.update(person)
            try resealPersonRecords(id, ref: target.ref, key: target.key, in: tx)
        }
    }
}
