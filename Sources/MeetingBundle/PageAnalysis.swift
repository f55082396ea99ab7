import BundleModel
import Foundation
import PDFRender
import Redaction

/// One page analysed: its plan for the writer, what was redacted on it, and how long it took.
struct PageOutcome {
    var plan: PagePlan
    var found: [PageRedaction.Found]
    var timing: PageTiming
}

/// tesseract engines beyond the one the exporter was given, one per worker thread, made when first needed and
/// kept for the next document (loading the English model takes a few tenths of a second).
/// @unchecked Sendable: `engines` is only touched under `lock`, and each engine is used by one worker at a time
/// (worker k always takes slot k, and workers of one document run at once only for distinct k).
final class OCRPool: @unchecked Sendable {
    private let lock = NSLock()
    private var engines: [Int: OCREngine] = [:]

    init() {}

    func engine(slot: Int) -> OCREngine? {
        lock.lock()
        defer { lock.unlock() }
        if let engine = engines[slot] { return engine }
        let engine = OCREngine.make(environment: [:])
        engines[slot] = engine
        return engine
    }
}

/// Reads the pages of one PDF or image: renders them, reads their text layers and, where the text layer does
/// not explain the ink, OCR. It decides nothing about redaction; it runs where the untrusted file is parsed
/// (in the CLI, a child process with limits).
struct PageReader {
    /// OCR is available (the exporter's engine loaded); each worker takes its own engine from the pool.
    let ocr: Bool
    let dpi: Double
    let ocrEveryPage: Bool
    /// Keep each page's raster for the writer (not for a dry run, which draws nothing).
    let keepRasters: Bool
    let pool: OCRPool
    /// Pages read at once, at most (one per core unless the memory limit allows fewer).
    var workers = ProcessInfo.processInfo.activeProcessorCount

    /// Reads the PDF's pages in parallel, one worker per core, each with its own poppler document and its own
    /// tesseract engine (neither may be shared between threads); readings come back in page order.
    func readPages(of data: [UInt8]) throws -> [PageReading] {
        let pageCount = try PDFSource(data: data).pageCount
        guard pageCount > 0 else { return [] }
        final class Shared: @unchecked Sendable {
            // Guarded by `lock`; written by workers, read after concurrentPerform returns.
            let lock = NSLock()
            var next = 0
            var outcomes: [Int: PageReading] = [:]
            var failure: Error?
        }
        // @unchecked Sendable: the workers share the reader read-only, except its engines: worker k alone uses
        // the pool's slot k.
        final class Reader: @unchecked Sendable {
            let value: PageReader
            init(_ value: PageReader) { self.value = value }
        }
        let shared = Shared()
        let reader = Reader(self)
        let workers = min(pageCount, max(1, workers))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let this = reader.value
            do {
                let pdf = try PDFSource(data: data)
                // Made on first use and kept by the pool (slot k is worker k's alone).
                let engine = { this.ocr ? this.pool.engine(slot: worker) : nil }
                while true {
                    shared.lock.lock()
                    let index = shared.next
                    shared.next += 1
                    let stop = shared.failure != nil
                    shared.lock.unlock()
                    guard index < pageCount, !stop else { return }
                    let outcome = try this.readPage(index, of: pdf, ocr: engine)
                    shared.lock.lock()
                    shared.outcomes[index] = outcome
                    shared.lock.unlock()
                }
            } catch {
                shared.lock.lock()
                shared.failure = shared.failure ?? error
                shared.lock.unlock()
            }
        }
        if let failure = shared.failure { throw failure }
        return try (0..<pageCount).map { index in
            guard let outcome = shared.outcomes[index] else { throw PDFError.unreadablePDF(reason: "page \(index + 1) could not be read") }
            return outcome
        }
    }

    /// One PDF page: rendered once at the bundle's resolution (the raster is kept for the writer), its text
    /// layer read in several ways, OCR where the text layer does not explain the ink or an image is shown.
    func readPage(_ index: Int, of pdf: PDFSource, ocr engine: @escaping () -> OCREngine?) throws -> PageReading {
        let started = Stopwatch()
        let scale = dpi / 72
        let raster = try pdf.render(page: index, dpi: dpi)
        let size = try pdf.size(ofPage: index)
        let rendered = started.seconds
        let layer = try pdf.textLayer(ofPage: index).readings.map { $0.map { $0.scaled(by: scale) } }
        let images = try pdf.imageAreas(ofPage: index).map { $0.scaled(by: scale) }
        let reader = PixelReader(ocr: engine, ocrEveryPage: ocrEveryPage)
        let glyphs = layer.first?.isEmpty == false ? try pdf.renderTextLayer(page: index, dpi: dpi) : nil
        let reading = try reader.read(.init(raster: raster, textLayer: layer, imageAreas: images, textLayerInk: glyphs) { region, factor in
            try pdf.render(page: index, region: region.scaled(by: 1 / scale), dpi: raster.dpi * factor)
        })
        return self.reading(reading, raster: raster, source: .pdf(index: index), number: index + 1, size: size, textLayerReadings: layer.count,
                       started: started, rendered: rendered)
    }

    /// An image file: the same reader and the same decisions as a PDF page that is all image.
    func readImage(_ bytes: [UInt8]) throws -> PageReading {
        let started = Stopwatch()
        let raster = try Raster(decodingImage: bytes, dpi: dpi)
        let rendered = started.seconds
        let whole = Box(x: 0, y: 0, width: Double(raster.width), height: Double(raster.height))
        let reader = PixelReader(ocr: { ocr ? pool.engine(slot: 0) : nil }, ocrEveryPage: true)
        let reading = try reader.read(.init(raster: raster, textLayer: [], imageAreas: [whole]) { region, factor in
            try raster.enlarged(region: region, by: factor)
        })
        return self.reading(reading, raster: raster, source: .image, number: 1, size: nil, textLayerReadings: 0, started: started, rendered: rendered)
    }

    private func reading(_ reading: PixelReader.Output, raster: Raster, source: PagePlan.Source, number: Int, size: PageSize?,
                         textLayerReadings: Int, started: Stopwatch, rendered: Double) -> PageReading {
        PageReading(source: source, number: number, size: size, raster: keepRasters ? raster : nil, readings: reading.readings,
                    textLayerReadings: textLayerReadings, visibleWords: reading.visibleWords, explained: reading.explained,
                    flagged: reading.flagged, seconds: started.seconds, renderSeconds: rendered, ocrSeconds: reading.ocrSeconds)
    }
}

extension BundleAnalyser {
    /// A page read (here or in the analysing process) made into its plan: the core's redaction rules decide
    /// the boxes, and whether the page is kept.
    func finish(_ page: PageReading) -> PageOutcome {
        let started = Stopwatch()
        let redaction = PageRedaction(redactor: redactor, readings: page.readings, textLayerReadings: page.textLayerReadings,
                                      visible: page.visibleWords, margin: dpi / 72)
        let flagged = page.flagged || redaction.disagreement
        let keep = keepRasters && (!flagged || includeUnreviewed)
        let plan = PagePlan(source: page.source, number: page.number, boxes: redaction.boxes, flagged: flagged, readByOCR: !page.explained,
                            visibleText: page.explained ? Self.unredacted(redaction.primaryText, spans: redaction.primarySpans) : "",
                            raster: keep ? page.raster : nil, size: page.size)
        let timing = PageTiming(page: page.number, seconds: page.seconds + started.seconds, renderSeconds: page.renderSeconds,
                                ocrSeconds: page.ocrSeconds, readByOCR: !page.explained)
        return PageOutcome(plan: plan, found: redaction.found, timing: timing)
    }
}
