import Foundation
import VaultCrypto
import VaultStorage

/// A case's NHS body and its complaint's dates. They say which trust or practice a client complained about and when
/// something happened to them, so they are sealed together in one field of the case row (`cases.details_sealed`,
/// under the case key, bound to table, column, case id and key version) instead of lying in clear columns.
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
    /// Details under the case key (issue 17): the tag, the case key version (4 bytes, big-endian), then AES-256-GCM
    /// under that version's field key, bound to table, column, case id and the version. Without the tag: an earlier
    /// release's field under the vault metadata key, which every account holds; it still opens, and is sealed under
    /// the case key on the next change of the details or rotation of the case key. An erased case keeps its NHS body
    /// under the metadata key, as its case key is destroyed.
    static let caseDetailsTag: [UInt8] = Array("cvd3".utf8)

    private static func caseDetailsBinding(keyVersion: Int) -> [UInt8] { Array("case-key-version/v3\u{0}\(keyVersion)".utf8) }

    /// The case's details: the sealed field, or the clear columns of a row not yet upgraded. `keyNotHeld` for an
    /// account that holds no key to the case.
    func caseDetails(_ record: CaseRecord, in tx: any VaultRecordReading) throws -> CaseDetails {
        guard let sealed = record.detailsSealed else { return CaseDetails(clearColumnsOf: record) }
        let bytes: [UInt8]
        let header = Self.caseDetailsTag.count + 4
        if sealed.starts(with: Self.caseDetailsTag), sealed.count > header {
            let keyVersion = sealed.prefix(header).dropFirst(Self.caseDetailsTag.count).reduce(0) { $0 << 8 | Int($1) }
            let opener = try fieldOpener(scope: KeyHierarchy.caseScope(record.id), version: keyVersion, in: tx)
            bytes = try KeyHierarchy.open(sealed.dropFirst(header), opener: opener, table: CaseRecord.tableName, column: Self.caseDetailsColumn,
                                          rowID: record.id, binding: Self.caseDetailsBinding(keyVersion: keyVersion))
        } else {
            let opener = try fieldOpener(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
            bytes = try KeyHierarchy.open(sealed, opener: opener, table: CaseRecord.tableName, column: Self.caseDetailsColumn, rowID: record.id)
        }
        do {
            return try SealedFormat.decode(CaseDetails.self, from: Data(bytes))
        } catch {
            throw VaultError.damagedField(table: CaseRecord.tableName, column: Self.caseDetailsColumn, rowID: record.id)
        }
    }

    /// The details, or nil when this account holds no key to the case (a listing labels them instead).
    func caseDetailsIfHeld(_ record: CaseRecord, in tx: any VaultRecordReading) throws -> CaseDetails? {
        do { return try caseDetails(record, in: tx) } catch VaultError.keyNotHeld { return nil }
    }

    /// Where `setCaseDetails` seals.
    enum CaseDetailsKey {
        /// The case's newest key version, unwrapped with the actor's identity.
        case currentCaseKey
        /// A version the caller holds in hand: a new case's first key, or a rotation's new one.
        case caseKey(SecureBytes, version: Int)
        /// The metadata key: an erased case (its keys are gone), or an upgrade of an earlier release's clear columns
        /// by someone who holds no key to the case.
        case metadataKey
    }

    /// Seals `details` into the row and empties the clear columns (the caller writes the row).
    func setCaseDetails(_ details: CaseDetails, on record: inout CaseRecord, under target: CaseDetailsKey = .currentCaseKey,
                        in tx: any VaultRecordReading) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var payload = Array(try SealedFormat.encode(details, with: encoder))
        defer { payload.withUnsafeMutableBytes { secureZero($0) } }
        // JSON allows trailing white space, so the padding needs no length field.
        let padded = (payload.count / Self.caseDetailsPadding + 1) * Self.caseDetailsPadding
        payload += [UInt8](repeating: 0x20, count: padded - payload.count)
        let key: SecureBytes
        let version: Int
        switch target {
        case .metadataKey:
            record.detailsSealed = try KeyHierarchy.seal(payload, fieldKey: try metadataFieldKey(tx), table: CaseRecord.tableName,
                                                         column: Self.caseDetailsColumn, rowID: record.id)
            record.clearDetailColumns()
            return
        case .currentCaseKey: (key, version) = try currentCaseKey(record.id, in: tx)
        case .caseKey(let given, let givenVersion): (key, version) = (given, givenVersion)
        }
        let sealed = try KeyHierarchy.seal(payload, fieldKey: try KeyHierarchy.fieldKey(key), table: CaseRecord.tableName,
                                           column: Self.caseDetailsColumn, rowID: record.id, binding: Self.caseDetailsBinding(keyVersion: version))
        let v = UInt32(version)
        record.detailsSealed = Data(Self.caseDetailsTag) + Data([UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)])
            + sealed
        record.clearDetailColumns()
    }
}

extension CaseRecord {
    mutating func clearDetailColumns() {
        nhsBody = nil
        incidentDate = nil
        awareDate = nil
        complaintDate = nil
    }
}
