import Foundation

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
