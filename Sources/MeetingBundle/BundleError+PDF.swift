import BundleModel
import PDFRender
import Redaction

extension BundleError {
    /// What a PDF or image problem means for the document: a password, or damage beyond reading.
    static func pdfProblem(_ error: PDFError, documentID: String) -> BundleError {
        switch error {
        case .passwordProtected: .passwordProtected(documentID: documentID)
        case .unreadablePDF(let reason): .unreadable(documentID: documentID, reason: "the PDF is damaged beyond reading (\(reason))")
        case .tooLarge(let what, let limit): .tooLarge(documentID: documentID, what: what, limit: limit)
        default: .unreadable(documentID: documentID, reason: error.description)
        }
    }
}

/// A string that was redacted, kept in memory only for the leak check.
struct RedactedString: Hashable {
    var documentID: String
    var kind: RedactionKind
    var text: String
}
