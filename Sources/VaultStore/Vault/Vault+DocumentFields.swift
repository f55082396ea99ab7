import Foundation
import VaultCrypto
import VaultStorage

/// A document's sealed fields under its case key: the original name and how its date was found (issue 18: the date
/// source was clear, and "letterhead" or "email Date header" says what kind of paper a client holds). Both are bound
/// to the row's clear columns (`clearFieldsBinding`), so an edit of those made outside casevault makes them fail.
extension Vault {
    static let dateSourceColumn = "date_source"

    /// Seals `name` and `dateSource` into the record and empties the clear source column. Everything else the
    /// binding covers must already hold its final value.
    static func sealDocumentFields(name: [UInt8], dateSource: String, into record: inout DocumentRecord, fieldKey: SecureBytes) throws {
        record.documentDateSource = ""
        let binding = record.clearFieldsBinding
        record.dateSourceSealed = try KeyHierarchy.seal(Array(dateSource.utf8), fieldKey: fieldKey, table: DocumentRecord.tableName,
                                                        column: dateSourceColumn, rowID: record.id, binding: binding)
        record.originalNameSealed = try KeyHierarchy.seal(name, fieldKey: fieldKey, table: DocumentRecord.tableName, column: "original_name",
                                                          rowID: record.id, binding: binding)
    }

    /// The name and date source, opened under the case key's field key (a row not yet upgraded: its clear source).
    static func openDocumentFields(_ record: DocumentRecord, fieldKey: SecureBytes) throws -> (name: [UInt8], dateSource: String) {
        let name = try KeyHierarchy.open(record.originalNameSealed, fieldKey: fieldKey, table: DocumentRecord.tableName, column: "original_name",
                                         rowID: record.id, binding: record.clearFieldsBinding)
        guard let sealed = record.dateSourceSealed else { return (name, record.documentDateSource) }
        let source = try KeyHierarchy.open(sealed, fieldKey: fieldKey, table: DocumentRecord.tableName, column: dateSourceColumn,
                                           rowID: record.id, binding: record.clearFieldsBinding)
        return (name, String(decoding: source, as: UTF8.self))
    }

    /// The date source with an opener already keyed (listings).
    static func dateSource(_ record: DocumentRecord, opener: AESGCM.Opener) throws -> String {
        guard let sealed = record.dateSourceSealed else { return record.documentDateSource }
        return String(decoding: try KeyHierarchy.open(sealed, opener: opener, table: DocumentRecord.tableName, column: dateSourceColumn,
                                                      rowID: record.id, binding: record.clearFieldsBinding), as: UTF8.self)
    }
}
