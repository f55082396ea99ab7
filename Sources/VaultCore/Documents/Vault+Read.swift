import VaultModel
import Audit
import Consent
import Foundation
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

extension Vault {
    public struct DocumentView: Encodable, Sendable {
        public let id: DocumentID
        public let caseID: CaseID
        public let kind: String
        public let name: String
        public let mediaType: String
        public let size: Int64
        public let documentDate: String?
        public let documentDateSource: String
        public let ingestedAt: String
        public let ingestedBy: String?
        public let caseKeyVersion: Int
        public let ciphertextSHA256: String

        enum CodingKeys: String, CodingKey {
            case id, kind, name, size
            case caseID = "case_id"
            case mediaType = "media_type"
            case documentDate = "document_date"
            case documentDateSource = "document_date_source"
            case ingestedAt = "ingested_at"
            case ingestedBy = "ingested_by"
            case caseKeyVersion = "case_key_version"
            case ciphertextSHA256 = "ciphertext_sha256"
        }

        /// Read through casevault-pdf (its type, or its name when the type was not recognised at ingest).
        public var isPDF: Bool { mediaType == "application/pdf" || name.lowercased().hasSuffix(".pdf") }
    }

    func view(_ record: DocumentRecord, tx: any VaultRecordReading) throws -> DocumentView {
        try Self.view(record, opener: try fieldOpener(scope: KeyHierarchy.caseScope(record.caseID), version: record.caseKeyVersion, in: tx))
    }

    /// Views of many rows: the opener looked up once per run of rows under the same case key, not per row.
    func views(_ records: [DocumentRecord], tx: any VaultRecordReading) throws -> [DocumentView] {
        var last: (caseID: String, version: Int, opener: AESGCM.Opener)?
        return try records.map { record in
            if let last, last.caseID == record.caseID, last.version == record.caseKeyVersion { return try Self.view(record, opener: last.opener) }
            let opener = try fieldOpener(scope: KeyHierarchy.caseScope(record.caseID), version: record.caseKeyVersion, in: tx)
            last = (record.caseID, record.caseKeyVersion, opener)
            return try Self.view(record, opener: opener)
        }
    }

    static func view(_ record: DocumentRecord, opener: AESGCM.Opener) throws -> DocumentView {
        // Both sealed fields are bound to the same clear columns: built once (it hashes and encodes several of them).
        let hex = record.ciphertextSHA256.hexString
        let binding = record.clearFieldsBinding(ciphertextHex: hex)
        let name = try KeyHierarchy.open(record.originalNameSealed, opener: opener, table: "documents",
                                         column: "original_name", rowID: record.id, binding: binding)
        let dateSource = try Self.dateSource(record, opener: opener, binding: binding)
        return DocumentView(id: DocumentID(record.id), caseID: CaseID(record.caseID), kind: try Self.kind(record, opener: opener, binding: binding),
                            name: String(decoding: name, as: UTF8.self),
                            mediaType: record.mediaType, size: record.size, documentDate: record.documentDate,
                            documentDateSource: dateSource, ingestedAt: record.ingestedAt, ingestedBy: record.ingestedBy,
                            caseKeyVersion: record.caseKeyVersion,
                            ciphertextSHA256: hex)
    }

    /// The documents of a case (the consent rules must allow viewing them), or of every case the rules let this
    /// account view.
    public func documents(caseID: CaseID?) throws -> [DocumentView] {
        if let caseID {
            try requireConsent(.viewDocuments, caseID: caseID)
            return try store.read { tx in try views(try tx.documents(caseID: caseID.rawValue), tx: tx) }
        }
        return try guarded { try store.read { tx in
            let account = try account(in: tx)
            var viewable: [String: Bool] = [:]
            return try views(try tx.documents(caseID: nil).filter { record in
                if let known = viewable[record.caseID] { return known }
                var may = false
                if account.role != .admin, let caseRecord = try tx.caseRecord(record.caseID) {
                    let check = try evaluate(.viewDocuments, caseRecord: caseRecord, targetOrg: nil, in: tx)
                    let decision = check.decision
                    // A listing asks no questions: a warning counts only when its acknowledgements were given.
                    // Not with facts withheld (Vault+PersonSealing): this account holds no key to the case.
                    may = !check.factsWithheld && (decision.outcome == .allow
                        || (decision.outcome == .warn && decision.acknowledgementRequired.allSatisfy(acknowledged.contains)))
                }
                viewable[record.caseID] = may
                return may
            }, tx: tx)
        } }
    }

    public func document(_ id: DocumentID) throws -> DocumentView {
        let caseID = try caseID(ofDocument: id)
        try requireConsentForRead(.viewDocuments, caseID: caseID, documentID: id)
        return try store.read { tx in
            guard let record = try tx.document(id.rawValue) else { throw VaultError.notFound(kind: "document", id: id.rawValue) }
            let view = try view(record, tx: tx)
            viewedRecord = record
            return view
        }
    }

    /// The document's key and its blob checked for presence and size, ready to decrypt. Right after `document(id)`
    /// (a download: the view for its headers, then the body) the row that view was made from is used, as one read
    /// transaction would have given it, and its case key is already unwrapped: the row is not read a second time.
    func prepareRead(_ id: String) throws -> (record: DocumentRecord, key: SecureBytes, fd: Int32) {
        defer { viewedRecord = nil }
        if let record = viewedRecord, record.id == id,
           let caseKey = dataKeys[Self.dataKeyCacheKey(scope: KeyHierarchy.caseScope(record.caseID), version: record.caseKeyVersion)] {
            return (record, try hierarchy.unwrapDocumentKey(record, caseKey: caseKey), try openBlob(record))
        }
        let (record, key) = try store.read { tx -> (DocumentRecord, SecureBytes) in
            guard let record = try tx.document(id) else { throw VaultError.notFound(kind: "document", id: id) }
            let caseKey = try dataKey(scope: KeyHierarchy.caseScope(record.caseID), version: record.caseKeyVersion, in: tx)
            return (record, try hierarchy.unwrapDocumentKey(record, caseKey: caseKey))
        }
        return (record, key, try openBlob(record))
    }

    /// The document's blob, opened and checked against its row's size.
    func openBlob(_ record: DocumentRecord) throws -> Int32 {
        try Self.openBlob(path: blobs.path(for: record.id), documentID: record.id, expectedSize: record.ciphertextSize)
    }

    /// The same from plain values, so a worker thread can do it (it reads no state of the vault).
    static func openBlob(path: String, documentID id: String, expectedSize: Int64) throws -> Int32 {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ENOENT { throw VaultError.blobMissing(documentID: id) }
            throw FileError.system(operation: "open", path: path, errno: errno)
        }
        var info = stat()
        fstat(fd, &info)
        // A cut or padded blob is caught before any plaintext leaves.
        guard Int64(info.st_size) == expectedSize else {
            close(fd)
            throw VaultError.blobWrongSize(documentID: id, expected: expectedSize, found: Int64(info.st_size))
        }
        return fd
    }

    /// Streams the plaintext to `sink`, each chunk only after it authenticates. A blob that fails part-way
    /// throws after the authentic prefix; callers writing to a file discard it.
    /// The read is recorded in the audit log (and committed) before any plaintext leaves; a read that then
    /// fails is recorded too.
    public func decrypt(documentID: DocumentID, to sink: inout some ByteSink, purpose: ReadPurpose = .view) throws {
        try requireConsentForRead(purpose.action, caseID: try caseID(ofDocument: documentID), documentID: documentID)
        try decryptUnchecked(documentID: documentID.rawValue, to: &sink, purpose: purpose.rawValue)
    }

    /// Why a document is read: the consent action asked and the audit event recorded. A closed set, so a front end
    /// can neither choose a weaker consent action by naming a purpose nor write an audit action of its choosing.
    public enum ReadPurpose: String, Sendable {
        /// Shown or saved (`cat`, `export DOC`, a web page, the API's content route): view_documents.
        case view = "document.read"
        /// Read into a meeting bundle, under the export's own decision: export_bundle.
        case bundle = "bundle.read"

        var action: ConsentAction {
            switch self {
            case .view: .viewDocuments
            case .bundle: .exportBundle
            }
        }
    }

    /// The read without its consent question (`decrypt` asks it first); `purpose` is the audit action recorded.
    func decryptUnchecked(documentID: String, to sink: inout some ByteSink, purpose: String) throws {
        let (record, key, fd) = try prepareRead(documentID)
        defer { close(fd) }
        try audit(event(purpose, caseID: record.caseID, documentID: documentID))
        let context = hierarchy.documentContext(documentID: documentID)
        do {
            if record.ciphertextSize >= OverlappedPipeline.worthwhileSize && decryptWorkers == 0 {
                // The three-stage pipeline of before (reader, decryptor, writer), kept for comparing.
                try Cobblestone256.decrypt(fd: fd, to: &sink, key: key, context: context)
            } else if record.ciphertextSize >= OverlappedPipeline.worthwhileSize {
                // Read and decrypted on both cores, written here; the sink still gets only chunks that authenticated,
                // in order. Read-ahead for the two workers' interleaved reads, which together are one sequential scan.
                #if os(Linux)
                _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
                #endif
                try Cobblestone256.decryptParallel(source: try FileDescriptorRandomAccess(fd: fd), to: &sink, key: key, context: context,
                                                   workers: decryptWorkers ?? ParallelDecryption.defaultWorkers)
            } else {
                var source = FileDescriptorSource(fd: fd)
                try Cobblestone256.decrypt(from: &source, to: &sink, key: key, context: context)
            }
        } catch let error as VaultCryptoError {
            // The read was already recorded; if recording its failure fails too, the decryption error is the
            // one the user must see.
            try? audit(event(purpose, caseID: record.caseID, documentID: documentID, outcome: .failure))
            if case .io = error { throw error }
            throw VaultError.blobDamaged(documentID: documentID, reason: error.description)
        }
    }

    /// The whole plaintext in memory (for engines that work on text).
    public func plaintext(documentID: DocumentID) throws -> [UInt8] {
        var sink = ArraySink()
        try decrypt(documentID: documentID, to: &sink)
        return sink.bytes
    }
}
