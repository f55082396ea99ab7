import Foundation
import VaultStorage

/// Level 4 of the upgrade in Vault+SealUpgrade: every row of `consent_records` rewritten as format 2 (bound to its
/// ledger version, see Vault+SealedRecords), and the person records an earlier release stored under revealing types
/// and ids (`capacity` with `cap-…`, `person_status` with `status-per-…`, `person_history` with `history-per-…`) moved
/// to opaque `person_record` rows under fresh ids (see Vault+PersonRecords). A row that no longer matches the ledger,
/// or does not open, is left as it is and named, so `verify` still reports it.
extension Vault {
    struct SealedRecordUpgrade {
        var resealed = 0
        var moved = 0
        var left: [String] = []
    }

    func upgradeSealedRecords(in tx: any VaultRecordWriting) throws -> SealedRecordUpgrade {
        var result = SealedRecordUpgrade()
        for row in try tx.consentRecords(type: nil, caseID: nil, personID: nil) {
            guard let type = ConsentRecordType(rawValue: row.recordType), try Self.matchesLedger(.sealed, row.id, row, in: tx) else {
                result.left.append(row.id)
                continue
            }
            let payload: Data
            do { payload = try openPayload(row, in: tx) } catch {
                result.left.append(row.id)
                continue
            }
            if row.caseID == nil, let personID = row.personID, let kind = PersonRecordKind.allCases.first(where: { $0.earlierType == type }) {
                guard try movePersonRecord(row, kind: kind, payload: payload, personID: personID, in: tx) else {
                    result.left.append(row.id)
                    continue
                }
                result.moved += 1
            } else {
                var resealed = row
                resealed.sealed = try sealPayload(Array(payload), id: row.id, type: type, caseID: row.caseID, personID: row.personID, in: tx)
                try tx.save(resealed)
                result.resealed += 1
            }
        }
        return result
    }

    /// Replaces an earlier release's person record by a `person_record` row with a fresh id (a capacity assessment's
    /// own id with it); false, and nothing written, when its value cannot be read.
    private func movePersonRecord(_ row: ConsentRecord, kind: PersonRecordKind, payload: Data, personID: String,
                                  in tx: any VaultRecordWriting) throws -> Bool {
        func move<T: Codable>(_: T.Type, renaming: (inout T, String) -> Void = { _, _ in }) throws -> Bool {
            guard var value = try? decodePayload(payload, as: T.self, record: row) else { return false }
            let id = try Self.newID("rec")
            renaming(&value, id)
            try tx.deleteConsentRecord(row.id)
            try tx.save(try sealConsent(PersonRecordValue(kind: kind, value: value), id: id, type: .personRecord, caseID: nil,
                                        personID: personID, createdAt: row.createdAt, in: tx))
            return true
        }
        switch kind {
        case .capacity: return try move(StoredCapacityAssessment.self) { $0.id = $1 }
        case .status: return try move(PersonStatus.self)
        case .history: return try move(PersonHistory.self)
        }
    }
}
