import Audit
import Foundation

/// `document remove`: one document is crypto-shredded. Its row goes (with the wrapped per-document key that alone
/// opens the body), SQLite overwrites the freed pages (secure_delete) and the write-ahead log is truncated, then the
/// encrypted body is unlinked. What stays is a sealed tombstone on the case (what it was, when it went, who removed
/// it and why) and the audit events, which name only ids.
extension Vault {
    public struct DocumentTombstone: Codable, Sendable, Equatable {
        public var documentID: String
        public var caseID: String
        public var kind: String
        public var documentDate: String?
        public var size: Int64
        public var ingestedAt: String
        public var removedAt: String
        public var removedBy: String?
        public var reason: String

        enum CodingKeys: String, CodingKey {
            case kind, size, reason
            case documentID = "document_id", caseID = "case_id", documentDate = "document_date", ingestedAt = "ingested_at"
            case removedAt = "removed_at", removedBy = "removed_by"
        }
    }

    static func tombstoneID(ofDocument documentID: String) -> String { "removed-" + documentID }

    public func removeDocument(_ documentID: DocumentID, reason: String) throws -> DocumentTombstone {
        let documentID = documentID.rawValue
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw VaultError.invalidInput("say why document \(documentID) is removed; nothing was removed")
        }
        let tombstone = try guarded { try store.write { tx -> DocumentTombstone in
            guard let document = try tx.document(documentID) else {
                if let record = try tx.consentRecord(Self.tombstoneID(ofDocument: documentID)),
                   let caseRecord = try tx.caseRecord(record.caseID ?? "") {
                    try requireRead(caseRecord, in: tx)
                    let earlier = try openConsent(record, as: DocumentTombstone.self, in: tx)
                    throw VaultError.invalidInput("document \(documentID) was already removed on \(earlier.removedAt); nothing was changed")
                }
                throw VaultError.notFound(kind: "document", id: documentID)
            }
            guard let caseRecord = try tx.caseRecord(document.caseID) else { throw VaultError.notFound(kind: "case", id: document.caseID) }
            try requireMember(.caseChange, of: caseRecord, in: tx)
            // The signed form of a consent is the evidence of what the person agreed (ICO, Art 7(1)): it goes only
            // with a consent that was voided as a recording mistake.
            for record in try tx.consentRecords(type: ConsentRecordType.authority.rawValue, caseID: document.caseID, personID: nil) {
                let stored = try openConsent(record, as: StoredAuthority.self, in: tx)
                if stored.formDocumentID == documentID && stored.voided == nil {
                    throw VaultError.invalidInput("document \(documentID) is the signed form of consent \(record.id), the evidence of what the "
                        + "person agreed, so it stays while that consent stands (void the consent first if it was recorded by mistake); nothing was removed")
                }
            }
            // A transfer's signed agreement (R-CON-8) is named only by its audit event.
            let transfers = try tx.auditEntries(caseID: document.caseID, since: nil, actor: nil).filter { $0.event.action == "case.transfer" }
            if transfers.contains(where: { $0.event.details["form_document"] == documentID }) {
                throw VaultError.invalidInput("document \(documentID) is the person's signed agreement to a transfer of the case, the "
                    + "evidence that their consents cover the new organisation (R-CON-8), so it stays; nothing was removed")
            }
            let opener = try fieldOpener(scope: KeyHierarchy.caseScope(document.caseID), version: document.caseKeyVersion, in: tx)
            // The tombstone is sealed: it keeps the precise kind; the audit event names the kind as the column does.
            let tombstone = DocumentTombstone(documentID: documentID, caseID: document.caseID, kind: try Self.kind(document, opener: opener),
                                              documentDate: document.documentDate, size: document.size, ingestedAt: document.ingestedAt,
                                              removedAt: timestamp(), removedBy: actor, reason: reason)
            try tx.deleteDocument(documentID)
            try tx.save(try sealConsent(tombstone, id: Self.tombstoneID(ofDocument: documentID), type: .documentTombstone,
                                        caseID: document.caseID, personID: nil, in: tx))
            // The reason stays sealed in the tombstone: it may describe the person.
            try audit(event("document.remove", caseID: document.caseID, documentID: documentID, details: ["kind": document.kind]), in: tx)
            return tombstone
        } }
        // After the commit: the row and its wrapped key are gone, so the body is noise; a crash before the unlink
        // leaves an orphan that `verify` reports and `verify --repair` quarantines. The body goes first, so a
        // failing checkpoint (another process holding the database) still leaves no readable copy behind.
        blobs.remove(documentID: documentID)
        try store.purgeFreedPages()
        return tombstone
    }

    /// The documents removed from a case, oldest first.
    public func removedDocuments(caseID: CaseID) throws -> [DocumentTombstone] {
        let caseID = caseID.rawValue
        return try guarded { try store.read { tx in
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireRead(caseRecord, in: tx)
            return try tx.consentRecords(type: ConsentRecordType.documentTombstone.rawValue, caseID: caseID, personID: nil)
                .map { try openConsent($0, as: DocumentTombstone.self, in: tx) }
        } }
    }
}
