import VaultModel
import Consent
import Foundation
import VaultCrypto

/// A situation's records on a case that is already open (the web's "Record a consent or authority" page): the same
/// checks and the same records as `openCase(_:setUp:)`, written in one transaction with the forms, or nothing at all.
extension Vault {
    /// Records what `options.situation` needs on the case: the legal authority, the signed consent or instruction (both
    /// forms stored as encrypted documents of the case), the death if it is not on record, and the representative
    /// registered on the case. `newRepresentative`, when given, is registered as a person in the same transaction and
    /// is the representative (`options.representativeID` is then ignored): a refused situation registers no one.
    /// Throws `CaseSetUpError` (incomplete, unsuitable) before anything is stored; only an advocate assigned to the case
    /// or a manager of its organisation may (`AccessError` otherwise, audited).
    public func recordSituation(caseID: CaseID, setUp given: CaseSetUpOptions, newRepresentative: PersonInput? = nil) throws -> CaseSetUp {
        let caseID = caseID.rawValue
        let newPerson = try newRepresentative.map { (try Self.checkedPerson($0), try Self.newID("per")) }
        var adjusted = given
        if let newPerson { adjusted.representativeID = PersonID(newPerson.1) }
        let options = adjusted
        let read = try guarded { try store.read { tx in
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: caseRecord, in: tx)
            guard caseRecord.caseStatus == .open else { throw VaultError.caseNotOpen(id: caseID, status: caseRecord.status) }
            guard let clientRecord = try tx.person(caseRecord.clientID) else { throw VaultError.notFound(kind: "person", id: caseRecord.clientID) }
            let representative = try newPerson == nil ? options.representativeID.map(\.rawValue).map { id -> PersonView in
                try requireVisible(.caseChange, person: id, in: tx)
                guard let record = try tx.person(id) else { throw VaultError.notFound(kind: "person", id: id) }
                return try view(record, in: tx)
            } : nil
            guard let organisation = try tx.organisation(caseRecord.organisationID).map({ try opened($0, in: tx) }) else {
                throw VaultError.notFound(kind: "organisation", id: caseRecord.organisationID)
            }
            let (key, version) = try currentCaseKey(caseID, in: tx)
            return (client: try view(clientRecord, in: tx), representative: representative, service: (id: organisation.id, name: organisation.name),
                    died: try personStatus(caseRecord.clientID, in: tx).deceased, nhsBody: try caseDetails(caseRecord, in: tx).nhsBody,
                    key: key, version: version, known: try tx.contentMACs(caseID: caseID))
        } }
        try Self.check(options, clientID: read.client.id, died: read.died)
        if read.nhsBody == nil && options.bodies == nil {
            throw VaultError.invalidInput("the case names no NHS body, so the consent cannot say which bodies it covers; name the bodies it covers")
        }
        let sealed = try sealForms(Self.forms(of: options), caseID: caseID, caseKey: read.key, caseKeyVersion: read.version, knownMACs: read.known)
        do {
            return try guarded { try store.write { tx in
                // Asked again where it is written: the account may have been taken off the case since the read.
                guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
                try requireMember(.caseChange, of: caseRecord, in: tx)
                guard caseRecord.caseStatus == .open else { throw VaultError.caseNotOpen(id: caseID, status: caseRecord.status) }
                let representative = try newPerson.map { try insertPerson($0.0, id: $0.1, in: tx) } ?? read.representative
                return try writeSituation(options, caseRecord: caseRecord, client: read.client, representative: representative,
                                          service: read.service, died: read.died, forms: sealed, in: tx)
            } }
        } catch {
            discardForms(sealed.records.map(\.id))
            throw error
        }
    }

    /// Refuses (audited, as `recordSituation` would) an account that may not record on the case: for a form shown
    /// before anything is typed into it, so a partner organisation's advocate sees the refusal, not the form.
    public func requireCaseChange(caseID: CaseID) throws {
        let caseID = caseID.rawValue
        try guarded { try store.read { tx in
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: caseRecord, in: tx)
        } }
    }
}
