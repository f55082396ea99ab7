import Foundation

/// Text out of the formats advocates receive, entirely in memory (decrypted bytes never touch the disk).
/// Every extractor is bounded (sizes, depth, counts) so hostile input fails with a typed error, never a
/// crash or a hang.
public enum SourceFormat: String, Sendable, CaseIterable {
    case plainText = "text", markdown, email = "eml", docx

    /// From a media type or file name as stored in the vault.
    public static func guess(mediaType: String?, fileName: String?) -> SourceFormat? {
        switch mediaType {
        case "text/plain"?: return .plainText
        case "text/markdown"?: return .markdown
        case "message/rfc822"?: return .email
        case "application/vnd.openxmlformats-officedocument.wordprocessingml.document"?: return .docx
        default: break
        }
        switch fileName.map({ ($0 as NSString).pathExtension.lowercased() }) {
        case "txt"?, "text"?: return .plainText
        case "md"?, "markdown"?: return .markdown
        case "eml"?: return .email
        case "docx"?: return .docx
        default: return nil
        }
    }
}

public struct Attachment: Sendable, Equatable, Codable {
    public var fileName: String?
    public var contentType: String
    public var size: Int

    public init(fileName: String?, contentType: String, size: Int) {
        self.fileName = fileName
        self.contentType = contentType
        self.size = size
    }
}

public struct ExtractedText: Sendable, Equatable {
    /// Headers worth showing (From, To, Cc, Subject, Date), decoded.
    public var headers: [(name: String, value: String)]
    public var body: String
    public var attachments: [Attachment]

    public init(headers: [(name: String, value: String)] = [], body: String, attachments: [Attachment] = []) {
        self.headers = headers
        self.body = body
        self.attachments = attachments
    }

    /// Headers, a blank line, then the body: what the redactor scans and the bundle typesets.
    public var renderedText: String {
        guard !headers.isEmpty || !attachments.isEmpty else { return body }
        var lines = headers.map { "\($0.name): \($0.value)" }
        lines.append("")
        lines.append(body)
        if !attachments.isEmpty {
            lines.append("")
            lines.append("Attachments:")
            for attachment in attachments {
                lines.append("- \(attachment.fileName ?? "(unnamed)") (\(attachment.contentType), \(attachment.size) bytes)")
            }
        }
        return lines.joined(separator: "\n")
    }

    public static func == (lhs: ExtractedText, rhs: ExtractedText) -> Bool {
        lhs.headers.map { "\($0.name)\u{0}\($0.value)" } == rhs.headers.map { "\($0.name)\u{0}\($0.value)" }
            && lhs.body == rhs.body && lhs.attachments == rhs.attachments
    }
}

public enum ExtractionError: Error, Sendable, Equatable, CustomStringConvertible {
    case unsupportedFormat
    case tooLarge(limit: Int)
    case notAZipArchive
    case missingPart(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .unsupportedFormat: "this kind of document has no text extractor yet (PDFs and scans come with the bundle feature)"
        case .tooLarge(let limit): "the document expands to more than \(limit >> 20) MiB of text; refusing it"
        case .notAZipArchive: "the .docx is not a readable ZIP archive"
        case .missingPart(let part): "the .docx has no \(part)"
        case .malformed(let what): "the document is malformed: \(what)"
        }
    }
}

public enum TextExtractor {
    /// Extracted text is capped: more is refused rather than processed (a zip bomb, a runaway MIME tree).
    public static let maximumTextBytes = 64 << 20

    public static func extract(data: Data, format: SourceFormat) throws(ExtractionError) -> ExtractedText {
        switch format {
        case .plainText, .markdown:
            guard data.count <= maximumTextBytes else { throw .tooLarge(limit: maximumTextBytes) }
            return ExtractedText(body: Charset.decode(data, charset: "utf-8"))
        case .email:
            guard data.count <= maximumTextBytes else { throw .tooLarge(limit: maximumTextBytes) }
            return try EmailExtractor.extract(data)
        case .docx:
            return try DocxExtractor.extract(data)
        }
    }
}
