import VaultModel
import Audit
import Consent
import Foundation
import VaultCrypto

/// Correcting a document's date or kind (a guessed date that went wrong, a phone note filed as a letter): the row is
/// changed, its sealed name re-sealed (its AAD binds the clear fields, so an edit outside casevault still fails to
/// open), and the old and new values kept in the audit log as the document's history.
extension Vault {
    public struct DocumentChange: Encodable, Sendable {
        public let time: String
        public let actor: String?
        public let details: [String: String]
    }

    public func retagDocument(_ id: DocumentID, date: String?, kind: DocumentKind?) throws -> DocumentView {
        let id = id.rawValue
        guard date != nil || kind != nil else { throw VaultError.invalidInput("nothing to change: give a new date or kind") }
        if let date {
            guard let day = CivilDate(iso: date) else { throw VaultError.invalidInput("the document date must be a date written YYYY-MM-DD") }
            guard day <= today(), day.year >= 1900 else {
                throw VaultError.invalidInput("the document date \(date) is in the future or before 1900")
            }
        }
        return try guarded { try store.write { tx in
            guard var record = try tx.document(id) else { throw VaultError.notFound(kind: "document", id: id) }
            guard let caseRecord = try tx.caseRecord(record.caseID) else { throw VaultError.notFound(kind: "case", id: record.caseID) }
            try requireMember(.caseChange, of: caseRecord, in: tx)
            let caseKey = try dataKey(scope: KeyHierarchy.caseScope(record.caseID), version: record.caseKeyVersion, in: tx)
            let fieldKey = try KeyHierarchy.fieldKey(caseKey)
            let opened = try Self.openDocumentFields(record, fieldKey: fieldKey)
            var dateSource = opened.dateSource
            var details: [String: String] = [:]
            if let date, date != record.documentDate {
                details["date"] = "\(record.documentDate ?? "-") -> \(date)"
                record.documentDate = date
                dateSource = DateSource.corrected.rawValue
            }
            var newKind = opened.kind
            if let kind, kind.rawValue != opened.kind {
                // In clear, as the column says it: which form a form is stays sealed (see Vault+DocumentFields).
                details["kind"] = "\(Self.clearKind(of: opened.kind)) -> \(Self.clearKind(of: kind.rawValue))"
                newKind = kind.rawValue
            }
            guard !details.isEmpty else { throw VaultError.invalidInput("\(id) already has that date and kind; nothing was changed") }
            try Self.sealDocumentFields(name: opened.name, dateSource: dateSource, kind: newKind, into: &record, fieldKey: fieldKey)
            try tx.update(record)
            try audit(event("document.retag", caseID: record.caseID, documentID: id, details: details), in: tx)
            return try view(record, tx: tx)
        } }
    }

    /// A document's corrections, oldest first, for those who may read its case.
    public func documentHistory(_ id: DocumentID) throws -> [DocumentChange] {
        let id = id.rawValue
        return try guarded { try store.read { tx in
            // A removed document's history stays readable through its tombstone.
            guard let caseID = try tx.document(id)?.caseID ?? tx.consentRecord(Self.tombstoneID(ofDocument: id))?.caseID else {
                throw VaultError.notFound(kind: "document", id: id)
            }
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireRead(caseRecord, in: tx)
            let actions: Set<String> = ["document.retag", "document.ingest", "document.remove"]
            return try tx.auditEntries(caseID: caseID, since: nil, actor: nil)
                .filter { $0.event.documentID == id && actions.contains($0.event.action) }
                .map { DocumentChange(time: $0.event.time, actor: $0.event.actor, details: $0.event.details.merging(["action": $0.event.action]) { $1 }) }
        } }
    }
}
