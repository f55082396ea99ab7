import Foundation
import PDFRender

/// Limits on the analysis of one untrusted PDF or image. A file built to stall or exhaust the reader (XObjects
/// that fan out, a stream that inflates to gigabytes, a Type3 glyph that draws itself) is stopped at them.
public struct AnalysisLimits: Sendable, Equatable {
    /// Wall-clock seconds for one document, from start to answer.
    public var seconds: Double
    /// Address space of the process that reads the document, in bytes.
    public var memoryBytes: Int

    public static let defaultSeconds = 60.0
    public static let defaultMemoryBytes = 2 << 30

    public init(seconds: Double = defaultSeconds, memoryBytes: Int = defaultMemoryBytes) {
        self.seconds = seconds
        self.memoryBytes = memoryBytes
    }

    /// Processor seconds for the reading process: every core may work for the whole wall-clock limit. A
    /// backstop: it stops the reader even if the exporter that waits for it is gone.
    /// Pages read at once: one per core, but each with room for a page and a tesseract engine within the
    /// memory limit (on a many-core machine, one worker per core would not fit in 2 GiB).
    var workers: Int {
        max(1, min(ProcessInfo.processInfo.activeProcessorCount, memoryBytes / Self.memoryPerWorker))
    }

    static let memoryPerWorker = 384 << 20

    public var processorSeconds: Int {
        Int(seconds.rounded(.up)) * max(1, ProcessInfo.processInfo.activeProcessorCount) + 1
    }
}

/// The analysis of a document broke one of its limits: it is left out, or the export stops.
public enum AnalysisLimitBreach: Error, Sendable, Equatable, CustomStringConvertible {
    case time(seconds: Double)
    case processorTime(seconds: Int)
    /// The reader stopped without an answer: it crashed, or ran out of its memory limit.
    case stopped(memoryBytes: Int, how: String)
    /// The reading process could not be started at all.
    case notStarted(reason: String)
    /// The reader's answer was larger than any real document's pages, or not well formed.
    case badAnswer(reason: String)

    public var description: String {
        switch self {
        case .time(let seconds): "within \(Self.format(seconds)) s"
        case .processorTime(let seconds): "within \(seconds) s of processor time"
        case .stopped(let bytes, let how):
            "safely: the reader stopped (\(how)), as it does on a file built to crash PDF readers or one that needs more than \(bytes >> 20) MB of memory"
        case .notStarted(let reason): "because the reader could not be started (\(reason))"
        case .badAnswer(let reason): "safely (the reader's answer was refused: \(reason))"
        }
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
    }
}

/// Runs the analysis of one PDF or image: `DocumentAnalysis.respond(to:)` on the request, here or in a child
/// process with limits. The rules (what is redacted, what is flagged) stay with the exporter; the runner
/// only moves bytes and enforces limits. Throws `AnalysisLimitBreach` when a limit was broken.
public protocol DocumentAnalysisRunner: Sendable {
    func run(_ request: [UInt8], limits: AnalysisLimits) throws -> [UInt8]
}

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
