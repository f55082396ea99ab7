import VaultModel
import DocumentText
import Foundation

/// Where a document's date came from, strongest first. Stored with the date and shown by `show` and `list
/// --json`, so a date the trust will see in the index can be checked; `fileTime` is a guess and says so.
public enum DateSource: String, Sendable, CaseIterable {
    case given = "given at ingest"
    case emailHeader = "email Date header"
    case letterhead
    case pdfText = "PDF text"
    case pdfMetadata = "PDF creation date"
    case fileName = "file name"
    case fileTime = "file time (guessed)"
    /// Set by an advocate after ingest (`document retag`).
    case corrected = "corrected by hand"
}

extension DocumentClassifier {
    /// The document's own date, in the order of evidence: an email's Date header; a date in the letterhead (the
    /// lines above the salutation, or the first lines when there is none), never one from the body; a PDF's
    /// creation date; a date in the file name. Nil when none is found (the caller then guesses from the file time).
    /// `text` is the start of the readable text (nil for binary content); `pdfBytes` the PDF's start and end.
    public static func documentDate(name: String, mediaType: String, text: String?, pdfBytes: [UInt8] = []) -> (date: String, source: DateSource)? {
        if mediaType == "message/rfc822", let text, let date = emailDate(text) { return (date, .emailHeader) }
        if mediaType != "message/rfc822", let text, let date = letterheadDate(text) {
            return (date, mediaType == "application/pdf" ? .pdfText : .letterhead)
        }
        if let date = pdfCreationDate(pdfBytes) { return (date, .pdfMetadata) }
        if let date = fileNameDate(name) { return (date, .fileName) }
        return nil
    }

    static func emailDate(_ text: String) -> String? {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { break }  // end of headers
            if trimmed.lowercased().hasPrefix("date:"), let date = firstDate(in: String(trimmed.dropFirst(5))) { return date }
        }
        return nil
    }

    /// A letter's date sits above "Dear …"; a body often names other dates (the appointment, the complaint), so
    /// only the lines before the salutation count. Without a salutation (notes, forms), only a date line among
    /// the first lines: the title, or a line that starts with a date or with "Date". Each line counts up to
    /// `letterheadLineLength` characters: a letterhead's lines are short, and a note typed as one long line (20 KB
    /// without a break) made every upload read all its words for a date.
    static func letterheadDate(_ text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).prefix(40)
            .map { $0.prefix(letterheadLineLength).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let salutation = lines.firstIndex { line in
            let lower = line.lowercased()
            return lower.hasPrefix("dear ") || lower.hasPrefix("to whom it may concern") || lower.hasPrefix("hello ") || lower.hasPrefix("hi ")
        }
        if let salutation { return firstDate(in: lines[..<salutation].joined(separator: "\n")) }
        let datelines = lines.prefix(6).enumerated().filter { $0.offset == 0 || isDateline($0.element) }.map(\.element)
        return firstDate(in: datelines.joined(separator: "\n"))
    }

    static let letterheadLineLength = 240

    static let weekdays: Set<String> = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                                        "mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    /// "12 May 2025", "**Date:** 2025-04-01", "Tuesday, 5 August 2025": a line that starts with its date.
    static func isDateline(_ line: String) -> Bool {
        let stripped = line.drop { "#*_> -".contains($0) }.lowercased()
        if stripped.hasPrefix("date") { return true }
        var words = stripped.replacingOccurrences(of: ",", with: " ").split(separator: " ").map(String.init)
        if let first = words.first, weekdays.contains(first.trimmingCharacters(in: .punctuationCharacters)) { words.removeFirst() }
        return firstDate(in: words.prefix(3).joined(separator: " ")) != nil
    }

    /// `/CreationDate (D:20250820…)` in the Info dictionary, or an XMP `CreateDate`. Read from the bytes as they
    /// are: no PDF parser runs in the vault's own process.
    static func pdfCreationDate(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        for marker in ["/CreationDate", "CreateDate>", "CreateDate=\""] {
            var searchRange = text.startIndex..<text.endIndex
            while let found = text.range(of: marker, range: searchRange) {
                let after = text[found.upperBound...].prefix(40)
                let digits = after.drop { !$0.isNumber }.prefix(10)
                let compact = digits.filter(\.isNumber)
                if compact.count >= 8, let year = Int(compact.prefix(4)), let month = Int(compact.dropFirst(4).prefix(2)),
                   let day = Int(compact.dropFirst(6).prefix(2)), let date = format(year, month, day) {
                    return date
                }
                searchRange = found.upperBound..<text.endIndex
            }
        }
        return nil
    }

    /// `2025-03-02-letter.pdf`, `2025_03_02 notes.md`, `scan-20250302.png`: four-digit year first.
    static func fileNameDate(_ name: String) -> String? {
        let digitsAndSeparators = Array(name.unicodeScalars)
        var index = 0
        func number(at start: Int, length: Int) -> Int? {
            guard start + length <= digitsAndSeparators.count else { return nil }
            let slice = digitsAndSeparators[start..<(start + length)]
            guard slice.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
            return Int(String(String.UnicodeScalarView(slice)))
        }
        while index < digitsAndSeparators.count {
            // A run of digits starting here, not inside a longer number.
            let startsRun = index == 0 || !("0"..."9").contains(digitsAndSeparators[index - 1])
            if startsRun, let year = number(at: index, length: 4) {
                let separator = index + 4 < digitsAndSeparators.count ? digitsAndSeparators[index + 4] : " "
                if "-_.".unicodeScalars.contains(separator), let month = number(at: index + 5, length: 2),
                   index + 7 < digitsAndSeparators.count, digitsAndSeparators[index + 7] == separator,
                   let day = number(at: index + 8, length: 2), let date = format(year, month, day) {
                    return date
                }
                let endsRun = index + 8 >= digitsAndSeparators.count || !("0"..."9").contains(digitsAndSeparators[index + 8])
                if endsRun, let month = number(at: index + 4, length: 2), let day = number(at: index + 6, length: 2),
                   let date = format(year, month, day) {
                    return date
                }
            }
            index += 1
        }
        return nil
    }

    /// The start of a file's readable text, for its date and its kind: text and email from the first bytes, a
    /// .docx from its document part (`whole` reads the file, only for a .docx). Nil for other content.
    public static func readableStart(mediaType: String, head: [UInt8], whole: () -> [UInt8]?) -> String? {
        if mediaType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
            guard let bytes = whole(), let extracted = try? TextExtractor.extract(data: Data(bytes), format: .docx) else { return nil }
            return String(extracted.body.prefix(4096))
        }
        guard mediaType.hasPrefix("text/") || mediaType == "message/rfc822" else { return nil }
        // Only the start matters (headers, letterhead); decoding all of `head` would cost more than the crypto.
        let start = head.prefix(mediaType == "message/rfc822" ? 16384 : 4096)
        // A multi-byte character cut at the end is fine.
        return String(validating: start, as: UTF8.self) ?? String(validating: start.dropLast(3), as: UTF8.self)
    }

    /// The kind the first lines announce, whatever the file type: a .docx phone note is not a letter.
    static func kindFromContent(_ text: String) -> DocumentKind? {
        let opening = text.split(separator: "\n", omittingEmptySubsequences: true).prefix(8).joined(separator: "\n").lowercased()
        func has(_ phrases: [String]) -> Bool { phrases.contains { opening.contains($0) } }
        if has(["consent form", "form of authority", "authority to act"]) { return .consentForm }
        if has(["discharge summary", "discharge letter", "clinic letter", "medical records", "test results"]) { return .evidence }
        // A phone note or a home visit is the advocate's own note: an internal note (never in a bundle by default).
        if has(["phone note", "telephone note", "phone call", "telephone call", "note of call", "call with", "home visit"]) { return .internalNote }
        if has(["meeting notes", "notes of meeting", "minutes of", "attendees", "present:", "action points"]) { return .meetingNotes }
        if has(["in response to your complaint", "thank you for your letter", "we acknowledge", "acknowledgement of your complaint"]) { return .reply }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#endif

extension Vault {
    /// The largest .docx or PDF read a second time for its text (the date and kind come from its first lines).
    static let maximumDocxForText = 32 << 20

    /// The date (with its source) and kind of a file being ingested: `--date` and `--kind` win; else the evidence
    /// in the file (DocumentClassifier.documentDate), else the file time, flagged as a guess. `input` is the open
    /// file, read again only for a .docx's text and a PDF's last bytes (its Info dictionary is usually there).
    static func dateAndKind(name: String, mediaType: String, head: [UInt8], input: Int32, size: Int, modified: Int,
                            options: IngestOptions) -> (date: String, source: DateSource, kind: DocumentKind) {
        // With both given, nothing is read again (a PDF's text costs a child process).
        let needed = options.kind == nil || options.date == nil
        var text = DocumentClassifier.readableStart(mediaType: mediaType, head: head) {
            needed && size <= maximumDocxForText ? readAt(input, offset: 0, count: size) : nil
        }
        if needed, mediaType == "application/pdf", let reader = options.pdfText, size <= maximumDocxForText,
           let bytes = readAt(input, offset: 0, count: size) {
            text = reader(bytes)
        }
        let kind = options.kind ?? DocumentClassifier.kind(fileName: name, mediaType: mediaType, text: text)
        if let date = options.date { return (date, .given, kind) }
        var pdfBytes: [UInt8] = []
        if mediaType == "application/pdf" {
            pdfBytes = head + (size > head.count ? readAt(input, offset: max(head.count, size - 65536), count: 65536) ?? [] : [])
        }
        if let found = DocumentClassifier.documentDate(name: name, mediaType: mediaType, text: text, pdfBytes: pdfBytes) {
            return (found.date, found.source, kind)
        }
        var time = modified
        var parts = tm()
        gmtime_r(&time, &parts)
        return (String(format: "%04d-%02d-%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday)), .fileTime, kind)
    }

    static func readAt(_ fd: Int32, offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            done += n
        }
        return Array(bytes[0..<done])
    }
}
