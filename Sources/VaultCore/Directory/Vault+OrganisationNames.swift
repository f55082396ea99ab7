import Foundation
import VaultCrypto
import VaultStorage

/// Organisation names, sealed under the vault metadata key (issue 18): an advocacy service's name is public, but the
/// list of services in one vault file says who shares it and with whom cases are transferred. A unique blind index
/// of the lower-cased name keeps one name per organisation and finds a name exactly without opening every row.
extension Vault {
    static let organisationNameField = "organisations.name"

    static func organisationNameIndex(_ name: String, metadataKey: SecureBytes) throws -> Data {
        try KeyHierarchy.blindIndex(name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased(), field: organisationNameField,
                                    metadataKey: metadataKey)
    }

    /// Seals `name` into the row, sets its index, and leaves the organisation's id in the clear column.
    func sealOrganisationName(_ name: String, into record: inout OrganisationRecord, in tx: any VaultRecordReading) throws {
        let metadataKey = try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
        record.nameSealed = try KeyHierarchy.seal(Array(name.utf8), fieldKey: try KeyHierarchy.fieldKey(metadataKey),
                                                  table: OrganisationRecord.tableName, column: "name", rowID: record.id)
        record.nameIndex = try Self.organisationNameIndex(name, metadataKey: metadataKey)
        record.name = record.id
    }

    /// The row with its name opened (the clear name of a row not yet upgraded). Never write it back: it holds the name
    /// in clear.
    func opened(_ record: OrganisationRecord, in tx: any VaultRecordReading) throws -> OrganisationRecord {
        guard let sealed = record.nameSealed else { return record }
        var opened = record
        let opener = try fieldOpener(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
        opened.name = String(decoding: try KeyHierarchy.open(sealed, opener: opener, table: OrganisationRecord.tableName, column: "name",
                                                             rowID: record.id), as: UTF8.self)
        return opened
    }

    func openedOrganisations(in tx: any VaultRecordReading) throws -> [OrganisationRecord] {
        try tx.organisations().map { try opened($0, in: tx) }
    }

    func organisationName(_ id: String, in tx: any VaultRecordReading) throws -> String? {
        try tx.organisation(id).map { try opened($0, in: tx).name }
    }

    /// The organisation whose name is exactly `name` (case aside), by its blind index, or among rows not yet upgraded.
    func organisation(named name: String, in tx: any VaultRecordReading) throws -> OrganisationRecord? {
        let index = try Self.organisationNameIndex(name, metadataKey: try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx))
        let wanted = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return try tx.organisations().first { $0.nameIndex == index || ($0.nameSealed == nil && $0.name.lowercased() == wanted) }
    }
}
