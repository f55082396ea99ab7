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

    public init(text: String, box: Box, confidence: Double? = nil) {
        self.text = text
        self.box = box
        self.confidence = confidence
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
