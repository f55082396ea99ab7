import VaultModel
import Audit
import Consent
import Foundation
import VaultCrypto

/// Capacity assessments, a person's status (death, Gillick competence, objections) and a case's complaint facts
/// (events, transfers, refusals): the sealed records the consent rules read besides the authorities. The first two are
/// under the person's key (Vault+PersonRecordSealing), the facts under the case key with their transfers also kept
/// where every account reads them (Vault+CaseParties).
extension Vault {
    // MARK: - Capacity and person status

    public func recordCapacity(personID: PersonID, assessment: CapacityAssessment, caseID: CaseID?) throws -> String {
        let personID = personID.rawValue
        let caseID = caseID?.rawValue
        // A random id, a generic type and action: that an assessment exists for this person is health information.
        let id = try Self.newID("rec")
        try guarded { try store.write { tx in
            guard try tx.person(personID) != nil else { throw VaultError.notFound(kind: "person", id: personID) }
            if let caseID {
                guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
                try requireMember(.caseChange, of: caseRecord, in: tx)
            }
            try requireCarer(person: personID, in: tx)
            let stored = StoredCapacityAssessment(id: id, personID: personID, assessment: assessment)
            try savePersonRecord(stored, kind: .capacity, personID: personID, id: id, in: tx)
            try audit(event(Self.personRecordAction, caseID: caseID, details: ["person": personID, "record": id]), in: tx)
        } }
        return id
    }

    /// Capacity is health information: only for people on a case this account may read.
    public func capacityAssessments(personID: PersonID) throws -> [StoredCapacityAssessment] {
        let personID = personID.rawValue
        return try guarded { try store.read { tx in
            try requireVisible(.personRead, person: personID, in: tx)
            return try capacityAssessments(personID: personID, in: tx)
        } }
    }

    func capacityAssessments(personID: String, in tx: any VaultRecordReading) throws -> [StoredCapacityAssessment] {
        try personRecords(personID, kind: .capacity, as: StoredCapacityAssessment.self, in: tx).map(\.value)
    }

    func personStatus(_ personID: String, in tx: any VaultRecordReading) throws -> PersonStatus {
        try personRecord(personID, kind: .status, as: PersonStatus.self, in: tx)?.value ?? PersonStatus()
    }

    /// Saves the person's status (their one status record, or a new one) with its generic audit event.
    func savePersonStatus(_ status: PersonStatus, personID: String, in tx: any VaultRecordWriting) throws {
        let existing = try personRecord(personID, kind: .status, as: PersonStatus.self, in: tx)?.row
        let id = try savePersonRecord(status, kind: .status, personID: personID, replacing: existing, in: tx)
        try audit(event(Self.personRecordAction, details: ["person": personID, "record": id]), in: tx)
    }

    public func personStatus(_ personID: PersonID) throws -> PersonStatus {
        let personID = personID.rawValue
        return try guarded { try store.read { tx in
            try requireVisible(.personRead, person: personID, in: tx)
            return try personStatus(personID, in: tx)
        } }
    }

    public func updatePersonStatus(_ personID: PersonID, change: (inout PersonStatus) throws -> Void) throws -> PersonStatus {
        let personID = personID.rawValue
        return try guarded { try store.write { tx in
            try requireCarer(person: personID, in: tx)
            var status = try personStatus(personID, in: tx)
            try change(&status)
            try savePersonStatus(status, personID: personID, in: tx)
            return status
        } }
    }

    // MARK: - Case facts

    /// The id of a case's facts record (its transfers and dates, sealed under the case key).
    static func factsRecordID(_ caseID: String) -> String { "facts-" + caseID }

    func caseFacts(_ caseRecord: CaseRecord, in tx: any VaultRecordReading) throws -> CaseFacts {
        if let record = try tx.consentRecord(Self.factsRecordID(caseRecord.id)) {
            return try openConsent(record, as: CaseFacts.self, in: tx)
        }
        let details = try caseDetails(caseRecord, in: tx)
        let events = CaseEvents(incidentDate: details.incidentDate.flatMap(CivilDate.init(iso:)),
                                awareDate: details.awareDate.flatMap(CivilDate.init(iso:)),
                                complaintDate: details.complaintDate.flatMap(CivilDate.init(iso:)))
        return CaseFacts(id: caseRecord.id, nhsBodies: [details.nhsBody].compactMap { $0 }, events: events)
    }

    public func caseFacts(_ caseID: CaseID) throws -> CaseFacts {
        let caseID = caseID.rawValue
        return try guarded { try store.read { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireRead(record, in: tx)
            // A reader who holds no key to the case (a colleague not on it) sees no dates rather than an error: the
            // case's details are under its key, and its facts record (transfers, events) is there only once recorded.
            do { return try caseFacts(record, in: tx) } catch VaultError.keyNotHeld {
                return CaseFacts(id: record.id, nhsBodies: [], transfers: try caseTransfers(caseID: record.id, in: tx), events: CaseEvents())
            }
        } }
    }

    /// Changes the case's complaint facts (events, refusals, subjects) and keeps the case row's dates in step.
    /// Internal: front ends say what happened (`recordCaseEvents`), and only the core changes the rows.
    func updateCaseFacts(_ caseID: String, operation: VaultOperation, auditAction: String, details: [String: String],
                         change: (inout CaseFacts, inout CaseRecord, any VaultRecordReading) throws -> Void) throws -> CaseFacts {
        try guarded { try store.write { tx in
            guard var caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(operation, of: caseRecord, in: tx)
            guard caseRecord.caseStatus != .erased else { throw VaultError.caseNotOpen(id: caseID, status: caseRecord.status) }
            let existing = try tx.consentRecord(Self.factsRecordID(caseID))
            var facts = try caseFacts(caseRecord, in: tx)
            try change(&facts, &caseRecord, tx)
            var sealedDetails = try caseDetails(caseRecord, in: tx)
            sealedDetails.incidentDate = facts.events.incidentDate?.description
            sealedDetails.awareDate = facts.events.awareDate?.description
            sealedDetails.complaintDate = facts.events.complaintDate?.description
            try setCaseDetails(sealedDetails, on: &caseRecord, in: tx)
            try tx.update(caseRecord)
            // The parties first: the facts go under the case key only once it exists (Vault+CaseParties).
            try saveCaseParties(caseID, in: tx) { $0.transfers = facts.transfers }
            try tx.save(try sealConsent(facts, id: Self.factsRecordID(caseID), type: .caseFacts, caseID: caseID, personID: nil,
                                        createdAt: existing?.createdAt, in: tx))
            try audit(event(auditAction, caseID: caseID, details: details), in: tx)
            return facts
        } }
    }
}
