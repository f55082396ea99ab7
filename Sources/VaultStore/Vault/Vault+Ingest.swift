import VaultModel
import Audit
import CProcessShims
import Foundation
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

extension Vault {
    public struct IngestOptions: Sendable {
        public var kind: DocumentKind?
        public var date: String?
        public var allowDuplicate: Bool
        public var actor: String?
        /// Rows are committed in batches of this many files (each blob is durable before its row commits).
        public var batchSize: Int
        /// The start of a PDF's text, for its date and kind; nil reads none (the vault runs no PDF parser itself:
        /// the CLI reads it in a child process with limits).
        public var pdfText: (@Sendable ([UInt8]) -> String?)?

        public init(kind: DocumentKind? = nil, date: String? = nil, allowDuplicate: Bool = false, actor: String? = nil, batchSize: Int = 500,
                    pdfText: (@Sendable ([UInt8]) -> String?)? = nil) {
            self.pdfText = pdfText
            self.kind = kind
            self.date = date
            self.allowDuplicate = allowDuplicate
            self.actor = actor
            self.batchSize = batchSize
        }
    }

    /// One file to ingest: the path to open (raw bytes, so names that are not UTF-8 still work) and the
    /// name to remember (sealed).
    public struct IngestFile: Sendable {
        public let pathBytes: [UInt8]
        public let originalName: [UInt8]
        /// An open memory file to read instead of `pathBytes` (an upload in an `IngestBuffer`, which owns it);
        /// `pathBytes` is then the name, for messages.
        let descriptor: Int32?

        public init(pathBytes: [UInt8], originalName: [UInt8]) {
            self.pathBytes = pathBytes
            self.originalName = originalName
            self.descriptor = nil
        }

        init(descriptor: Int32, originalName: [UInt8]) {
            self.pathBytes = originalName
            self.originalName = originalName
            self.descriptor = descriptor
        }

        public init(path: String) {
            self.init(pathBytes: Array(path.utf8), originalName: Array((path as NSString).lastPathComponent.utf8))
        }

        /// The path for messages: printable, with control characters and invalid UTF-8 escaped.
        public var path: String { DisplayText.escaped(bytes: pathBytes) }
    }

    public enum IngestOutcome: Sendable {
        case stored(documentID: DocumentID, size: Int64)
        case duplicate(of: DocumentID)
        case failed(String)
    }

    public struct IngestResult: Sendable {
        public let file: IngestFile
        public let outcome: IngestOutcome
        /// Something the person ingesting should know about a stored file (its content is not what its name says).
        public var warning: String? = nil
    }

    /// Encrypts each file into the case. A file that fails is reported and the others still go in; a
    /// failure never leaves a row without its blob, nor a temp file behind.
    public func ingest(caseID: CaseID, files: [IngestFile], options: IngestOptions,
                       progress: (Int, Int64) -> Void = { _, _ in }) throws -> [IngestResult] {
        try requireConsent(.ingestDocument, caseID: caseID)
        return try ingest(caseID: caseID.rawValue, files: files, options: options, progress: progress, alsoCommit: nil)
    }

    /// `alsoCommit` runs inside the last batch's transaction, with every result: a record that refers to the
    /// ingested documents (a consent's signed form) commits with them or not at all.
    func ingest(caseID: String, files: [IngestFile], options: IngestOptions, progress: (Int, Int64) -> Void,
                alsoCommit: ((any VaultRecordWriting, [IngestResult]) throws -> Void)?) throws -> [IngestResult] {
        if let date = options.date { _ = try Validation.date(date, field: "the document date") }
        let (caseKey, caseKeyVersion, macKey, storedMACs) = try store.read { tx -> (SecureBytes, Int, SecureBytes, [Data: String]) in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            guard record.caseStatus == .open else { throw VaultError.caseNotOpen(id: caseID, status: record.status) }
            let (key, version) = try currentCaseKey(caseID, in: tx)
            let metadataKey = try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
            return (key, version, try KeyHierarchy.contentMACKey(metadataKey: metadataKey, caseID: caseID), try tx.contentMACs(caseID: caseID))
        }
        let fieldKey = try KeyHierarchy.fieldKey(caseKey)
        let writer = BodyWriter()
        var results: [IngestResult] = []
        var pending: [(index: Int, record: DocumentRecord)] = []
        var pendingEvents: [AuditEvent] = []
        // Known content, loaded once: one query instead of one per file. (Another process ingesting the same
        // content at the same moment can still store it twice; duplicates are reported, never harmful.)
        var knownMACs = storedMACs
        var bytesDone: Int64 = 0

        func flush(last: Bool = false) throws {
            guard !pending.isEmpty || !pendingEvents.isEmpty || (last && alsoCommit != nil) else { return }
            let batch = pending
            let events = pendingEvents
            pending = []
            pendingEvents = []
            do {
                // Every blob of the batch is durable under its final name before any of its rows commits.
                try blobs.commitBatch(batch.map(\.record.id))
                // Rows and their audit events commit together, or neither does.
                try store.write { tx in
                    try insertDocuments(batch.map(\.record), caseID: caseID, sealedUnder: caseKey, version: caseKeyVersion, in: tx)
                    for event in events { try audit(event, in: tx) }
                    if last { try alsoCommit?(tx, results) }
                }
            } catch {
                // The rows did not commit: their blobs (or temp files) would be orphans, so take them away again.
                for item in batch {
                    blobs.remove(documentID: item.record.id)
                    unlink(blobs.temporary + "/" + item.record.id + ".tmp")
                    results[item.index] = IngestResult(file: results[item.index].file, outcome: .failed("not recorded: \(error)"))
                }
                throw error
            }
        }

        for file in files {
            let outcome: IngestOutcome
            var warning: String?
            do {
                let (record, body) = try encryptOne(file, writer: writer, caseID: caseID, caseKey: caseKey, caseKeyVersion: caseKeyVersion,
                                                    fieldKey: fieldKey, macKey: macKey, options: options) { mac in
                    options.allowDuplicate ? nil : knownMACs[mac]
                }
                if let record {
                    pending.append((results.count, record))
                    knownMACs[record.contentMAC] = record.id
                    outcome = .stored(documentID: DocumentID(record.id), size: record.size)
                    warning = DocumentClassifier.mismatch(fileName: String(decoding: file.originalName, as: UTF8.self), mediaType: record.mediaType)
                } else {
                    outcome = .duplicate(of: DocumentID(body))
                }
            } catch {
                outcome = .failed(Self.describe(error))
            }
            switch outcome {
            case .stored(let id, let size):
                bytesDone += size
                pendingEvents.append(event("document.ingest", caseID: caseID, documentID: id.rawValue, details: ["bytes": String(size)]))
            case .duplicate(let of):
                pendingEvents.append(event("document.ingest", caseID: caseID, outcome: .duplicate,
                                           details: ["duplicate_of": of.rawValue, "name_hmac": try auditChain.pseudonym(file.path)]))
            case .failed:
                pendingEvents.append(event("document.ingest", caseID: caseID, outcome: .failure,
                                           details: ["name_hmac": try auditChain.pseudonym(file.path)]))
            }
            results.append(IngestResult(file: file, outcome: outcome, warning: warning))
            progress(results.count, bytesDone)
            if pending.count >= options.batchSize { try flush() }
        }
        try flush(last: true)
        return results
    }

    /// Forms encrypted for a case whose rows are not written yet (case set-up).
    struct SealedForms {
        /// The rows to insert, one per distinct file.
        var records: [DocumentRecord] = []
        /// Per file given, the document that holds it (the same file given twice is stored once).
        var documentIDs: [String] = []
        /// The case key version the records are wrapped under (moved to the current one when inserted).
        var caseKey: SecureBytes
        var caseKeyVersion: Int
    }

    /// Case set-up: encrypts forms under the key of a case not yet written (or, for `recordSituation`, the case's
    /// current key, `knownMACs` its documents' content, so a form already in the case is not stored twice) and makes
    /// their blobs durable. The caller inserts `records` in the transaction that writes the records, and calls
    /// `discardForms` if it does not commit, so a refused set-up leaves no blob behind.
    func sealForms(_ files: [(IngestFile, DocumentKind, String?)], caseID: String, caseKey: SecureBytes, caseKeyVersion: Int = 1,
                   knownMACs: [Data: String] = [:]) throws -> SealedForms {
        let macKey = try store.read { tx in
            try KeyHierarchy.contentMACKey(metadataKey: try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx), caseID: caseID)
        }
        let fieldKey = try KeyHierarchy.fieldKey(caseKey)
        let writer = BodyWriter()
        var sealed = SealedForms(caseKey: caseKey, caseKeyVersion: caseKeyVersion)
        var known = knownMACs
        do {
            for (file, kind, date) in files {
                let options = IngestOptions(kind: kind, date: date, actor: actor, batchSize: 1)
                let record: DocumentRecord?
                let existing: String
                do {
                    (record, existing) = try encryptOne(file, writer: writer, caseID: caseID, caseKey: caseKey, caseKeyVersion: caseKeyVersion, fieldKey: fieldKey,
                                                        macKey: macKey, options: options) { known[$0] }
                } catch {
                    throw VaultError.invalidInput("the form \(file.path) could not be stored (\(Self.describe(error))); nothing was opened or recorded")
                }
                if let record {
                    sealed.records.append(record)
                    known[record.contentMAC] = record.id
                    sealed.documentIDs.append(record.id)
                } else {
                    sealed.documentIDs.append(existing)
                }
            }
            try blobs.commitBatch(sealed.records.map(\.id))
        } catch {
            discardForms(sealed.records.map(\.id))
            throw error
        }
        return sealed
    }

    /// Takes away the blobs (or temp files) of forms whose rows did not commit.
    func discardForms(_ documentIDs: [String]) {
        for id in documentIDs {
            blobs.remove(documentID: id)
            unlink(blobs.temporary + "/" + id + ".tmp")
        }
    }

    static func describe(_ error: Error) -> String {
        String(describing: error)
    }

    /// Encrypts one file to a temp blob and returns its row (not yet committed), or nil and the id of the
    /// document it duplicates. Its batch's `flush` makes the blob durable and moves it into place.
    private func encryptOne(_ file: IngestFile, writer: BodyWriter, caseID: String, caseKey: SecureBytes, caseKeyVersion: Int, fieldKey: SecureBytes,
                            macKey: SecureBytes, options: IngestOptions,
                            duplicateOf: (Data) throws -> String?) throws -> (DocumentRecord?, String) {
        let input: Int32
        if let descriptor = file.descriptor {
            // Our own descriptor (closed below), read from the start: the upload left the shared offset at its end.
            input = CProcessShims_duplicate(descriptor)
            if input >= 0 && lseek(input, 0, SEEK_SET) != 0 {
                close(input)
                throw FileError.system(operation: "seek", path: file.path, errno: errno)
            }
        } else {
            input = (file.pathBytes + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
            }
        }
        guard input >= 0 else { throw FileError.system(operation: "open", path: file.path, errno: errno) }
        defer { close(input) }
        var before = stat()
        guard fstat(input, &before) == 0 else { throw FileError.system(operation: "stat", path: file.path, errno: errno) }
        guard before.st_mode & S_IFMT == S_IFREG else { throw VaultError.invalidInput("\(file.path) is not a regular file") }

        let documentID = try Self.newID("doc")
        let documentKey = try SecureBytes.random(count: 32)
        let (output, temporaryPath) = try blobs.createTemporary(for: documentID)
        var keepTemporary = false
        defer {
            if !keepTemporary { unlink(temporaryPath) }
        }
        let body: EncryptedBody
        do {
            defer { close(output) }
            let context = hierarchy.documentContext(documentID: documentID)
            // A large file is read, sealed and written on three threads at once; a small one on this thread,
            // where starting threads would cost more than overlapping saves. Same blob either way.
            body = Int64(before.st_size) >= OverlappedPipeline.worthwhileSize
                ? try BodyWriter.encryptOverlapped(input: input, output: output, key: documentKey, context: context, macKey: macKey)
                : try writer.encrypt(input: input, output: output, key: documentKey, context: context, macKey: macKey)
            var after = stat()
            guard fstat(input, &after) == 0 else { throw FileError.system(operation: "stat", path: file.path, errno: errno) }
            guard after.st_size == before.st_size, after.st_mtim.tv_sec == before.st_mtim.tv_sec,
                  after.st_mtim.tv_nsec == before.st_mtim.tv_nsec, body.plaintextSize == Int64(before.st_size) else {
                throw VaultError.fileChanged(path: file.path)
            }
            if let existing = try duplicateOf(Data(body.contentMAC)) { return (nil, existing) }
        }
        // The temp file stays until its batch is made durable and moved into place (`flush`).
        keepTemporary = true

        let name = String(decoding: file.originalName, as: UTF8.self)
        let mediaType = DocumentClassifier.mediaType(fileName: name, head: body.head)
        let dated = Self.dateAndKind(name: name, mediaType: mediaType, head: body.head, input: input, size: Int(before.st_size),
                                     modified: before.st_mtim.tv_sec, options: options)
        var record = DocumentRecord(
            id: documentID, caseID: caseID, kind: dated.kind.rawValue,
            mediaType: mediaType, size: body.plaintextSize, documentDate: dated.date, documentDateSource: dated.source.rawValue,
            ingestedAt: timestamp(), ingestedBy: options.actor ?? actor, caseKeyVersion: caseKeyVersion,
            wrappedKey: try hierarchy.wrapDocumentKey(documentKey, documentID: documentID, caseID: caseID, caseKey: caseKey,
                                                      caseKeyVersion: caseKeyVersion),
            originalNameSealed: Data(), ciphertextSize: body.ciphertextSize, ciphertextSHA256: Data(body.ciphertextSHA256),
            contentMAC: Data(body.contentMAC))
        try Self.sealDocumentFields(name: file.originalName, dateSource: dated.source.rawValue, kind: dated.kind.rawValue, into: &record,
                                    fieldKey: fieldKey)
        return (record, documentID)
    }
}
