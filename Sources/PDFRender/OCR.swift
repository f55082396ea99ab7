import CTesseract
#if canImport(Glibc)
import Glibc
#endif

/// Words read from a raster by tesseract, with boxes in the raster's pixels.
public struct OCRResult: Sendable {
    public var words: [PositionedWord]
    /// tesseract's mean word confidence, 0–100 (0 when nothing was read).
    public var meanConfidence: Double
}

/// tesseract with the English model. `make()` returns nil when OCR is unavailable (the library's model is not
/// installed, or `CASEVAULT_OCR=off`), and callers degrade: pages that need OCR are flagged for review.
public final class OCREngine {
    private let api: OpaquePointer

    public static func make(environment: [String: String]) -> OCREngine? {
        if environment["CASEVAULT_OCR"] == "off" { return nil }
        guard let api = TessBaseAPICreate() else { return nil }
        // tesseract writes diagnostics to stderr; they would mix with the CLI's own messages.
        TessBaseAPISetVariable(api, "debug_file", "/dev/null")
        guard TessBaseAPIInit3(api, nil, "eng") == 0 else {
            TessBaseAPIDelete(api)
            return nil
        }
        return OCREngine(api: api)
    }

    private init(api: OpaquePointer) { self.api = api }

    deinit {
        TessBaseAPIEnd(api)
        TessBaseAPIDelete(api)
    }

    public func recognize(_ raster: Raster) -> OCRResult {
        var gray = raster.grayscale()
        defer { gray.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } } }
        gray.withUnsafeBufferPointer { pixels in
            TessBaseAPISetImage(api, pixels.baseAddress, Int32(raster.width), Int32(raster.height), 1, Int32(raster.width))
        }
        TessBaseAPISetSourceResolution(api, Int32(raster.dpi))
        defer { TessBaseAPIClear(api) }
        guard TessBaseAPIRecognize(api, nil) == 0, let iterator = TessBaseAPIGetIterator(api) else {
            return OCRResult(words: [], meanConfidence: 0)
        }
        defer { TessResultIteratorDelete(iterator) }
        var words: [PositionedWord] = []
        let pageIterator = TessResultIteratorGetPageIteratorConst(iterator)
        repeat {
            guard let textPointer = TessResultIteratorGetUTF8Text(iterator, RIL_WORD) else { continue }
            let text = String(cString: textPointer)
            TessDeleteText(textPointer)
            var left: Int32 = 0, top: Int32 = 0, right: Int32 = 0, bottom: Int32 = 0
            guard TessPageIteratorBoundingBox(pageIterator, RIL_WORD, &left, &top, &right, &bottom) != 0 else { continue }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty else { continue }
            words.append(PositionedWord(text: trimmed, box: Box(x: Double(left), y: Double(top), width: Double(right - left), height: Double(bottom - top)),
                                        confidence: Double(TessResultIteratorConfidence(iterator, RIL_WORD))))
        } while TessResultIteratorNext(iterator, RIL_WORD) != 0
        return OCRResult(words: words, meanConfidence: words.isEmpty ? 0 : Double(TessBaseAPIMeanTextConf(api)))
    }
}

private extension String {
    func trimmingCharacters(in set: Set<Character>) -> String {
        var scalars = Substring(self)
        while let first = scalars.first, set.contains(first) { scalars = scalars.dropFirst() }
        while let last = scalars.last, set.contains(last) { scalars = scalars.dropLast() }
        return String(scalars)
    }
}

private extension Set where Element == Character {
    static let whitespacesAndNewlines: Set<Character> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}"]
}
