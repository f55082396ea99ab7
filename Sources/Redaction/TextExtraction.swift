internal import CSystemZlib
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

/// Character sets seen in UK NHS email: UTF-8, ASCII, ISO-8859-1 and Windows-1252 (curly quotes, €).
enum Charset {
    static let windows1252: [UInt16] = [0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
                                        0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178]

    static func decode(_ data: Data, charset: String?) -> String {
        switch charset?.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")) {
        case "iso-8859-1"?, "latin1"?, "iso8859-1"?, "latin-1"?:
            return String(String.UnicodeScalarView(data.map { Unicode.Scalar($0) }))
        case "windows-1252"?, "cp1252"?:
            return String(String.UnicodeScalarView(data.map { byte in
                (0x80...0x9F).contains(byte) ? Unicode.Scalar(windows1252[Int(byte - 0x80)]) ?? Unicode.Scalar(byte) : Unicode.Scalar(byte)
            }))
        default:
            // UTF-8 and ASCII; invalid sequences become U+FFFD rather than failing the whole document.
            var bytes = [UInt8](data)
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Content-transfer encodings and RFC 2047 encoded words.
enum TransferEncoding {
    static func quotedPrintable(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x41 + 10
            case 0x61...0x66: byte - 0x61 + 10
            default: nil
            }
        }
        while index < data.count {
            let byte = data[index]
            if byte == UInt8(ascii: "=") {
                // Soft line break: "=" then optional spaces then CRLF or LF.
                var next = index + 1
                while next < data.count, data[next] == UInt8(ascii: " ") || data[next] == UInt8(ascii: "\t") { next += 1 }
                if next < data.count, data[next] == UInt8(ascii: "\r") { next += 1 }
                if next < data.count, data[next] == UInt8(ascii: "\n") {
                    index = next + 1
                    continue
                }
                if next >= data.count {
                    index = next
                    continue
                }
                if index + 2 < data.count, let high = hex(data[index + 1]), let low = hex(data[index + 2]) {
                    out.append(high << 4 | low)
                    index += 3
                    continue
                }
            }
            out.append(byte)
            index += 1
        }
        return out
    }

    static func base64(_ data: [UInt8]) -> [UInt8] {
        let cleaned = data.filter { !($0 == 0x0A || $0 == 0x0D || $0 == 0x20 || $0 == 0x09) }
        var padded = cleaned
        while padded.count % 4 != 0 { padded.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(padded)).map { [UInt8]($0) } ?? []
    }

    /// `=?charset?Q|B?text?=` words in a header value (RFC 2047), joined as the RFC says.
    static func decodeHeader(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var result = ""
        var rest = Substring(value)
        var lastWasEncoded = false
        while let open = rest.range(of: "=?") {
            let before = rest[rest.startIndex..<open.lowerBound]
            let afterOpen = rest[open.upperBound...]
            let parts = afterOpen.split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4, parts[3].hasPrefix("="), parts[1].count == 1 else {
                result += before + "=?"
                rest = afterOpen
                lastWasEncoded = false
                continue
            }
            // Whitespace between two encoded words is dropped.
            if !(lastWasEncoded && before.allSatisfy(\.isWhitespace)) { result += before }
            let charset = String(parts[0]).split(separator: "*").first.map(String.init)
            let encoding = parts[1].lowercased()
            let text = Array(parts[2].utf8)
            let decoded: [UInt8]
            if encoding == "b" {
                decoded = base64(text)
            } else {
                decoded = quotedPrintable(text.map { $0 == UInt8(ascii: "_") ? UInt8(ascii: " ") : $0 })
            }
            result += Charset.decode(Data(decoded), charset: charset)
            rest = parts[3].dropFirst()
            lastWasEncoded = true
        }
        return result + rest
    }
}

/// RFC 5322 / MIME messages: the headers people read, the text/plain body (else text/html stripped),
/// attachments listed but not decoded into the text.
enum EmailExtractor {
    static let shownHeaders = ["From", "To", "Cc", "Subject", "Date"]
    static let maximumDepth = 8
    static let maximumParts = 200

    struct Part {
        var headers: [(String, String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }

        /// `text/plain; charset="utf-8"` → ("text/plain", ["charset": "utf-8"]).
        func parameters(_ name: String) -> (value: String, parameters: [String: String]) {
            guard let raw = header(name) else { return ("", [:]) }
            let pieces = raw.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            var parameters: [String: String] = [:]
            for piece in pieces.dropFirst() {
                guard let equals = piece.firstIndex(of: "=") else { continue }
                let key = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
                var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
                if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
                parameters[key] = value
            }
            return ((pieces.first ?? "").lowercased(), parameters)
        }

        var decodedBody: [UInt8] {
            switch header("Content-Transfer-Encoding")?.lowercased().trimmingCharacters(in: .whitespaces) {
            case "quoted-printable"?: TransferEncoding.quotedPrintable(body)
            case "base64"?: TransferEncoding.base64(body)
            default: body
            }
        }
    }

    static func extract(_ data: Data) throws(ExtractionError) -> ExtractedText {
        let message = parse([UInt8](data))
        let headers = shownHeaders.compactMap { name in message.header(name).map { (name: name, value: TransferEncoding.decodeHeader($0)) } }
        var plain: [String] = []
        var html: [String] = []
        var attachments: [Attachment] = []
        var partCount = 0
        try walk(message, depth: 0, plain: &plain, html: &html, attachments: &attachments, partCount: &partCount)
        let body = plain.isEmpty ? html.map(HTMLText.strip).joined(separator: "\n\n") : plain.joined(separator: "\n\n")
        return ExtractedText(headers: headers, body: body, attachments: attachments)
    }

    static func walk(_ part: Part, depth: Int, plain: inout [String], html: inout [String], attachments: inout [Attachment],
                     partCount: inout Int) throws(ExtractionError) {
        partCount += 1
        guard depth <= maximumDepth, partCount <= maximumParts else { throw .malformed("MIME structure nested too deeply or too many parts") }
        let (type, parameters) = part.parameters("Content-Type")
        let disposition = part.parameters("Content-Disposition")
        let fileName = disposition.parameters["filename"] ?? parameters["name"]
        if type.hasPrefix("multipart/"), let boundary = parameters["boundary"], !boundary.isEmpty {
            for child in split(part.body, boundary: boundary) {
                try walk(parse(child), depth: depth + 1, plain: &plain, html: &html, attachments: &attachments, partCount: &partCount)
            }
            return
        }
        let isAttachment = disposition.value == "attachment" || (fileName != nil && !type.hasPrefix("text/"))
        if isAttachment || !(type.isEmpty || type.hasPrefix("text/plain") || type.hasPrefix("text/html")) {
            attachments.append(Attachment(fileName: fileName.map(TransferEncoding.decodeHeader), contentType: type.isEmpty ? "application/octet-stream" : type,
                                          size: part.decodedBody.count))
            return
        }
        let text = Charset.decode(Data(part.decodedBody), charset: parameters["charset"])
        if type.hasPrefix("text/html") { html.append(text) } else { plain.append(text) }
    }

    /// Headers (unfolded) and body of one message or part.
    static func parse(_ bytes: [UInt8]) -> Part {
        var headers: [(String, String)] = []
        var index = 0
        var current: (String, String)?
        while index < bytes.count {
            var end = index
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            var line = bytes[index..<end]
            if line.last == 0x0D { line = line.dropLast() }
            index = min(end + 1, bytes.count)
            if line.isEmpty { break }
            if let first = line.first, first == 0x20 || first == 0x09, current != nil {
                current!.1 += " " + String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
                continue
            }
            if let header = current { headers.append(header) }
            current = nil
            if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
                current = (String(decoding: line[line.startIndex..<colon], as: UTF8.self).trimmingCharacters(in: .whitespaces),
                           String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingCharacters(in: .whitespaces))
            }
        }
        if let header = current { headers.append(header) }
        return Part(headers: headers, body: Array(bytes[min(index, bytes.count)...]))
    }

    /// The parts between `--boundary` lines, up to `--boundary--`.
    static func split(_ body: [UInt8], boundary: String) -> [[UInt8]] {
        let marker = Array(("--" + boundary).utf8)
        var parts: [[UInt8]] = []
        var current: [UInt8]?
        var index = 0
        while index < body.count {
            var end = index
            while end < body.count, body[end] != 0x0A { end += 1 }
            var line = Array(body[index..<end])
            if line.last == 0x0D { line.removeLast() }
            let nextIndex = min(end + 1, body.count)
            if line.starts(with: marker) {
                let rest = line.dropFirst(marker.count)
                if let part = current { parts.append(part) }
                if rest.starts(with: Array("--".utf8)) { return parts }
                current = []
            } else if current != nil {
                current! += body[index..<nextIndex]
            }
            index = nextIndex
        }
        if let part = current { parts.append(part) }
        return parts
    }
}

/// Visible text of an HTML body: scripts and styles dropped, block elements become line breaks, entities decoded.
enum HTMLText {
    static let blocks: Set<String> = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "hr"]

    static func strip(_ html: String) -> String {
        var out = ""
        var index = html.startIndex
        while index < html.endIndex {
            let character = html[index]
            guard character == "<" else {
                out.append(character)
                index = html.index(after: index)
                continue
            }
            guard let close = html[index...].firstIndex(of: ">") else { break }
            let tag = html[html.index(after: index)..<close]
            let name = tag.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
            index = html.index(after: close)
            if (name == "script" || name == "style"), !tag.hasPrefix("/") {
                if let end = html[index...].range(of: "</\(name)", options: .caseInsensitive) {
                    index = html[end.upperBound...].firstIndex(of: ">").map { html.index(after: $0) } ?? html.endIndex
                } else {
                    index = html.endIndex
                }
                continue
            }
            if blocks.contains(name) { out.append("\n") }
        }
        let decoded = XMLText.decodeEntities(out)
        return decoded.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ") }
            .joined(separator: "\n")
            .replacingOccurrences(of: "\n\n\n", with: "\n\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

enum XMLText {
    static let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}",
                                          "pound": "£", "euro": "€", "ndash": "–", "mdash": "—", "rsquo": "’", "lsquo": "‘",
                                          "rdquo": "”", "ldquo": "“", "hellip": "…", "copy": "©"]

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") {
                let entity = text[text.index(after: index)..<semicolon]
                var replacement: String?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    replacement = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else if entity.hasPrefix("#") {
                    replacement = UInt32(entity.dropFirst(), radix: 10).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                } else {
                    replacement = named[String(entity)]
                }
                if let replacement {
                    out += replacement
                    index = text.index(after: semicolon)
                    continue
                }
            }
            out.append(character)
            index = text.index(after: index)
        }
        return out
    }
}

/// `.docx`: `word/document.xml` read from the archive in memory; paragraphs become lines, tabs and breaks kept.
