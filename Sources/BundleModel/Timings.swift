/// How long one page took to analyse (for `export --verbose`): ids and seconds, never content.
public struct PageTiming: Sendable, Equatable, Codable {
    public var page: Int
    public var seconds: Double
    public var renderSeconds: Double
    public var ocrSeconds: Double
    public var readByOCR: Bool

    public init(page: Int, seconds: Double, renderSeconds: Double, ocrSeconds: Double, readByOCR: Bool) {
        self.page = page
        self.seconds = seconds
        self.renderSeconds = renderSeconds
        self.ocrSeconds = ocrSeconds
        self.readByOCR = readByOCR
    }
}

public struct DocumentTiming: Sendable, Equatable, Codable {
    public var documentID: String
    public var seconds: Double
    public var pages: [PageTiming]

    public init(documentID: String, seconds: Double, pages: [PageTiming]) {
        self.documentID = documentID
        self.seconds = seconds
        self.pages = pages
    }
}
