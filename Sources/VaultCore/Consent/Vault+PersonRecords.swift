import Foundation
import VaultStorage

/// The sealed records about a person alone: capacity assessments, their status (death, Gillick competence,
/// objections, capacity) and the history of their edited details. What kind a row is would itself say something
/// about the person's health (that a capacity assessment exists for a person id), so in `vault.db` they all look
/// alike: record type `person_record`, a random `rec-…` id, the audit action `person.record`; the kind is sealed
/// inside the value. Rows that an earlier release wrote (`capacity`, `cap-…`, `status-per-…`) are read as well, until
/// the upgrade in Vault+SealUpgrade rewrites them.
extension Vault {
    enum PersonRecordKind: String, Codable, CaseIterable {
        case capacity
        case status = "person_status"
        case history = "person_history"

        /// The clear record type an earlier release stored this kind under.
        var earlierType: ConsentRecordType {
            switch self {
            case .capacity: .capacity
            case .status: .personStatus
            case .history: .personHistory
            }
        }
    }

    /// The sealed value of a `person_record` row: its kind, then the record.
    struct PersonRecordValue<T: Codable>: Codable {
        var kind: PersonRecordKind
        var value: T
    }

    private struct PersonRecordProbe: Decodable {
        let kind: String
    }

    static let personRecordAction = "person.record"

    /// The person's records of one kind, oldest first, with their rows.
    func personRecords<T: Codable>(_ personID: String, kind: PersonRecordKind, as _: T.Type,
                                   in tx: any VaultRecordReading) throws -> [(row: ConsentRecord, value: T)] {
        try tx.consentRecords(type: nil, caseID: nil, personID: personID).compactMap { row -> (ConsentRecord, T)? in
            guard row.caseID == nil else { return nil }
            if row.recordType == kind.earlierType.rawValue { return (row, try openConsent(row, as: T.self, in: tx)) }
            guard row.recordType == ConsentRecordType.personRecord.rawValue else { return nil }
            let payload = try openPayload(row, in: tx)
            // A kind this release does not know (written by a newer one) is some other record.
            guard try decodePayload(payload, as: PersonRecordProbe.self, record: row).kind == kind.rawValue else { return nil }
            return (row, try decodePayload(payload, as: PersonRecordValue<T>.self, record: row).value)
        }
    }

    /// The person's one record of a kind kept once per person (status, history), if any.
    func personRecord<T: Codable>(_ personID: String, kind: PersonRecordKind, as type: T.Type,
                                  in tx: any VaultRecordReading) throws -> (row: ConsentRecord, value: T)? {
        try personRecords(personID, kind: kind, as: type, in: tx).last
    }

    /// Seals and saves a person record: a new row with a fresh id, or `replacing` an existing one (its id and creation
    /// time kept). Returns the row's id.
    @discardableResult
    func savePersonRecord<T: Codable>(_ value: T, kind: PersonRecordKind, personID: String, replacing row: ConsentRecord? = nil,
                                      id: String? = nil, in tx: any VaultRecordWriting) throws -> String {
        let id = try row?.id ?? id ?? Self.newID("rec")
        try tx.save(try sealConsent(PersonRecordValue(kind: kind, value: value), id: id, type: .personRecord, caseID: nil,
                                    personID: personID, createdAt: row?.createdAt, in: tx))
        return id
    }
}
