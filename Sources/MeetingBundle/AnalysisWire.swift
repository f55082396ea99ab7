import BundleModel
import Foundation
import PDFRender

/// The byte format between the exporter and the analysing process. Little-endian, length-prefixed; every
/// read is bounds-checked, since the answer comes from a process that has read a hostile file.
enum AnalysisWire {
    static let magic: [UInt8] = Array("CVA1".utf8)
    /// More pages than this in one answer is not a real document.
    static let maximumPages = 100_000

    static func encodeRequest(_ job: AnalysisJob) -> [UInt8] {
        var writer = WireWriter()
        writer.bytes.reserveCapacity(job.document.count + 64)
        writer.bytes += magic
        writer.bool(job.image)
        writer.f64(job.dpi)
        writer.bool(job.ocr)
        writer.bool(job.ocrEveryPage)
        writer.bool(job.keepRasters)
        writer.u64(UInt64(job.workers))
        writer.data(job.document)
        return writer.bytes
    }

    static func decodeRequest(_ bytes: [UInt8]) throws(WireError) -> AnalysisJob {
        var reader = WireReader(bytes)
        try reader.expect(magic)
        return AnalysisJob(image: try reader.bool(), dpi: try reader.f64(), ocr: try reader.bool(), ocrEveryPage: try reader.bool(),
                           keepRasters: try reader.bool(), workers: max(1, try reader.count(limit: 1024)), document: try reader.data())
    }

    static func encode(_ pages: [PageReading], into writer: inout WireWriter) {
        writer.u64(UInt64(pages.count))
        for page in pages {
            switch page.source {
            case .pdf(let index): writer.u8(0); writer.u64(UInt64(index))
            case .image: writer.u8(1)
            }
            writer.u64(UInt64(page.number))
            writer.bool(page.size != nil)
            if let size = page.size { writer.f64(size.width); writer.f64(size.height) }
            writer.u64(UInt64(page.readings.count))
            for reading in page.readings { writer.words(reading) }
            writer.u64(UInt64(page.textLayerReadings))
            writer.words(page.visibleWords)
            writer.bool(page.explained)
            writer.bool(page.flagged)
            writer.f64(page.seconds)
            writer.f64(page.renderSeconds)
            writer.f64(page.ocrSeconds)
            writer.bool(page.raster != nil)
            if let raster = page.raster {
                writer.u64(UInt64(raster.width))
                writer.u64(UInt64(raster.height))
                writer.f64(raster.dpi)
                var pixels = raster.pixelBytes()
                writer.data(pixels)
                pixels.wipe()
            }
        }
    }

    static func encode(_ error: PDFError, into writer: inout WireWriter) {
        switch error {
        case .unreadablePDF(let reason): writer.u8(0); writer.string(reason)
        case .passwordProtected: writer.u8(1)
        case .unreadableImage(let reason): writer.u8(2); writer.string(reason)
        case .tooLarge(let what, let limit): writer.u8(3); writer.string(what); writer.string(limit)
        case .drawing(let reason): writer.u8(4); writer.string(reason)
        }
    }

    static func decodeAnswer(_ bytes: [UInt8]) throws(WireError) -> AnalysisAnswer {
        var reader = WireReader(bytes)
        try reader.expect(magic)
        switch try reader.u8() {
        case 0:
            let count = try reader.count(limit: maximumPages)
            var pages: [PageReading] = []
            for _ in 0..<count { pages.append(try page(&reader)) }
            try reader.end()
            return .pages(pages)
        case 1:
            let error: PDFError
            switch try reader.u8() {
            case 0: error = .unreadablePDF(reason: try reader.string())
            case 1: error = .passwordProtected
            case 2: error = .unreadableImage(reason: try reader.string())
            case 3: error = .tooLarge(what: try reader.string(), limit: try reader.string())
            case 4: error = .drawing(reason: try reader.string())
            default: throw WireError("an unknown kind of PDF error")
            }
            return .pdfError(error)
        case 2: return .failed(try reader.string())
        default: throw WireError("an unknown kind of answer")
        }
    }

    private static func page(_ reader: inout WireReader) throws(WireError) -> PageReading {
        let source: PagePlan.Source
        switch try reader.u8() {
        case 0: source = .pdf(index: try reader.count(limit: maximumPages))
        case 1: source = .image
        default: throw WireError("an unknown page source")
        }
        let number = try reader.count(limit: maximumPages + 1)
        let size = try reader.bool() ? PageSize(width: try reader.f64(), height: try reader.f64()) : nil
        var readings: [[PositionedWord]] = []
        for _ in 0..<(try reader.count(limit: 64)) { readings.append(try reader.words()) }
        let textLayerReadings = try reader.count(limit: readings.count)
        let visible = try reader.words()
        let explained = try reader.bool(), flagged = try reader.bool()
        let seconds = try reader.f64(), renderSeconds = try reader.f64(), ocrSeconds = try reader.f64()
        var raster: Raster?
        if try reader.bool() {
            let width = try reader.count(limit: Raster.maximumPixels), height = try reader.count(limit: Raster.maximumPixels)
            let dpi = try reader.f64()
            let pixels = try reader.slice()
            do {
                raster = try pixels.withUnsafeBytes { try Raster(width: width, height: height, dpi: dpi, pixels: $0) }
            } catch {
                throw WireError("a page's pixels do not match its size")
            }
        }
        return PageReading(source: source, number: number, size: size, raster: raster, readings: readings, textLayerReadings: textLayerReadings,
                           visibleWords: visible, explained: explained, flagged: flagged, seconds: seconds, renderSeconds: renderSeconds,
                           ocrSeconds: ocrSeconds)
    }
}

struct WireError: Error, Equatable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

struct WireWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ value: UInt8) { bytes.append(value) }
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
    mutating func f64(_ value: Double) { u64(value.bitPattern) }
    mutating func data(_ value: [UInt8]) { u64(UInt64(value.count)); bytes += value }
    mutating func string(_ value: String) { data(Array(value.utf8)) }

    mutating func box(_ box: Box) { f64(box.x); f64(box.y); f64(box.width); f64(box.height) }

    mutating func words(_ words: [PositionedWord]) {
        u64(UInt64(words.count))
        for word in words {
            string(word.text)
            box(word.box)
            bool(word.confidence != nil)
            if let confidence = word.confidence { f64(confidence) }
            u64(UInt64(word.continuation.count))
            for box in word.continuation { self.box(box) }
        }
    }
}

struct WireReader {
    private let bytes: [UInt8]
    private var at = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private mutating func take(_ count: Int) throws(WireError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.count - at else { throw WireError("it ends early") }
        defer { at += count }
        return bytes[at..<(at + count)]
    }

    mutating func expect(_ prefix: [UInt8]) throws(WireError) {
        guard try take(prefix.count).elementsEqual(prefix) else { throw WireError("it does not start as an answer should") }
    }

    mutating func end() throws(WireError) {
        guard at == bytes.count else { throw WireError("it has bytes after its end") }
    }

    mutating func u8() throws(WireError) -> UInt8 { try take(1).first! }

    mutating func bool() throws(WireError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        default: throw WireError("a flag is neither 0 nor 1")
        }
    }

    mutating func u64() throws(WireError) -> UInt64 {
        try take(8).reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func f64() throws(WireError) -> Double {
        let value = Double(bitPattern: try u64())
        guard value.isFinite else { throw WireError("a number is not finite") }
        return value
    }

    /// A count or index no larger than `limit`.
    mutating func count(limit: Int) throws(WireError) -> Int {
        let value = try u64()
        guard value <= UInt64(limit) else { throw WireError("a count is out of range") }
        return Int(value)
    }

    mutating func slice() throws(WireError) -> ArraySlice<UInt8> {
        try take(try count(limit: bytes.count - at))
    }

    mutating func data() throws(WireError) -> [UInt8] { Array(try slice()) }

    mutating func string() throws(WireError) -> String {
        String(decoding: try slice(), as: UTF8.self)
    }

    mutating func box() throws(WireError) -> Box {
        Box(x: try f64(), y: try f64(), width: try f64(), height: try f64())
    }

    mutating func words() throws(WireError) -> [PositionedWord] {
        // Each word takes at least 49 bytes, so the count cannot promise more words than bytes remain.
        let count = try count(limit: (bytes.count - at) / 49)
        var words: [PositionedWord] = []
        words.reserveCapacity(count)
        for _ in 0..<count {
            let text = try string()
            let box = try box()
            let confidence = try bool() ? try f64() : nil
            var continuation: [Box] = []
            for _ in 0..<(try self.count(limit: (bytes.count - at) / 32)) { continuation.append(try self.box()) }
            words.append(PositionedWord(text: text, box: box, confidence: confidence, continuation: continuation))
        }
        return words
    }
}
