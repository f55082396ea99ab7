import BundleModel
import Foundation
import Ink
import PDFRender

/// A Markdown document (meeting notes) as the bundle prints it: Ink parses it, and its HTML (a small, known
/// set of tags) is mapped to text with headings, lists and emphasis. Only the text made here is drawn, and
/// redaction reads exactly that text; tags this mapping does not know are dropped and their text kept, so
/// nothing is hidden from redaction and nothing arrives as markup.
enum MarkdownLayout {
    static func render(_ markdown: String) -> LaidOutText {
        var parser = MarkdownParser()
        parser.addModifier(Modifier(target: .html) { input in
            // Raw HTML in the notes is printed as the advocate typed it, not interpreted.
            escape(String(input.markdown))
        })
        var builder = Builder()
        for token in tokens(parser.html(from: markdown)) { builder.take(token) }
        return builder.finish()
    }

    enum Token: Equatable {
        case text(String)
        case open(String, start: Int?)
        case close(String)
    }

    /// Tags and text of Ink's output; entities decoded in text.
    static func tokens(_ html: String) -> [Token] {
        var tokens: [Token] = []
        var rest = Substring(html)
        while !rest.isEmpty {
            guard let lt = rest.firstIndex(of: "<") else { tokens.append(.text(decode(rest))); break }
            if lt > rest.startIndex { tokens.append(.text(decode(rest[..<lt]))) }
            guard let gt = rest[lt...].firstIndex(of: ">") else { tokens.append(.text(decode(rest[lt...]))); break }
            let inside = rest[rest.index(after: lt)..<gt]
            rest = rest[rest.index(after: gt)...]
            if inside.hasPrefix("/") {
                tokens.append(.close(String(inside.dropFirst()).lowercased()))
            } else {
                let name = String(inside.prefix { $0.isLetter || $0.isNumber }).lowercased()
                var start: Int?
                if let range = inside.range(of: "start=\"") {
                    start = Int(inside[range.upperBound...].prefix { $0.isNumber })
                }
                tokens.append(.open(name, start: start))
                if inside.hasSuffix("/") || ["br", "hr", "img"].contains(name) { tokens.append(.close(name)) }
            }
        }
        return tokens
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[amp...]
            if let semi = rest.prefix(10).firstIndex(of: ";") {
                let name = rest[rest.index(after: rest.startIndex)..<semi]
                let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " "]
                var value = named[name]
                if value == nil, name.hasPrefix("#") {
                    let digits = name.dropFirst()
                    let code = digits.hasPrefix("x") || digits.hasPrefix("X") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                    value = code.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
                }
                if let value {
                    out += value
                    rest = rest[rest.index(after: semi)...]
                    continue
                }
            }
            out += "&"
            rest = rest.dropFirst()
        }
        return out + rest
    }

    /// Builds the text block by block, noting where emphasis starts and ends (UTF-8 offsets).
    struct Builder {
        var text = ""
        var offset = 0
        var emphasis: [TextEmphasis] = []
        var open: [(kind: TextEmphasis.Kind, start: Int)] = []
        /// Each open list: its next number (nil for a bulleted list).
        var lists: [Int?] = []
        var preformatted = 0
        var needsSpace = false

        mutating func append(_ string: String) {
            text += string
            offset += string.utf8.count
        }

        /// Starts a new block: a blank line after a paragraph, a line break between list items.
        mutating func newBlock(tight: Bool = false) {
            needsSpace = false
            guard !text.isEmpty else { return }
            let wanted = tight ? "\n" : "\n\n"
            while text.hasSuffix(" ") { text.removeLast(); offset -= 1 }
            if text.hasSuffix(wanted) { return }
            if text.hasSuffix("\n") { append(tight ? "" : "\n") } else { append(wanted) }
        }

        mutating func take(_ token: Token) {
            switch token {
            case .text(let string): addText(string)
            case .open(let tag, let start): openTag(tag, start: start)
            case .close(let tag): closeTag(tag)
            }
        }

        mutating func addText(_ string: String) {
            if preformatted > 0 { append(string); return }
            // Outside preformatted blocks, runs of white space are one space (as a browser shows them).
            var collapsed = ""
            for character in string {
                if character.isWhitespace {
                    needsSpace = true
                } else {
                    if needsSpace, let last = collapsed.last ?? text.last, last != "\n", last != " " { collapsed.append(" ") }
                    needsSpace = false
                    collapsed.append(character)
                }
            }
            append(collapsed)
        }

        /// A space owed before the next word goes in now, so that emphasis starting here does not cover it.
        mutating func flushSpace() {
            if needsSpace, let last = text.last, last != "\n", last != " " { append(" ") }
            needsSpace = false
        }

        mutating func openTag(_ tag: String, start: Int?) {
            switch tag {
            case "h1", "h2", "h3", "h4", "h5", "h6":
                newBlock()
                open.append((.heading(Int(tag.dropFirst()) ?? 1), offset))
            case "p", "blockquote", "table": newBlock(tight: !lists.isEmpty)
            case "pre":
                newBlock()
                preformatted += 1
            case "ul": lists.append(nil); newBlock(tight: lists.count > 1)
            case "ol": lists.append(start ?? 1); newBlock(tight: lists.count > 1)
            case "li":
                newBlock(tight: true)
                append(String(repeating: "    ", count: max(0, lists.count - 1)))
                if let next = lists.last, let number = next {
                    append("\(number). ")
                    lists[lists.count - 1] = number + 1
                } else {
                    append("• ")
                }
            case "tr": newBlock(tight: true)
            case "td", "th": if !text.hasSuffix("\n") && !text.isEmpty { append(" | ") }
            case "br": append("\n"); needsSpace = false
            case "hr": newBlock(); append("* * *")
            case "strong", "b":
                flushSpace()
                open.append((.bold, offset))
            case "em", "i":
                flushSpace()
                open.append((.italic, offset))
            default: break  // a, code, img, del, span, …: their text (if any) is kept, plain.
            }
        }

        mutating func closeTag(_ tag: String) {
            let kind: TextEmphasis.Kind?
            switch tag {
            case "h1", "h2", "h3", "h4", "h5", "h6": kind = .heading(Int(tag.dropFirst()) ?? 1)
            case "strong", "b": kind = .bold
            case "em", "i": kind = .italic
            default: kind = nil
            }
            if let kind, let index = open.lastIndex(where: { $0.kind == kind }) {
                let start = open.remove(at: index).start
                if offset > start { emphasis.append(TextEmphasis(range: start..<offset, kind: kind)) }
            }
            switch tag {
            case "h1", "h2", "h3", "h4", "h5", "h6", "p", "blockquote", "table", "hr": newBlock()
            case "pre":
                preformatted = max(0, preformatted - 1)
                newBlock()
            case "ul", "ol":
                if !lists.isEmpty { lists.removeLast() }
                newBlock(tight: !lists.isEmpty)
            default: break
            }
        }

        func finish() -> LaidOutText {
            var text = text
            while text.hasSuffix("\n") { text.removeLast() }
            let length = text.utf8.count
            return LaidOutText(text: text, emphasis: emphasis.compactMap { item in
                let end = min(item.range.upperBound, length)
                return end > item.range.lowerBound ? TextEmphasis(range: item.range.lowerBound..<end, kind: item.kind) : nil
            })
        }
    }
}
