import BundleModel
import Foundation
import PDFRender

/// The analysis in this process, without limits: for tests and tools that read trusted files. OCR engines
/// are kept from one document to the next.
public final class InProcessAnalysis: DocumentAnalysisRunner, @unchecked Sendable {
    // @unchecked Sendable: the pool guards its own state.
    private let pool = OCRPool()

    public init() {}

    public func run(_ request: [UInt8], limits: AnalysisLimits) throws -> [UInt8] {
        DocumentAnalysis.respond(to: request, pool: pool)
    }
}

/// What crosses the boundary: one request (the document and how to read it) in, one answer (the pages read,
/// before redaction) out.
public enum DocumentAnalysis {
    /// The analysing process's whole work. Never throws: a failure is encoded in the answer.
    public static func respond(to request: [UInt8]) -> [UInt8] {
        respond(to: request, pool: OCRPool())
    }

    static func respond(to request: [UInt8], pool: OCRPool) -> [UInt8] {
        var writer = WireWriter()
        writer.bytes += AnalysisWire.magic
        do {
            var job = try AnalysisWire.decodeRequest(request)
            defer { job.document.wipe() }
            let reader = PageReader(ocr: job.ocr, dpi: job.dpi, ocrEveryPage: job.ocrEveryPage, keepRasters: job.keepRasters, pool: pool,
                                    workers: job.workers)
            let pages = try job.image ? [reader.readImage(job.document)] : reader.readPages(of: job.document)
            writer.u8(0)
            AnalysisWire.encode(pages, into: &writer)
        } catch let error as PDFError {
            writer.u8(1)
            AnalysisWire.encode(error, into: &writer)
        } catch {
            // Other errors are not expected; their text is not passed on (it might quote the document).
            writer.u8(2)
            writer.string("the analysis failed")
        }
        return writer.bytes
    }
}

/// One document to read: built by the exporter, read by the analysing process.
struct AnalysisJob {
    var image: Bool
    var dpi: Double
    var ocr: Bool
    var ocrEveryPage: Bool
    var keepRasters: Bool
    /// Pages read at once (at most).
    var workers: Int = 1
    var document: [UInt8]
}

/// What the analysing process found, as the exporter reads it.
enum AnalysisAnswer {
    case pages([PageReading])
    case pdfError(PDFError)
    case failed(String)
}

/// One page read from its pixels and text layer, before redaction.
struct PageReading {
    var source: PagePlan.Source
    var number: Int
    var size: PageSize?
    /// The page as rendered, unredacted; nil when rasters are not kept (a dry run).
    var raster: Raster?
    /// The text layer's readings, then OCR's (raster pixels).
    var readings: [[PositionedWord]]
    var textLayerReadings: Int
    var visibleWords: [PositionedWord]
    var explained: Bool
    var flagged: Bool
    var seconds: Double
    var renderSeconds: Double
    var ocrSeconds: Double
}

extension Array where Element == UInt8 {
    /// Overwrites the bytes (plaintext or unredacted pixels) before the array is released.
    mutating func wipe() {
        withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } }
    }
}
