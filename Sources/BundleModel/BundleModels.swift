import DocumentText
import Foundation
import Redaction

/// One stored document, decrypted in memory, as the bundle needs it.
public struct BundleSource: Sendable {
    public var documentID: String
    public var name: String
    public var mediaType: String
    /// YYYY-MM-DD, when the vault knows it.
    public var documentDate: String?
    public var ingestedAt: String
    public var ciphertextSHA256: String
    public var plaintext: [UInt8]

    public init(documentID: String, name: String, mediaType: String, documentDate: String?, ingestedAt: String, ciphertextSHA256: String,
                plaintext: [UInt8]) {
        self.documentID = documentID
        self.name = name
        self.mediaType = mediaType
        self.documentDate = documentDate
        self.ingestedAt = ingestedAt
        self.ciphertextSHA256 = ciphertextSHA256
        self.plaintext = plaintext
    }

    /// How the bundle reads the document, or nil when it cannot go into a bundle.
    public var form: Form? {
        // Stored when a file's content is not what its name says (a `.pdf` that is not a PDF): the name is no guide.
        if mediaType == "application/octet-stream" { return nil }
        if let text = SourceFormat.guess(mediaType: mediaType, fileName: name) { return .text(text) }
        if mediaType == "application/pdf" || name.lowercased().hasSuffix(".pdf") { return .pdf }
        if mediaType.hasPrefix("image/") { return .image }
        return nil
    }

    public enum Form: Sendable, Equatable {
        case text(SourceFormat)
        case pdf
        case image
    }
}

/// Everything about the bundle that is not a document. Codable: it goes to `casevault-pdf` with the documents.
public struct BundleRequest: Sendable, Codable {
    public var vaultID: String
    public var caseID: String
    public var bundleID: String
    /// The client's name, shown on the cover only when the policy keeps it.
    public var clientName: String
    public var meeting: String
    public var recipientID: String
    public var recipientName: String
    public var preparedBy: String
    public var creatorID: String
    /// Display date for the cover and footer ("25 November 2026") and the manifest's timestamp.
    public var date: String
    public var created: String
    public var context: RedactionContext
    public var policy: RedactionPolicy
    public var includeUnreviewed: Bool
    /// Read every page drawn from pixels by OCR, at source and in the leak check, even where the text layer
    /// explains every mark (for PDFs whose fonts may not draw what their text says). About 0.6 s a page.
    public var ocrEveryPage: Bool
    public var dpi: Double
    /// Limits on the analysis of each PDF or image (time, memory).
    public var analysisLimits = AnalysisLimits()
    /// The documents were chosen one by one: one whose analysis breaks a limit stops the export. Otherwise
    /// (every document of the case) it is left out with a note, so one hostile file cannot block a bundle.
    public var stopAtAnalysisLimit = false
    /// The service's own reference for the complaint (the cover shows the case id when there is none).
    public var ourReference: String?
    /// The recipient's reference for the complaint, so the NHS body can file the bundle.
    public var theirReference: String?

    public init(vaultID: String, caseID: String, bundleID: String, clientName: String, meeting: String, recipientID: String, recipientName: String,
                preparedBy: String, creatorID: String, date: String, created: String, context: RedactionContext, policy: RedactionPolicy,
                includeUnreviewed: Bool = false, ocrEveryPage: Bool = false, dpi: Double = 150) {
        self.vaultID = vaultID
        self.caseID = caseID
        self.bundleID = bundleID
        self.clientName = clientName
        self.meeting = meeting
        self.recipientID = recipientID
        self.recipientName = recipientName
        self.preparedBy = preparedBy
        self.creatorID = creatorID
        self.date = date
        self.created = created
        self.context = context
        self.policy = policy
        self.includeUnreviewed = includeUnreviewed
        self.ocrEveryPage = ocrEveryPage
        self.dpi = dpi
    }
}

/// What happened to one document: the redaction log's row (ids and counts, never text).
public struct DocumentReport: Codable, Sendable, Equatable {
    public var documentID: String
    public var tab: Int
    /// The title as printed in the index (already redacted).
    public var title: String
    public var date: String?
    public var firstPage: Int?
    public var lastPage: Int?
    public var redactions: [String: Int]
    public var detectors: [String: Int]
    /// Source pages (1-based) that needed a person to check them: no OCR, or OCR unsure.
    public var pagesFlagged: [Int]
    public var pagesLeftOut: Int

    public init(documentID: String, tab: Int, title: String, date: String?, firstPage: Int?, lastPage: Int?, redactions: [String: Int],
                detectors: [String: Int], pagesFlagged: [Int], pagesLeftOut: Int) {
        self.documentID = documentID
        self.tab = tab
        self.title = title
        self.date = date
        self.firstPage = firstPage
        self.lastPage = lastPage
        self.redactions = redactions
        self.detectors = detectors
        self.pagesFlagged = pagesFlagged
        self.pagesLeftOut = pagesLeftOut
    }

    enum CodingKeys: String, CodingKey {
        case tab, title, date, redactions, detectors
        case documentID = "document_id"
        case firstPage = "first_page"
        case lastPage = "last_page"
        case pagesFlagged = "pages_flagged"
        case pagesLeftOut = "pages_left_out"
    }
}

/// The redaction log of one bundle, kept (sealed) in the vault and never in the bundle: who exported it,
/// when, for whom, under which policy, and per document what was removed.
public struct BundleLog: Codable, Sendable, Equatable {
    public var bundleID: String
    public var caseID: String
    public var exportedBy: String
    public var exportedAt: String
    public var recipient: String
    public var meeting: String
    public var policy: String
    public var pages: Int
    public var pdfSHA256: String
    public var documents: [DocumentReport]

    public init(bundleID: String, caseID: String, exportedBy: String, exportedAt: String, recipient: String, meeting: String, policy: String,
                pages: Int, pdfSHA256: String, documents: [DocumentReport]) {
        self.bundleID = bundleID
        self.caseID = caseID
        self.exportedBy = exportedBy
        self.exportedAt = exportedAt
        self.recipient = recipient
        self.meeting = meeting
        self.policy = policy
        self.pages = pages
        self.pdfSHA256 = pdfSHA256
        self.documents = documents
    }

    enum CodingKeys: String, CodingKey {
        case recipient, meeting, policy, pages, documents
        case bundleID = "bundle_id"
        case caseID = "case_id"
        case exportedBy = "exported_by"
        case exportedAt = "exported_at"
        case pdfSHA256 = "pdf_sha256"
    }

    /// What the audit log records of the export: ids, counts and the PDF's hash.
    public var auditDetails: [String: String] {
        let counts = documents.reduce(into: [String: Int]()) { total, document in document.redactions.forEach { total[$0.key, default: 0] += $0.value } }
        return ["recipient": recipient, "pages": String(pages), "documents": documents.map(\.documentID).joined(separator: ","),
                "pdf_sha256": pdfSHA256, "redactions": counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")]
    }

    public var redactionCount: Int { documents.reduce(0) { $0 + $1.redactions.values.reduce(0, +) } }
}

public enum BundleError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
    case unsupported(documentID: String, mediaType: String)
    case unreadable(documentID: String, reason: String)
    /// A page or image too large to draw (a decompression bomb, or a drawing at an absurd size): not damage.
    case tooLarge(documentID: String, what: String, limit: String)
    /// A PDF that opens but has no pages.
    case noPages(documentID: String)
    /// A PDF that needs a password to open; casevault neither asks for nor stores document passwords.
    case passwordProtected(documentID: String)
    case nothingToBundle
    /// Nothing is left to bundle because every page was left out for a person to check.
    case everyPageNeedsReview
    /// The finished PDF still contained something that was redacted: it was not written.
    case leak(documentID: String?, kind: String, location: String)
    /// The finished PDF could not be read back to check it: it was not written.
    case checkFailed(reason: String)
    /// Reading a PDF or image broke a limit (time, memory): a file built to stall the reader, or too big.
    case analysisLimit(documentID: String, limit: String)

    public var description: String {
        switch self {
        case .unsupported(let id, let type): "document \(id) is \(type), which cannot go into a bundle (text, .eml, .docx, PDF and images can)"
        case .unreadable(let id, let reason): "document \(id) could not be read: \(reason)"
        case .tooLarge(let id, let what, let limit): "document \(id) could not be drawn: \(what) is larger than casevault accepts (\(limit))"
        case .noPages(let id): "document \(id) is a PDF with no pages: there is nothing in it to put in the bundle"
        case .passwordProtected(let id): "document \(id) is a password-protected PDF, which casevault cannot open"
        case .nothingToBundle: "no document is left to put in the bundle"
        case .everyPageNeedsReview: "no page is left to put in the bundle: every page needs a person to check it"
        case .leak(let id, let kind, let location):
            "the finished bundle still contained redacted text (\(kind)\(id.map { " from document \($0)" } ?? "") on \(location)); it was not kept"
        case .checkFailed(let reason): "the finished bundle could not be checked for leaks (\(reason)); it was not kept"
        case .analysisLimit(let id, let limit): "document \(id) could not be analysed \(limit)"
        }
    }
}
