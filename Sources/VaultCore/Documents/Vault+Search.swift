import DocumentText
import Foundation
import Redaction
import VaultCrypto
import VaultStorage
#if canImport(Glibc)
import Glibc
#endif

/// Search inside documents: decrypt and scan, in memory, over the documents of the cases the actor may view.
/// No index is kept (SECURITY.md, "Search"): a plaintext index would put the words of every letter on disk, and a
/// sealed one would have to be rebuilt on every rekey and erased with its case; scanning 100 MB of letters
/// decrypts at memory speed.
extension Vault {
    public struct SearchHit: Encodable, Sendable {
        public let documentID: DocumentID
        public let caseID: CaseID
        public let name: String
        public let kind: String
        public let documentDate: String?
        /// Occurrences of the query's words in the document.
        public let matches: Int
        /// Whether the words appear together in the order typed.
        public let phrase: Bool
        /// Up to three passages around the first hits, original text with line breaks as spaces.
        public let snippets: [String]

        enum CodingKeys: String, CodingKey {
            case name, kind, matches, phrase, snippets
            case documentID = "document_id"
            case caseID = "case_id"
            case documentDate = "document_date"
        }
    }

    public struct SearchResult: Encodable, Sendable {
        public let hits: [SearchHit]
        public let documentsSearched: Int
        /// Documents whose text could not be read here, named so nobody takes "no hit" for "not in the case".
        public let notSearched: [NotSearched]
        /// PDFs left out because the front end has no PDF reader (it passed no `pdfText`): an installation problem
        /// the front end reports, rather than a property of the documents.
        public let pdfsWithoutReader: Int

        enum CodingKeys: String, CodingKey {
            case hits
            case documentsSearched = "documents_searched"
            case notSearched = "not_searched"
            case pdfsWithoutReader = "pdfs_without_reader"
        }
    }

    public struct NotSearched: Encodable, Sendable {
        public let documentID: DocumentID
        /// Why, in words: "no text to read (a scan or photo)", "the PDF's text could not be read", "damaged: …".
        public let reason: String

        enum CodingKeys: String, CodingKey {
            case reason
            case documentID = "document_id"
        }
    }

    /// `pdfText` reads an untrusted PDF's text layer (the front end runs it in a confined child process); nil
    /// leaves PDFs out, listed in `notSearched`. Each case searched is one audit event (how many documents were
    /// read and how many matched); the query itself is not logged, since it is usually a person's name.
    public func search(_ text: String, caseID: CaseID?, pdfText: (([UInt8]) -> String?)? = nil) throws -> SearchResult {
        guard let query = SearchQuery(text) else { throw VaultError.invalidInput("the search has no letters or digits to look for") }
        // documents(caseID:) applies the consent rules: a named case must allow viewing; otherwise only the cases
        // this account may view are listed.
        let documents = try documents(caseID: caseID)
        // The rows and case keys in one read, rather than a query per document.
        let (records, caseKeys) = try store.read { tx -> ([String: DocumentRecord], [String: SecureBytes]) in
            let wanted = Set(documents.map(\.id.rawValue))
            var records: [String: DocumentRecord] = [:]
            var keys: [String: SecureBytes] = [:]
            for caseID in Set(documents.map(\.caseID.rawValue)) {
                for record in try tx.documents(caseID: caseID) where wanted.contains(record.id) {
                    records[record.id] = record
                    let scope = KeyHierarchy.caseScope(record.caseID)
                    let slot = "\(scope)#\(record.caseKeyVersion)"
                    if keys[slot] == nil { keys[slot] = try dataKey(scope: scope, version: record.caseKeyVersion, in: tx) }
                }
            }
            return (records, keys)
        }
        var hits: [SearchHit] = []
        var notSearched: [NotSearched] = []
        var perCase: [CaseID: (read: Int, matched: Int)] = [:]
        // Decrypting is sequential (the vault's keys and files); folding and matching, most of the work, run on
        // every core, a batch at a time so memory stays bounded.
        let batchSize = 64
        for start in stride(from: 0, to: documents.count, by: batchSize) {
            var batch: [(document: DocumentView, body: String)] = []
            for document in documents[start..<min(start + batchSize, documents.count)] {
                let record = records[document.id.rawValue]
                let caseKey = record.flatMap { caseKeys["\(KeyHierarchy.caseScope($0.caseID))#\($0.caseKeyVersion)"] }
                switch searchableText(of: document, record: record, caseKey: caseKey, pdfText: pdfText) {
                case .success(let text):
                    batch.append((document, text))
                    perCase[document.caseID, default: (0, 0)].read += 1
                case .failure(let reason):
                    notSearched.append(NotSearched(documentID: document.id, reason: reason.text))
                }
            }
            let found = SearchBatch(count: batch.count)
            let bodies = batch.map(\.body)
            DispatchQueue.concurrentPerform(iterations: bodies.count) { index in
                let folded = FoldedText(bodies[index])
                guard let match = folded.match(query) else { return }
                found.set(index, (match, match.ranges.map { folded.snippet(around: $0) }))
            }
            for (index, item) in batch.enumerated() {
                guard let (match, snippets) = found.get(index) else { continue }
                let document = item.document
                perCase[document.caseID, default: (0, 0)].matched += 1
                hits.append(SearchHit(documentID: document.id, caseID: document.caseID, name: document.name, kind: document.kind,
                                      documentDate: document.documentDate, matches: match.count, phrase: match.phrase, snippets: snippets))
            }
        }
        for (caseID, counts) in perCase.sorted(by: { $0.key < $1.key }) {
            try audit(event("document.search", caseID: caseID.rawValue,
                            details: ["documents": String(counts.read), "matched": String(counts.matched)]))
        }
        // Ranked: the words together first, then by how often they occur, then the newest document.
        hits.sort {
            if $0.phrase != $1.phrase { return $0.phrase }
            if $0.matches != $1.matches { return $0.matches > $1.matches }
            return ($0.documentDate ?? "") > ($1.documentDate ?? "")
        }
        return SearchResult(hits: hits, documentsSearched: documents.count - notSearched.count, notSearched: notSearched,
                            pdfsWithoutReader: notSearched.filter { $0.reason == Self.noPDFReader }.count)
    }

    struct Unreadable: Error { let text: String }

    static let noPDFReader = "a PDF, not searched: the PDF reader (casevault-pdf) is not installed here"

    /// The document's text, or why this search cannot read it. A damaged or missing body is reported here rather
    /// than stopping the search of the others (`verify` says what to do about it).
    private func searchableText(of document: DocumentView, record: DocumentRecord?, caseKey: SecureBytes?,
                                pdfText: (([UInt8]) -> String?)?) -> Result<String, Unreadable> {
        let isPDF = document.isPDF
        let format = SourceFormat.guess(mediaType: document.mediaType, fileName: document.name)
        if isPDF && pdfText == nil { return .failure(Unreadable(text: Self.noPDFReader)) }
        guard isPDF || format != nil else { return .failure(Unreadable(text: "no text to read here (a scan, photo or other file)")) }
        // Read without a per-document audit event: the search's own event per case says how many were read.
        var sink = ArraySink()
        do {
            // A row that went between the listing and this read (removed meanwhile) reads as not found.
            guard let record, let caseKey else { throw VaultError.notFound(kind: "document", id: document.id.rawValue) }
            let key = try hierarchy.unwrapDocumentKey(record, caseKey: caseKey)
            let fd = try openBlob(record)
            defer { close(fd) }
            var source = FileDescriptorSource(fd: fd)
            try Cobblestone256.decrypt(from: &source, to: &sink, key: key, context: hierarchy.documentContext(documentID: document.id.rawValue))
        } catch {
            return .failure(Unreadable(text: "its encrypted body could not be read (\(Self.describe(error))); verify the vault to find out more"))
        }
        if isPDF {
            guard let text = pdfText?(sink.bytes) else { return .failure(Unreadable(text: "the PDF has no text layer that could be read")) }
            return .success(text)
        }
        guard let format, let extracted = try? TextExtractor.extract(data: Data(sink.bytes), format: format) else {
            return .failure(Unreadable(text: "its text could not be extracted"))
        }
        return .success(extracted.renderedText)
    }
}

/// The matches of one batch, written by the threads that fold it (each index by exactly one).
private final class SearchBatch: @unchecked Sendable {
    private var results: [(SearchMatch, [String])?]
    private let lock = NSLock()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: (SearchMatch, [String])) {
        lock.lock()
        defer { lock.unlock() }
        results[index] = value
    }

    func get(_ index: Int) -> (SearchMatch, [String])? {
        lock.lock()
        defer { lock.unlock() }
        return results[index]
    }
}
