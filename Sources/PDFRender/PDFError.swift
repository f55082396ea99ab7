/// What can go wrong reading or writing PDFs and images. Messages never carry document text.
public enum PDFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// poppler could not open the bytes as a PDF (damaged, truncated, not a PDF).
    case unreadablePDF(reason: String)
    /// The PDF is protected by a password; casevault does not guess or store document passwords.
    case passwordProtected
    case unreadableImage(reason: String)
    /// An image or page larger than the limits (a decompression bomb or a mistake).
    case tooLarge(what: String, limit: String)
    case drawing(reason: String)

    public var description: String {
        switch self {
        case .unreadablePDF(let reason): "not a readable PDF (\(reason))"
        case .passwordProtected: "the PDF is password-protected"
        case .unreadableImage(let reason): "not a readable image (\(reason))"
        case .tooLarge(let what, let limit): "\(what) is larger than casevault accepts (\(limit))"
        case .drawing(let reason): "the PDF could not be drawn (\(reason))"
        }
    }
}
