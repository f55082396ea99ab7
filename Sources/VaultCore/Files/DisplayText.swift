import Foundation

/// The one escaping of stored text for people to read (issue 20, point 8). A stored file name or a document's own
/// text can hold terminal escape sequences (ESC[2J clears the screen; others retitle the window or fake a prompt),
/// line breaks that forge extra lines, or direction overrides that reorder what is seen. Each such character is
/// shown as `\u{1B}`; bytes that are not UTF-8 (a file name is bytes) as `\xff`. The CLI prints every line through
/// here (`Terminal`), and the core words file names in its messages with it, so a name looks the same everywhere.
public enum DisplayText {
    /// `keepingLineBreaks` keeps line feeds, tabs and CR LF line ends where the text is multi-line by nature (a
    /// preview, a message of several lines), never inside a table cell, a field or a name.
    public static func escaped(_ text: String, keepingLineBreaks: Bool = false) -> String {
        // Printable ASCII needs nothing (most cells of a listing): checked byte by byte, without decoding scalars.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        guard text.unicodeScalars.contains(where: { needsEscape($0, keepingLineBreaks: keepingLineBreaks) }) else { return text }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            // A Windows line end (CR LF) in multi-line text is a line end, not a stray carriage return.
            let lineEnd = keepingLineBreaks && scalar == "\r" && index + 1 < scalars.count && scalars[index + 1] == "\n"
            if needsEscape(scalar, keepingLineBreaks: keepingLineBreaks) && !lineEnd {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// Raw bytes (a file name): valid UTF-8 escaped as above, every other byte as `\xNN`.
    public static func escaped(bytes: [UInt8]) -> String {
        var out = ""
        var start = 0
        var index = 0
        func flush(upTo end: Int) {
            if start < end { out += escaped(String(decoding: bytes[start..<end], as: UTF8.self)) }
        }
        while index < bytes.count {
            let byte = bytes[index]
            let length = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 0
            if length > 0, index + length <= bytes.count, String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil {
                index += length
                continue
            }
            flush(upTo: index)
            out += String(format: "\\x%02x", byte)
            index += 1
            start = index
        }
        flush(upTo: bytes.count)
        return out
    }

    /// Whether `escaped` writes this character out (a control, or a direction mark or override).
    public static func needsEscape(_ scalar: Unicode.Scalar, keepingLineBreaks: Bool) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: !keepingLineBreaks
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
