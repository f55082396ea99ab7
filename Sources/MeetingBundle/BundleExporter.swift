import BundleModel
import Foundation
import PDFRender
import Redaction
import VaultCrypto

/// Makes a redacted, signed meeting bundle from documents already decrypted in memory. Writes nothing:
/// the caller writes the PDF and manifest it returns (atomically), so a bundle that fails its leak check
/// never reaches the disk.
public final class BundleExporter {
    public struct Result {
        public var pdf: [UInt8]
        public var manifest: BundleManifest
        public var reports: [DocumentReport]
        public var pages: Int
        /// How long each document and page took to analyse, and the leak check (seconds).
        public var timings: [DocumentTiming] = []
        public var leakCheckSeconds: Double = 0
        /// Documents left out because their analysis broke a limit (`BundleError.analysisLimit`).
        public var leftOut: [BundleError] = []
    }

    public struct Plan {
        public var reports: [DocumentReport]
        public var pages: Int
        public var timings: [DocumentTiming] = []
        public var leftOut: [BundleError] = []
    }

    private let request: BundleRequest
    private let sources: [BundleSource]
    private let ocr: OCREngine?
    private let redactor: Redactor
    private let runner: DocumentAnalysisRunner

    /// `sources` in any order: the bundle puts them in date order (undated last, then by when they were stored).
    /// PDFs and images are read by `runner`: a program that handles files from outside gives one that runs the
    /// analysis in a child process with `request.analysisLimits`.
    public init(request: BundleRequest, sources: [BundleSource], ocr: OCREngine?, runner: DocumentAnalysisRunner = InProcessAnalysis()) {
        var request = request
        let redactor = Redactor(context: request.context, policy: request.policy)
        self.redactor = redactor
        // The meeting's name is printed on every page: it is redacted like everything else, and so are the
        // references typed for the cover.
        request.meeting = redactor.redact(request.meeting) { _ in "[REDACTED]" }
        request.ourReference = request.ourReference.map { redactor.redact($0) { _ in "[REDACTED]" } }
        request.theirReference = request.theirReference.map { redactor.redact($0) { _ in "[REDACTED]" } }
        self.request = request
        self.sources = sources.sorted { Self.chronological($0, $1) }
        self.ocr = ocr
        self.runner = runner
    }

    static func chronological(_ a: BundleSource, _ b: BundleSource) -> Bool {
        switch (a.documentDate, b.documentDate) {
        case let (x?, y?) where x != y: return x < y
        case (_?, nil): return true
        case (nil, _?): return false
        default: return (a.ingestedAt, a.documentID) < (b.ingestedAt, b.documentID)
        }
    }

    /// The documents analysed, and those left out because their analysis broke a limit.
    private func analyse(with composer: PDFComposer, keepRasters: Bool) throws -> ([AnalysedDocument], [BundleError]) {
        guard !sources.isEmpty else { throw BundleError.nothingToBundle }
        let analyser = BundleAnalyser(redactor: redactor, ocr: ocr, composer: composer, dpi: request.dpi, includeUnreviewed: request.includeUnreviewed,
                                      ocrEveryPage: request.ocrEveryPage, keepRasters: keepRasters, runner: runner, limits: request.analysisLimits)
        var documents: [AnalysedDocument] = []
        var leftOut: [BundleError] = []
        for (index, source) in sources.enumerated() {
            do {
                documents.append(try analyser.analyse(source, index: index))
            } catch let error as BundleError {
                guard case .analysisLimit = error, !request.stopAtAnalysisLimit else { throw error }
                leftOut.append(error)
            }
        }
        return (documents, leftOut)
    }

    /// What `export` would do, without drawing anything (`--dry-run`).
    public func plan() throws -> Plan {
        let composer = try PDFComposer(title: "Meeting bundle")
        var (documents, leftOut) = try analyse(with: composer, keepRasters: false)
        let index = BundleWriter(request: request, composer: composer, sources: sources).indexLayout(documents)
        let pages = BundleWriter.number(&documents, indexPages: index.rowsPerPage.count)
        return Plan(reports: documents.map(\.report), pages: pages, timings: documents.map(\.timing), leftOut: leftOut)
    }

    public func export(signingKey: Ed25519.PrivateKey) throws -> Result {
        var result = try exportUnsigned()
        result.manifest = try result.manifest.signed(with: signingKey)
        return result
    }

    /// The bundle with its manifest not yet signed: `casevault-pdf` makes it, and casevault, which holds the key, signs it.
    public func exportUnsigned() throws -> Result {
        // The title is the same for every bundle: the document information dictionary says nothing about the case.
        let composer = try PDFComposer(title: "Meeting bundle")
        var (documents, leftOut) = try analyse(with: composer, keepRasters: true)
        guard documents.contains(where: { $0.pageCount > 0 }) else {
            throw documents.contains(where: { $0.report.pagesLeftOut > 0 }) ? BundleError.everyPageNeedsReview : BundleError.nothingToBundle
        }
        let writer = BundleWriter(request: request, composer: composer, sources: sources)
        let index = writer.indexLayout(documents)
        let pages = BundleWriter.number(&documents, indexPages: index.rowsPerPage.count)
        let rasterPages = try writer.draw(documents, index: index, totalPages: pages)
        let pdf = try composer.finish()

        var owners: [Int: String] = [:]
        for report in documents.map(\.report) {
            if let first = report.firstPage, let last = report.lastPage { for page in first...last { owners[page] = report.documentID } }
        }
        let check = LeakCheck(redacted: documents.flatMap(\.redacted), context: request.context, policy: redactor.policy, pageOwners: owners)
        let leaks: [LeakCheck.Leak]
        let checkStarted = Stopwatch()
        do {
            leaks = try check.findLeaks(in: pdf, rasterPages: rasterPages, readByOCR: ocr != nil, dpi: request.dpi)
        } catch let error as PDFError {
            throw BundleError.checkFailed(reason: error.description)
        }
        let leakCheckSeconds = checkStarted.seconds
        if let leak = leaks.first {
            throw BundleError.leak(documentID: leak.documentID, kind: leak.kind, location: leak.location)
        }

        let items = documents.map { document in
            BundleManifest.Item(tab: document.report.tab, documentID: document.report.documentID,
                                ciphertextSHA256: sources[document.sourceIndex].ciphertextSHA256,
                                firstPage: document.report.firstPage, lastPage: document.report.lastPage,
                                redactions: document.report.redactions, pagesLeftOut: document.report.pagesLeftOut)
        }
        let manifest = try BundleManifest(vaultID: request.vaultID, caseID: request.caseID, bundleID: request.bundleID, created: request.created,
                                          creator: request.creatorID, recipient: request.recipientID, pages: pages,
                                          pdfSHA256: HashFunction.sha256.hash(pdf).hexString, items: items)
        return Result(pdf: pdf, manifest: manifest, reports: documents.map(\.report), pages: pages, timings: documents.map(\.timing),
                      leakCheckSeconds: leakCheckSeconds, leftOut: leftOut)
    }
}
