/// A rectangle with its origin at the top left and y growing downwards, as poppler, tesseract and cairo
/// images all count. The unit depends on the owner: points on a PDF page, pixels on a raster.
public struct Box: Sendable, Equatable, Hashable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var maxX: Double { x + width }
    public var maxY: Double { y + height }

    public func union(_ other: Box) -> Box {
        let left = min(x, other.x), top = min(y, other.y)
        return Box(x: left, y: top, width: max(maxX, other.maxX) - left, height: max(maxY, other.maxY) - top)
    }

    public func intersects(_ other: Box) -> Bool {
        x < other.maxX && other.x < maxX && y < other.maxY && other.y < maxY
    }

    public func scaled(by factor: Double) -> Box {
        Box(x: x * factor, y: y * factor, width: width * factor, height: height * factor)
    }

    public func offset(x dx: Double, y dy: Double) -> Box {
        Box(x: x + dx, y: y + dy, width: width, height: height)
    }

    public var area: Double { max(0, width) * max(0, height) }

    public func intersection(_ other: Box) -> Box? {
        let left = max(x, other.x), top = max(y, other.y), right = min(maxX, other.maxX), bottom = min(maxY, other.maxY)
        return left < right && top < bottom ? Box(x: left, y: top, width: right - left, height: bottom - top) : nil
    }

    public func inset(by amount: Double) -> Box {
        Box(x: x + amount, y: y + amount, width: width - 2 * amount, height: height - 2 * amount)
    }
}

/// A word read off a page (from the text layer or from OCR) and where it is drawn.
public struct PositionedWord: Sendable, Equatable {
    public var text: String
    public var box: Box
    /// 0–100 for OCR words; nil for words from a text layer.
    public var confidence: Double?
    /// Where the rest of a word broken across lines ("Quen-" / "by") is drawn: boxing the word boxes these too.
    public var continuation: [Box]

    public init(text: String, box: Box, confidence: Double? = nil, continuation: [Box] = []) {
        self.text = text
        self.box = box
        self.confidence = confidence
        self.continuation = continuation
    }

    /// Every box the word is drawn in.
    public var boxes: [Box] { [box] + continuation }

    public func scaled(by factor: Double) -> PositionedWord {
        PositionedWord(text: text, box: box.scaled(by: factor), confidence: confidence, continuation: continuation.map { $0.scaled(by: factor) })
    }
}

public struct PageSize: Sendable, Equatable {
    public var width: Double
    public var height: Double

    public init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    public static let a4 = PageSize(width: 595.276, height: 841.89)
}
