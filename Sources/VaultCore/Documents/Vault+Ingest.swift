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
        /// Threads that encrypt files while the calling thread commits batches (nil: both cores); 0 encrypts each file
        /// on the calling thread, in turn (the one-thread ingest, for comparing).
        public var workers: Int?

        public init(kind: DocumentKind? = nil, date: String? = nil, allowDuplicate: Bool = false, actor: String? = nil, batchSize: Int = 500,
                    pdfText: (@Sendable ([UInt8]) -> String?)? = nil, workers: Int? = nil) {
            self.pdfText = pdfText
            self.workers = workers
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
        let sealer = DocumentSealer(blobs: blobs, hierarchy: hierarchy, caseID: caseID, caseKey: caseKey, caseKeyVersion: caseKeyVersion,
                                    macKey: macKey, options: options, actor: options.actor ?? actor)
        var results: [IngestResult] = []
        var pending: [(index: Int, record: DocumentRecord)] = []
        var pendingEvents: [AuditEvent] = []
        // Known content, loaded once: one query instead of one per file. (Another process ingesting the same
        // content at the same moment can still store it twice; duplicates are reported, never harmful.)
        var knownMACs = storedMACs
        var bytesDone: Int64 = 0

        // Files are encrypted on both cores, up to a batch ahead, while this thread completes their rows in order and
        // commits each batch. The workers see only the content stored before this ingest; a file repeating one
        // earlier in the same ingest is found below, in order, and its temp blob removed.
        let allowDuplicate = options.allowDuplicate
        // The files of one batch (counted by file: repeats and failures can shift a batch's end, so a batch may span
        // two groups) get ids with the same random first byte, so their blobs share one folder and the batch fsyncs one
        // or two folders before its rows commit, not one for nearly every file (~220 of the 256 for 500 files, each a
        // synchronous write: for 10 000 files of 2-50 KB, 4 393 folder fsyncs took 7.9 s of this thread at load 10).
        let batchSize = max(1, options.batchSize)
        let firstIDBytes = try SystemRandom.bytes(count: files.count / batchSize + 1)
        let pool = IngestPool(count: files.count, workers: Self.sharesDescriptors(files) ? 0 : options.workers ?? IngestPool.defaultWorkers,
                              window: max(16, options.batchSize)) { index, writer in
            sealer.outcome(files[index], writer: writer, firstIDByte: firstIDBytes[index / batchSize]) { mac in
                allowDuplicate ? nil : storedMACs[mac]
            }
        }
        defer {
            // Files encrypted ahead of a failed batch: their rows never commit, so their temp blobs go.
            for case .sealed(let sealed) in pool.finish() { blobs.removeTemporary(documentID: sealed.record.id) }
        }

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
                    blobs.removeTemporary(documentID: item.record.id)
                    results[item.index] = IngestResult(file: results[item.index].file, outcome: .failed("not recorded: \(error)"))
                }
                throw error
            }
        }

        for (index, file) in files.enumerated() {
            let outcome: IngestOutcome
            var warning: String?
            switch pool.take(index) {
            case .sealed(let sealed):
                if !allowDuplicate, let existing = knownMACs[sealed.record.contentMAC] {
                    blobs.removeTemporary(documentID: sealed.record.id)
                    outcome = .duplicate(of: DocumentID(existing))
                } else {
                    do {
                        let record = try completeRow(sealed, fieldKey: fieldKey)
                        pending.append((results.count, record))
                        knownMACs[record.contentMAC] = record.id
                        outcome = .stored(documentID: DocumentID(record.id), size: record.size)
                        warning = DocumentClassifier.mismatch(fileName: String(decoding: file.originalName, as: UTF8.self), mediaType: record.mediaType)
                    } catch {
                        blobs.removeTemporary(documentID: sealed.record.id)
                        outcome = .failed(Self.describe(error))
                    }
                }
            case .duplicate(let existing):
                outcome = .duplicate(of: DocumentID(existing))
            case .failed(let message):
                outcome = .failed(message)
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

    /// Whether two files are the same open upload: a duplicated descriptor shares its offset, so they must not be
    /// read at the same time.
    static func sharesDescriptors(_ files: [IngestFile]) -> Bool {
        var seen = Set<Int32>()
        return files.contains { file in file.descriptor.map { !seen.insert($0).inserted } ?? false }
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
                let sealer = DocumentSealer(blobs: blobs, hierarchy: hierarchy, caseID: caseID, caseKey: caseKey, caseKeyVersion: caseKeyVersion,
                                            macKey: macKey, options: IngestOptions(kind: kind, date: date, actor: actor, batchSize: 1), actor: actor)
                var temporary: String?
                do {
                    switch try sealer.encrypt(file, writer: writer, duplicateOf: { known[$0] }) {
                    case .sealed(let form):
                        temporary = blobs.temporaryPath(for: form.record.id)
                        let record = try completeRow(form, fieldKey: fieldKey)
                        sealed.records.append(record)
                        known[record.contentMAC] = record.id
                        sealed.documentIDs.append(record.id)
                    case .duplicate(let existing):
                        sealed.documentIDs.append(existing)
                    case .failed(let message):  // `encrypt` throws instead; only `outcome` returns this
                        throw VaultError.invalidInput(message)
                    }
                } catch {
                    // Only completing the row throws after the blob is written; the blob is then no form's.
                    if let temporary { unlink(temporary) }
                    throw VaultError.invalidInput("the form \(file.path) could not be stored (\(Self.describe(error))); nothing was opened or recorded")
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
            blobs.removeTemporary(documentID: id)
        }
    }

    static func describe(_ error: Error) -> String {
        String(describing: error)
    }
}
