import BundleModel
import Foundation
import PDFRender

/// Reads what a person sees on a page drawn from pixels, and decides whether a person must check it. One path
/// and one set of decisions for PDF pages and image files alike: an image file is a page that is all image
/// and has no text layer.
struct PixelReader {
    /// A word read by OCR below this confidence, that may be a name, makes the page unsure.
    static let wordConfidenceFloor = 60.0
    /// Below this share of dark pixels a page is blank: nothing to read, nothing to flag.
    static let blankInk = 0.002
    /// Above this share of dark pixels outside the text layer's visible words, a page carries marks its text
    /// layer does not explain (about a signature's worth at 150 dpi).
    static let unexplainedInk = 0.0005
    /// Ink that no word read on the page accounts for, as a share of the page: a photograph, a dark picture,
    /// or text OCR could not read. A person must look at it.
    static let unreadDarkArea = 0.10
    /// The same inside one image: a small picture whose ink OCR cannot explain.
    static let unreadDarkImage = 0.15
    /// A text-layer word explains the ink under it only when this share of its glyphs is drawn and this share of
    /// the ink is its glyphs.
    static let glyphAgreement = 0.8
    /// Regions are enlarged for OCR until about this many pixels (tesseract's time grows with pixels).
    static let enlargedPixels = 4_000_000.0
    /// Enlarged regions on one page, in all: beyond this the rest are read only at the page's resolution.
    static let enlargedPixelsPerPage = 10_000_000.0

    /// The engine, asked for only when a page needs OCR: loading tesseract's model takes a few tenths of a
    /// second, and each document is read in a fresh process, so typed pages should not pay for it.
    let ocr: () -> OCREngine?
    let ocrEveryPage: Bool

    struct Input {
        /// The page at the bundle's resolution.
        var raster: Raster
        /// The text layer's readings in raster pixels (none for an image file).
        var textLayer: [[PositionedWord]]
        /// Where images are shown, in raster pixels.
        var imageAreas: [Box]
        /// The text layer's glyphs drawn alone, like `raster` (PDF pages only): what the text layer claims is shown.
        var textLayerInk: Raster? = nil
        /// A region (pixels) drawn again at `factor` times the raster's resolution.
        var enlarge: (Box, Double) throws -> Raster
    }

    struct Output {
        /// Every reading of the page: the text layer's, then OCR's. Redaction boxes what any reading finds.
        var readings: [[PositionedWord]]
        /// Words OCR read (raster pixels), to compare with the text layer.
        var ocrWords: [PositionedWord]
        /// The text layer's words that draw ink of their own.
        var visibleWords: [PositionedWord]
        /// The text layer explains every mark: the leak check reads the page by its text, not by OCR.
        var explained: Bool
        var flagged: Bool
        var ocrSeconds: Double
    }

    func read(_ input: Input) throws -> Output {
        let raster = input.raster
        let plain = input.textLayer.first ?? []
        // A text-layer word explains ink only where it draws ink that looks like text: words drawn invisibly
        // (render mode 3, white, clipped, covered) have none under them, and a word laid over a solid picture
        // has far more.
        let visible = plain.filter { word in
            let ink = raster.inkFraction(in: word.box)
            guard ink >= 0.02 && ink <= 0.7 else { return false }
            // The ink under the word must be the word's own glyphs: harmless text laid invisibly over a name drawn
            // as paths has ink under it, but not in the shape of its glyphs.
            guard let glyphs = input.textLayerInk else { return true }
            let match = raster.agreement(with: glyphs, in: word.box)
            return match.drawn >= Self.glyphAgreement && match.accounted >= Self.glyphAgreement
        }
        let pad = -2 * raster.dpi / 72
        let explained = !ocrEveryPage && input.imageAreas.isEmpty && !visible.isEmpty && !TextLayer.looksGarbled(plain)
            && raster.inkCoverage(ignoring: visible.map { $0.box.inset(by: pad) }) < Self.unexplainedInk
        var output = Output(readings: input.textLayer, ocrWords: [], visibleWords: visible, explained: explained, flagged: false, ocrSeconds: 0)
        guard !explained else { return output }
        let ink = raster.inkCoverage()
        guard ink >= Self.blankInk || !input.imageAreas.isEmpty else { return output }
        guard let ocr = ocr() else {
            output.flagged = ink >= Self.blankInk
            return output
        }
        let started = Stopwatch()
        defer { output.ocrSeconds = started.seconds }
        var words = ocr.recognize(raster, segmentation: .automatic).words
        // A second segmentation of the whole page when the first is unsure or leaves ink unread: automatic layout
        // can read nothing of a name in large capitals on a patterned cover that sparse-text mode reads at 90 %.
        // Both readings are kept, so the stricter one wins.
        if words.contains(where: Self.unsure) || Self.leavesInkUnread(raster, words: words + visible, imageAreas: input.imageAreas, pad: pad) {
            words += ocr.recognize(raster, segmentation: .sparseText).words
        }
        var unsure = words.contains(where: Self.unsure)
        var budget = Self.enlargedPixelsPerPage
        for area in Self.merged(input.imageAreas) where area.width >= 6 && area.height >= 6 {
            // Small images are read again enlarged, so that a name in small print is legible to OCR.
            let factor = min(4, (Self.enlargedPixels / area.area).squareRoot())
            var found: [PositionedWord] = []
            if factor >= 1.5, area.area * factor * factor <= budget {
                budget -= area.area * factor * factor
                let region = try input.enlarge(area, factor)
                func place(_ read: [PositionedWord]) -> [PositionedWord] {
                    read.map { word in
                        var placed = word.scaled(by: 1 / factor)
                        placed.box = placed.box.offset(x: area.x, y: area.y)
                        return placed
                    }
                }
                found = place(ocr.recognize(region, segmentation: .automatic).words)
                // A second segmentation when the first is unsure or finds little: the stricter reading wins.
                if found.contains(where: Self.unsure) || Self.unread(area, in: raster, words: found + words) {
                    found += place(ocr.recognize(region, segmentation: .sparseText).words)
                }
                words += found
            }
            unsure = unsure || found.contains(where: Self.unsure)
            if Self.unread(area, in: raster, words: words + visible) { unsure = true }
        }
        output.ocrWords = words
        output.readings.append(words)
        let accounted = (words + visible).map { $0.box.inset(by: pad) }
        output.flagged = unsure || raster.inkCoverage(ignoring: accounted) >= Self.unreadDarkArea
        return output
    }

    /// A low-confidence word that may be a name (capitalised, mostly letters) may be a misread name.
    static func unsure(_ word: PositionedWord) -> Bool {
        guard let confidence = word.confidence, confidence < wordConfidenceFloor else { return false }
        let letters = word.text.unicodeScalars.filter { $0.properties.isAlphabetic }
        guard letters.count >= 2, Double(letters.count) >= 0.6 * Double(word.text.unicodeScalars.count) else { return false }
        return letters.first.map { $0.properties.isUppercase } ?? false
    }

    /// Ink on the page, or inside one of its images, that none of `words` accounts for.
    static func leavesInkUnread(_ raster: Raster, words: [PositionedWord], imageAreas: [Box], pad: Double) -> Bool {
        raster.inkCoverage(ignoring: words.map { $0.box.inset(by: pad) }) >= unreadDarkArea
            || merged(imageAreas).contains { unread($0, in: raster, words: words) }
    }

    /// An image whose ink the words read in it do not account for: little text on a dark area.
    static func unread(_ area: Box, in raster: Raster, words: [PositionedWord]) -> Bool {
        guard raster.inkFraction(in: area) * area.area >= 200 else { return false }
        return raster.inkFraction(in: area, ignoring: words.flatMap(\.boxes)) >= unreadDarkImage
    }

    /// Overlapping image areas as one (a picture drawn in tiles, or twice).
    static func merged(_ areas: [Box]) -> [Box] {
        var result: [Box] = []
        for area in areas {
            var current = area
            while let index = result.firstIndex(where: { $0.intersects(current) }) {
                current = current.union(result.remove(at: index))
            }
            result.append(current)
        }
        return result
    }
}
