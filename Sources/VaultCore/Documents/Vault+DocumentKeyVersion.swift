import VaultCrypto
import VaultStorage

extension Vault {
    /// Moves one document's key and sealed fields from one case key version to another. The blob is untouched: it is
    /// encrypted under the document's own key, which only changes wrapping.
    func rewrap(_ document: inout DocumentRecord, from oldKey: SecureBytes, to newKey: SecureBytes, version newVersion: Int,
                fieldKey newFieldKey: SecureBytes) throws {
        let documentKey = try hierarchy.unwrapDocumentKey(document, caseKey: oldKey)
        let (name, dateSource, kind) = try Self.openDocumentFields(document, fieldKey: try KeyHierarchy.fieldKey(oldKey))
        document.caseKeyVersion = newVersion
        document.wrappedKey = try hierarchy.wrapDocumentKey(documentKey, documentID: document.id, caseID: document.caseID, caseKey: newKey,
                                                           caseKeyVersion: newVersion)
        try Self.sealDocumentFields(name: name, dateSource: dateSource, kind: kind, into: &document, fieldKey: newFieldKey)
    }

    /// Inserts the rows of documents that were encrypted before this transaction began, under the case key that is
    /// current now. Encryption runs outside the write transaction (a large file takes seconds) with the case key read
    /// before it started; a rekey, or an unassignment or transfer with identities, can rotate that key meanwhile and
    /// destroy the version the rows were wrapped under. Inserted as they were, those documents could never be opened
    /// again, so they move to the current version here, where no rotation can interleave. An actor who is not
    /// entitled to the new version is refused by `currentCaseKey`, and the caller takes the blobs away again.
    func insertDocuments(_ records: [DocumentRecord], caseID: String, sealedUnder key: SecureBytes, version: Int,
                         in tx: any VaultRecordWriting) throws {
        guard !records.isEmpty else { return }
        guard let current = try tx.dataKeyVersions(scope: KeyHierarchy.caseScope(caseID)).last else {
            throw VaultError.notFound(kind: "case", id: caseID)
        }
        guard current != version else {
            for record in records { try tx.insert(record) }
            return
        }
        let (newKey, newVersion) = try currentCaseKey(caseID, in: tx)
        let newFieldKey = try KeyHierarchy.fieldKey(newKey)
        for var record in records {
            try rewrap(&record, from: key, to: newKey, version: newVersion, fieldKey: newFieldKey)
            try tx.insert(record)
        }
    }
}
