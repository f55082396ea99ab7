import Foundation
import VaultCrypto
import VaultStorage

/// A case's NHS body and its complaint's dates. They say which trust or practice a client complained about and when
/// something happened to them, so they are sealed together in one field of the case row (`cases.details_sealed`,
/// under the vault metadata key, bound to table, column and case id) instead of lying in clear columns.
struct CaseDetails: Codable, Equatable, Sendable {
    var nhsBody: String?
    var incidentDate: String?
    var awareDate: String?
    var complaintDate: String?

    enum CodingKeys: String, CodingKey {
        case nhsBody = "nhs_body"
        case incidentDate = "incident_date"
        case awareDate = "aware_date"
        case complaintDate = "complaint_date"
    }

    /// What a row written before the field existed holds in its clear columns.
    init(clearColumnsOf record: CaseRecord) {
        nhsBody = record.nhsBody
        incidentDate = record.incidentDate
        awareDate = record.awareDate
        complaintDate = record.complaintDate
    }

    init(nhsBody: String? = nil, incidentDate: String? = nil, awareDate: String? = nil, complaintDate: String? = nil) {
        self.nhsBody = nhsBody
        self.incidentDate = incidentDate
        self.awareDate = awareDate
        self.complaintDate = complaintDate
    }
}

extension CaseRecord {
    /// Whether the row still holds a detail in a clear column (a row of an earlier release not yet upgraded).
    var hasClearDetails: Bool { nhsBody != nil || incidentDate != nil || awareDate != nil || complaintDate != nil }
}

extension Vault {
    static let caseDetailsColumn = "details"
    /// The sealed JSON is padded to a multiple of this many bytes, so the field's size does not tell a short body's
    /// name from a long one, or a case with dates from one without.
    static let caseDetailsPadding = 128

    /// The case's details: the sealed field, or the clear columns of a row not yet upgraded.
    func caseDetails(_ record: CaseRecord, in tx: any VaultRecordReading) throws -> CaseDetails {
        guard let sealed = record.detailsSealed else { return CaseDetails(clearColumnsOf: record) }
        let opener = try fieldOpener(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
        let bytes = try KeyHierarchy.open(sealed, opener: opener, table: CaseRecord.tableName, column: Self.caseDetailsColumn, rowID: record.id)
        do {
            return try SealedFormat.decode(CaseDetails.self, from: Data(bytes))
        } catch {
            throw VaultError.damagedField(table: CaseRecord.tableName, column: Self.caseDetailsColumn, rowID: record.id)
        }
    }

    /// Seals `details` into the row and empties the clear columns (the caller writes the row).
    func setCaseDetails(_ details: CaseDetails, on record: inout CaseRecord, in tx: any VaultRecordReading) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var payload = Array(try SealedFormat.encode(details, with: encoder))
        // JSON allows trailing white space, so the padding needs no length field.
        let padded = (payload.count / Self.caseDetailsPadding + 1) * Self.caseDetailsPadding
        payload += [UInt8](repeating: 0x20, count: padded - payload.count)
        record.detailsSealed = try KeyHierarchy.seal(payload, fieldKey: try metadataFieldKey(tx), table: CaseRecord.tableName,
                                                     column: Self.caseDetailsColumn, rowID: record.id)
        record.nhsBody = nil
        record.incidentDate = nil
        record.awareDate = nil
        record.complaintDate = nil
    }
}
