import CLeptonica
#if canImport(Glibc)
import Glibc
#endif

/// How tesseract divides a picture into text before reading it (TessPageSegMode in capi.h).
public enum PageSegmentation: Int32, Sendable {
    /// Automatic layout analysis (PSM_AUTO), as the tesseract command line uses: columns, headings, a name in
    /// large capitals on a cover. The library's own default is one uniform block, which misreads such pages.
    case automatic = 3
    /// As much text as can be found, in no particular order (PSM_SPARSE_TEXT): labels scattered on a picture.
    case sparseText = 11
}

/// Words read from a raster by tesseract, with boxes in the raster's pixels.
public struct OCRResult: Sendable {
    public var words: [PositionedWord]
    /// tesseract's mean word confidence, 0–100 (0 when nothing was read).
    public var meanConfidence: Double
}

/// tesseract with the English model. `make()` returns nil when OCR is unavailable (libtesseract or its
/// English model is not installed, or `CASEVAULT_OCR=off`), and callers degrade: pages that need OCR are
/// flagged for review.
///
/// libtesseract is loaded when first needed rather than linked: its OpenMP runtime reads OMP_THREAD_LIMIT
/// only when it is loaded, and with its default of one thread per core for each engine the threads spin
/// against each other (an export took ten times longer). casevault runs one single-threaded engine per core.
public final class OCREngine {
    private let api: OpaquePointer
    private let library: Tesseract

    public static func make(environment: [String: String]) -> OCREngine? {
        if environment["CASEVAULT_OCR"] == "off" { return nil }
        guard let library = Tesseract.loaded, let api = library.create() else { return nil }
        // leptonica (tesseract's image library, shared with ours) prints its own errors on odd images
        // ("Error in boxClipToRectangle"); they would mix with the CLI's messages and say nothing to an advocate.
        _ = setMsgSeverity(Int32(L_SEVERITY_NONE))
        // tesseract writes diagnostics to stderr; they would mix with the CLI's own messages.
        _ = library.setVariable(api, "debug_file", "/dev/null")
        guard library.initialise(api, nil, "eng") == 0 else {
            library.delete(api)
            return nil
        }
        return OCREngine(api: api, library: library)
    }

    private init(api: OpaquePointer, library: Tesseract) {
        self.api = api
        self.library = library
    }

    deinit {
        library.end(api)
        library.delete(api)
    }

    /// Reads the raster with the given segmentation, set explicitly on every call (never the library default).
    public func recognize(_ raster: Raster, segmentation: PageSegmentation = .automatic) -> OCRResult {
        var gray = raster.grayscale()
        defer { gray.withUnsafeMutableBytes { if let base = $0.baseAddress { memset(base, 0, $0.count) } } }
        gray.withUnsafeBufferPointer { pixels in
            library.setImage(api, pixels.baseAddress, Int32(raster.width), Int32(raster.height), 1, Int32(raster.width))
        }
        library.setSourceResolution(api, Int32(raster.dpi))
        library.setPageSegMode(api, segmentation.rawValue)
        defer { library.clear(api) }
        guard library.recognize(api, nil) == 0, let iterator = library.iterator(api) else {
            return OCRResult(words: [], meanConfidence: 0)
        }
        defer { library.deleteIterator(iterator) }
        var words: [PositionedWord] = []
        let pageIterator = library.pageIterator(iterator)
        repeat {
            guard let textPointer = library.text(iterator, Tesseract.word) else { continue }
            let text = String(cString: textPointer)
            library.deleteText(textPointer)
            var left: Int32 = 0, top: Int32 = 0, right: Int32 = 0, bottom: Int32 = 0
            guard library.boundingBox(pageIterator, Tesseract.word, &left, &top, &right, &bottom) != 0 else { continue }
            let trimmed = String(text.unicodeScalars.filter { !$0.properties.isWhitespace })
            guard !trimmed.isEmpty else { continue }
            words.append(PositionedWord(text: trimmed, box: Box(x: Double(left), y: Double(top), width: Double(right - left), height: Double(bottom - top)),
                                        confidence: Double(library.confidence(iterator, Tesseract.word))))
        } while library.next(iterator, Tesseract.word) != 0
        return OCRResult(words: words, meanConfidence: words.isEmpty ? 0 : Double(library.meanConfidence(api)))
    }
}

/// tesseract's C API (capi.h), resolved from libtesseract.so.5 at run time.
private struct Tesseract: @unchecked Sendable {
    /// RIL_WORD in TessPageIteratorLevel.
    static let word: Int32 = 3

    let create: @convention(c) () -> OpaquePointer?
    let delete: @convention(c) (OpaquePointer?) -> Void
    let end: @convention(c) (OpaquePointer?) -> Void
    let clear: @convention(c) (OpaquePointer?) -> Void
    let setVariable: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    let initialise: @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    let setImage: @convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, Int32, Int32, Int32, Int32) -> Void
    let setSourceResolution: @convention(c) (OpaquePointer?, Int32) -> Void
    /// TessBaseAPISetPageSegMode(handle, TessPageSegMode): the enum is passed as a C int.
    let setPageSegMode: @convention(c) (OpaquePointer?, Int32) -> Void
    let recognize: @convention(c) (OpaquePointer?, OpaquePointer?) -> Int32
    let meanConfidence: @convention(c) (OpaquePointer?) -> Int32
    let iterator: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let deleteIterator: @convention(c) (OpaquePointer?) -> Void
    let pageIterator: @convention(c) (OpaquePointer?) -> OpaquePointer?
    let text: @convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<CChar>?
    let deleteText: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void
    let confidence: @convention(c) (OpaquePointer?, Int32) -> Float
    let boundingBox: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?,
                                     UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Int32
    let next: @convention(c) (OpaquePointer?, Int32) -> Int32

    static let loaded: Tesseract? = {
        setenv("OMP_THREAD_LIMIT", "1", 0)
        guard let handle = dlopen("libtesseract.so.5", RTLD_NOW | RTLD_LOCAL) else { return nil }
        func symbol<T>(_ name: String, as _: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: T.self) }
        }
        guard let create = symbol("TessBaseAPICreate", as: (@convention(c) () -> OpaquePointer?).self),
              let delete = symbol("TessBaseAPIDelete", as: (@convention(c) (OpaquePointer?) -> Void).self),
              let end = symbol("TessBaseAPIEnd", as: (@convention(c) (OpaquePointer?) -> Void).self),
              let clear = symbol("TessBaseAPIClear", as: (@convention(c) (OpaquePointer?) -> Void).self),
              let setVariable = symbol("TessBaseAPISetVariable", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32).self),
              let initialise = symbol("TessBaseAPIInit3", as: (@convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32).self),
              let setImage = symbol("TessBaseAPISetImage", as: (@convention(c) (OpaquePointer?, UnsafePointer<UInt8>?, Int32, Int32, Int32, Int32) -> Void).self),
              let setSourceResolution = symbol("TessBaseAPISetSourceResolution", as: (@convention(c) (OpaquePointer?, Int32) -> Void).self),
              let setPageSegMode = symbol("TessBaseAPISetPageSegMode", as: (@convention(c) (OpaquePointer?, Int32) -> Void).self),
              let recognize = symbol("TessBaseAPIRecognize", as: (@convention(c) (OpaquePointer?, OpaquePointer?) -> Int32).self),
              let meanConfidence = symbol("TessBaseAPIMeanTextConf", as: (@convention(c) (OpaquePointer?) -> Int32).self),
              let iterator = symbol("TessBaseAPIGetIterator", as: (@convention(c) (OpaquePointer?) -> OpaquePointer?).self),
              let deleteIterator = symbol("TessResultIteratorDelete", as: (@convention(c) (OpaquePointer?) -> Void).self),
              let pageIterator = symbol("TessResultIteratorGetPageIteratorConst", as: (@convention(c) (OpaquePointer?) -> OpaquePointer?).self),
              let text = symbol("TessResultIteratorGetUTF8Text", as: (@convention(c) (OpaquePointer?, Int32) -> UnsafeMutablePointer<CChar>?).self),
              let deleteText = symbol("TessDeleteText", as: (@convention(c) (UnsafeMutablePointer<CChar>?) -> Void).self),
              let confidence = symbol("TessResultIteratorConfidence", as: (@convention(c) (OpaquePointer?, Int32) -> Float).self),
              let boundingBox = symbol("TessPageIteratorBoundingBox", as: (@convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?, UnsafeMutablePointer<Int32>?) -> Int32).self),
              let next = symbol("TessResultIteratorNext", as: (@convention(c) (OpaquePointer?, Int32) -> Int32).self)
        else { return nil }
        return Tesseract(create: create, delete: delete, end: end, clear: clear, setVariable: setVariable, initialise: initialise, setImage: setImage,
                         setSourceResolution: setSourceResolution, setPageSegMode: setPageSegMode, recognize: recognize, meanConfidence: meanConfidence, iterator: iterator,
                         deleteIterator: deleteIterator, pageIterator: pageIterator, text: text, deleteText: deleteText, confidence: confidence,
                         boundingBox: boundingBox, next: next)
    }()
}
