import Foundation
import VaultModel

/// Guesses a document's kind, media type and own date from its name and first bytes. Pure.
public enum DocumentClassifier {
    /// The media type, from the file's name where its content agrees (or cannot be checked), else from its
    /// first bytes: a `.pdf` that is not a PDF is not stored as one.
    public static func mediaType(fileName: String, head: [UInt8]) -> String {
        guard let named = namedType(fileName) else { return sniffed(head) ?? (isText(head) ? "text/plain" : "application/octet-stream") }
        // Content that contradicts the name: its own magic bytes say what it is, else nothing is known (not
        // even text: a file that lies about its type is not typeset into a bundle on a guess).
        if content(head, matches: named) == false { return sniffed(head) ?? "application/octet-stream" }
        return named
    }

    /// When the file's content is not what its name says: a sentence for the person ingesting it (no content,
    /// no path), or nil.
    public static func mismatch(fileName: String, mediaType: String) -> String? {
        guard let named = namedType(fileName), named != mediaType else { return nil }
        let ext = (fileName as NSString).pathExtension.lowercased()
        let found = mediaType == "application/octet-stream" ? "is not a .\(ext) file" : "is \(mediaType)"
        return "its name ends in .\(ext) but its content \(found); it was stored as kind 'other'"
    }

    /// The type a file's name promises.
    static func namedType(_ fileName: String) -> String? {
        switch (fileName as NSString).pathExtension.lowercased() {
        case "txt", "text": "text/plain"
        case "md", "markdown": "text/markdown"
        case "eml": "message/rfc822"
        case "pdf": "application/pdf"
        case "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "tif", "tiff": "image/tiff"
        case "html", "htm": "text/html"
        default: nil
        }
    }

    /// Whether the first bytes are those of `mediaType`; nil for types without magic bytes (text).
    static func content(_ head: [UInt8], matches mediaType: String) -> Bool? {
        switch mediaType {
        // PDF readers accept the header anywhere in the first kilobyte.
        case "application/pdf": find(Array("%PDF-".utf8), in: Array(head.prefix(1024)))
        case "image/png": head.starts(with: [0x89, 0x50, 0x4E, 0x47])
        case "image/jpeg": head.starts(with: [0xFF, 0xD8, 0xFF])
        case "image/tiff": head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A])
        case "application/vnd.openxmlformats-officedocument.wordprocessingml.document": head.starts(with: [0x50, 0x4B, 0x03, 0x04])
        default: nil
        }
    }

    /// The type the first bytes show, for types with magic bytes.
    static func sniffed(_ head: [UInt8]) -> String? {
        if head.starts(with: Array("%PDF-".utf8)) { return "application/pdf" }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if head.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return "application/zip" }
        return nil
    }

    static func isText(_ head: [UInt8]) -> Bool {
        String(validating: head.prefix(4096), as: UTF8.self) != nil
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// The kind from the name, then from what the first lines say (`text`), then from the type.
    public static func kind(fileName: String, mediaType: String, text: String? = nil) -> DocumentKind {
        // A file whose content is not what its name says is nothing the name suggests either.
        if mismatch(fileName: fileName, mediaType: mediaType) != nil { return .other }
        let name = fileName.lowercased()
        if name.contains("consent") { return .consentForm }
        if ["authority", "attorney", "probate", "deputyship"].contains(where: name.contains) { return .authorityEvidence }
        if mediaType == "message/rfc822" { return .email }
        if let text, let kind = kindFromContent(text) { return kind }
        if name.contains("notes") || name.contains("meeting") || name.contains("minutes") { return .meetingNotes }
        if name.contains("response") || name.contains("reply") || name.contains("acknowledg") { return .reply }
        if mediaType.hasPrefix("image/") || name.contains("evidence") || name.contains("record") { return .evidence }
        if mediaType.hasPrefix("text/") || mediaType.contains("wordprocessingml") || mediaType == "application/pdf" { return .letter }
        return .other
    }

    /// The document's own date from its first bytes alone (an email's Date header, a letterhead date).
    public static func documentDate(mediaType: String, head: [UInt8]) -> (date: String, source: String)? {
        let text = readableStart(mediaType: mediaType, head: head) { nil }
        return documentDate(name: "", mediaType: mediaType, text: text).map { ($0.date, $0.source.rawValue) }
    }

    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                         "october", "november", "december"]

    /// Finds "2 March 2025", "March 2, 2025", "02/03/2025" (UK order) or "2025-03-02".
    static func firstDate(in text: String) -> String? {
        let words = text.replacingOccurrences(of: ",", with: " ").split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" })
            .map { String($0) }
        // A date of birth or an expiry in the letterhead is not the document's own date.
        let notOwnDate: Set<String> = ["birth", "birth:", "dob", "dob:", "d.o.b.", "d.o.b", "born", "until", "expires", "expiry"]
        for (i, word) in words.enumerated() {
            if words[max(0, i - 4)..<i].contains(where: { notOwnDate.contains($0.lowercased()) }) { continue }
            let lower = word.lowercased()
            if let day = dayNumber(word), i + 2 < words.count, let month = monthNumber(words[i + 1]), let year = Int(words[i + 2].prefix(4)),
               words[i + 2].prefix(4).count == 4 {
                if let date = format(year, month, day) { return date }
            }
            if let month = monthNumber(lower), i + 2 < words.count, let day = dayNumber(words[i + 1]), let year = Int(words[i + 2].prefix(4)),
               words[i + 2].prefix(4).count == 4 {
                if let date = format(year, month, day) { return date }
            }
            let numeric = word.trimmingCharacters(in: .punctuationCharacters.subtracting(CharacterSet(charactersIn: "/-")))
            let slash = numeric.split(separator: "/")
            if slash.count == 3, let d = Int(slash[0]), let m = Int(slash[1]), let y = Int(slash[2]), slash[2].count == 4,
               let date = format(y, m, d) { return date }
            let dash = numeric.split(separator: "-")
            if dash.count == 3, dash[0].count == 4, let y = Int(dash[0]), let m = Int(dash[1]), let d = Int(dash[2]),
               let date = format(y, m, d) { return date }
        }
        return nil
    }

    static func dayNumber(_ word: String) -> Int? {
        guard let first = word.utf8.first, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), word.utf8.count <= 4 else { return nil }
        let digits = word.lowercased().replacingOccurrences(of: "st", with: "").replacingOccurrences(of: "nd", with: "")
            .replacingOccurrences(of: "rd", with: "").replacingOccurrences(of: "th", with: "")
        guard let day = Int(digits), (1...31).contains(day) else { return nil }
        return day
    }

    static func monthNumber(_ word: String) -> Int? {
        let lower = word.lowercased().trimmingCharacters(in: .punctuationCharacters)
        guard lower.count >= 3 else { return nil }
        return months.firstIndex { $0 == lower || ($0.hasPrefix(lower) && lower.count == 3) }.map { $0 + 1 }
    }

    /// Years a date in a complaint can fall in: anything else read from a document is a number, not a date.
    static let plausibleYears = 1900...2200

    static func format(_ year: Int, _ month: Int, _ day: Int) -> String? {
        guard plausibleYears.contains(year), let date = CivilDate(year: year, month: month, day: day) else { return nil }
        return date.description
    }
}
