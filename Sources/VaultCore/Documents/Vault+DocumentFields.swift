import Foundation
import VaultCrypto
import VaultStorage

/// A document's sealed fields under its case key: the original name, how its date was found (issue 18: the date
/// source was clear, and "letterhead" or "email Date header" says what kind of paper a client holds) and, for the forms
/// behind records, its precise kind. All are bound to the row's clear columns (`clearFieldsBinding`), so an edit of
/// those made outside casevault makes them fail.
extension Vault {
    static let dateSourceColumn = "date_source"
    static let kindColumn = "kind"
    /// The clear kind of every form behind a record: a consent form and the evidence of a legal authority (an LPA, a
    /// deputyship order, a grant of probate) look alike in vault.db, as consents and authorities do in
    /// `consent_records`; that a case holds an LPA or a deputyship order would say that its client may lack capacity.
    /// The precise kind is sealed in `kind_sealed`. No reader treats `form` as a kind it knows, so a row whose sealed
    /// kind is lost counts as an unknown kind (left out of bundles), never as an ordinary one.
    static let formClearKind = "form"

    /// What `kind` is stored as in clear.
    static func clearKind(of kind: String) -> String {
        [DocumentKind.consentForm.rawValue, DocumentKind.authorityEvidence.rawValue].contains(kind) ? formClearKind : kind
    }

    /// Sets the record's kind (in clear, or `form` with the kind sealed), seals `name` and `dateSource` and empties
    /// the clear source column. Everything else the binding covers must already hold its final value.
    static func sealDocumentFields(name: [UInt8], dateSource: String, kind: String, into record: inout DocumentRecord,
                                   fieldKey: SecureBytes) throws {
        record.kind = clearKind(of: kind)
        record.documentDateSource = ""
        let binding = record.clearFieldsBinding
        record.kindSealed = record.kind == kind ? nil : try KeyHierarchy.seal(Array(kind.utf8), fieldKey: fieldKey, table: DocumentRecord.tableName,
                                                                              column: kindColumn, rowID: record.id, binding: binding)
        record.dateSourceSealed = try KeyHierarchy.seal(Array(dateSource.utf8), fieldKey: fieldKey, table: DocumentRecord.tableName,
                                                        column: dateSourceColumn, rowID: record.id, binding: binding)
        record.originalNameSealed = try KeyHierarchy.seal(name, fieldKey: fieldKey, table: DocumentRecord.tableName, column: "original_name",
                                                          rowID: record.id, binding: binding)
    }

    /// The name, date source and kind, opened under the case key's field key (a row not yet upgraded: its clear source).
    static func openDocumentFields(_ record: DocumentRecord, fieldKey: SecureBytes) throws -> (name: [UInt8], dateSource: String, kind: String) {
        let opener = try AESGCM.Opener(key: fieldKey)
        let name = try KeyHierarchy.open(record.originalNameSealed, opener: opener, table: DocumentRecord.tableName, column: "original_name",
                                         rowID: record.id, binding: record.clearFieldsBinding)
        return (name, try dateSource(record, opener: opener), try kind(record, opener: opener))
    }

    /// The date source with an opener already keyed (listings).
    /// `binding`: the row's clear-fields binding when the caller already built it (listings open several fields per row).
    static func dateSource(_ record: DocumentRecord, opener: AESGCM.Opener, binding: [UInt8]? = nil) throws -> String {
        guard let sealed = record.dateSourceSealed else { return record.documentDateSource }
        return String(decoding: try KeyHierarchy.open(sealed, opener: opener, table: DocumentRecord.tableName, column: dateSourceColumn,
                                                      rowID: record.id, binding: binding ?? record.clearFieldsBinding), as: UTF8.self)
    }

    /// The precise kind with an opener already keyed (listings): the sealed one, else the clear one.
    static func kind(_ record: DocumentRecord, opener: AESGCM.Opener, binding: [UInt8]? = nil) throws -> String {
        guard let sealed = record.kindSealed else { return record.kind }
        return String(decoding: try KeyHierarchy.open(sealed, opener: opener, table: DocumentRecord.tableName, column: kindColumn,
                                                      rowID: record.id, binding: binding ?? record.clearFieldsBinding), as: UTF8.self)
    }
}
