import BundleModel
import Foundation
import Ink
import PDFRender

/// A typed document as the bundle prints it: the text (exactly what redaction reads and what is drawn) and
/// the emphasis to draw it with (UTF-8 byte ranges of `text`).
struct LaidOutText {
    var text: String
    var emphasis: [TextEmphasis] = []
    /// A text whose bytes sit at the same offsets as `text` (the source before reflow): redaction reads it too,
    /// so a name that a joined line would hide from a detector is still found.
    var sameOffsets: String?
}

enum TextLayout {
    static func layOut(_ text: String, markdown: Bool) -> LaidOutText {
        markdown ? MarkdownLayout.render(text) : LaidOutText(text: reflow(text), sameOffsets: text)
    }

    /// Joins the lines of a hard-wrapped paragraph, so a typed letter is not wrapped twice (lone words on a
    /// line). Blank lines keep paragraphs; list items, quoted lines, header-like lines ("Subject: …") and short
    /// lines (addresses, sign-offs) keep their breaks. Each joined line break becomes one space: the result has
    /// the same bytes at the same offsets, which lets redaction read both.
    static func reflow(_ text: String) -> String {
        var bytes = Array(text.utf8)
        let lines = lineRanges(bytes)
        var paragraph: [Range<Int>] = []
        func finish() {
            defer { paragraph = [] }
            guard paragraph.count > 1 else { return }
            let longest = paragraph.map { trimmedLength(bytes[$0]) }.max() ?? 0
            // Hard wrapping shows as lines of similar, long lengths; a block of short lines is laid out by hand.
            guard longest >= 45 else { return }
            for index in 0..<(paragraph.count - 1) {
                let line = bytes[paragraph[index]], next = bytes[paragraph[index + 1]]
                guard Double(trimmedLength(line)) >= Double(longest) * 0.6, !endsBlock(line), !startsOwnLine(next), !isQuoted(line) else { continue }
                // The line break (and a carriage return before it) becomes spaces.
                var end = paragraph[index].upperBound
                if end > paragraph[index].lowerBound, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1; bytes[end] = UInt8(ascii: " ") }
                bytes[paragraph[index].upperBound] = UInt8(ascii: " ")
            }
        }
        for range in lines {
            if trimmedLength(bytes[range]) == 0 { finish() } else { paragraph.append(range) }
        }
        finish()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Each line's bytes, without its "\n" (which sits at `upperBound` when there is one).
    private static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            ranges.append(start..<index)
            start = index + 1
        }
        // The last line has no line break after it; it is the last of its paragraph, so nothing is joined to it.
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }

    private static func trimmedLength(_ line: ArraySlice<UInt8>) -> Int {
        String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines).count
    }

    private static func trimmed(_ line: ArraySlice<UInt8>) -> String {
        String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A line after which a break is meant: a heading or label ending in ':'.
    private static func endsBlock(_ line: ArraySlice<UInt8>) -> Bool {
        trimmed(line).hasSuffix(":")
    }

    private static func isQuoted(_ line: ArraySlice<UInt8>) -> Bool { trimmed(line).hasPrefix(">") }

    /// A line that starts something of its own: a list item, a quoted line, a header-like "Label: value".
    static func startsOwnLine(_ line: ArraySlice<UInt8>) -> Bool {
        let text = trimmed(line)
        if text.hasPrefix(">") { return true }
        if isListItem(text) { return true }
        if let colon = text.firstIndex(of: ":"), text.distance(from: text.startIndex, to: colon) <= 20,
           text[..<colon].allSatisfy({ $0.isLetter || $0 == " " || $0 == "-" }), text[..<colon].first?.isUppercase == true {
            return true
        }
        return false
    }

    static func isListItem(_ text: String) -> Bool {
        for bullet in ["- ", "* ", "• ", "– ", "· "] where text.hasPrefix(bullet) { return true }
        // "1. ", "2) ", "(a) ", "a) "
        var rest = Substring(text)
        if rest.hasPrefix("(") { rest = rest.dropFirst() }
        let marker = rest.prefix { $0.isNumber || ($0.isLetter && $0.isLowercase) }
        guard !marker.isEmpty, marker.count <= 3, marker.allSatisfy(\.isNumber) || marker.count == 1 else { return false }
        let after = rest.dropFirst(marker.count)
        return after.hasPrefix(". ") || after.hasPrefix(") ")
    }
}
