import CPoppler
import Foundation

/// A page's text layer read from its glyphs, in more than one way. A hostile or careless PDF can draw a name
/// so that poppler's word breaks split it: character spacing ("P e t e r"), two text runs with a gap ("Pet"
/// "er"), a soft hyphen or a ligature glyph inside it, a hyphen at a line end. Redaction reads every reading
/// and boxes what any of them finds (the stricter reading wins).
public struct TextLayerReading: Sendable {
    /// Words as poppler breaks them, each normalised (NFKC, so "ﬁ" reads "fi"; default-ignorable characters
    /// such as the soft hyphen removed).
    public var words: [PositionedWord]
    /// The same glyphs read with other word breaks: across gaps narrower than a space, letter-spaced runs
    /// joined, and words hyphenated across a line end joined.
    public var alternatives: [[PositionedWord]]

    public var readings: [[PositionedWord]] { [words] + alternatives }
}

extension PDFSource {
    /// Words of the text layer with their boxes in points (poppler's word breaks, normalised).
    public func words(ofPage index: Int) throws -> [PositionedWord] {
        try textLayer(ofPage: index).words
    }

    /// The text layer of a page read from its glyph boxes (points). poppler gives one box per character of
    /// `poppler_page_get_text`; its spaces and line breaks are where it thought words and lines end.
    public func textLayer(ofPage index: Int) throws -> TextLayerReading {
        let lines = try withPage(index) { page -> [[TextLayerBuilder.Token]] in
            let text = takeString(poppler_page_get_text(page)) ?? ""
            var rectangles: UnsafeMutablePointer<PopplerRectangle>?
            var count: guint = 0
            guard poppler_page_get_text_layout(page, &rectangles, &count) != 0, let rectangles else { return [] }
            defer { g_free(rectangles) }
            var lines: [[TextLayerBuilder.Token]] = [[]]
            var token = TextLayerBuilder.Token()
            func finishToken() {
                if !token.glyphs.isEmpty { lines[lines.count - 1].append(token) }
                token = TextLayerBuilder.Token()
            }
            for (offset, character) in text.unicodeScalars.enumerated() {
                guard offset < Int(count) else { break }
                if character == "\n" || character == "\r" {
                    finishToken()
                    if !lines[lines.count - 1].isEmpty { lines.append([]) }
                    continue
                }
                if character.properties.isWhitespace { finishToken(); continue }
                let r = rectangles[offset]
                token.glyphs.append((character, Box(x: min(r.x1, r.x2), y: min(r.y1, r.y2), width: abs(r.x2 - r.x1), height: abs(r.y2 - r.y1))))
            }
            finishToken()
            return lines.filter { !$0.isEmpty }
        }
        return TextLayerBuilder.readings(lines)
    }
}

enum TextLayerBuilder {
    struct Token {
        var glyphs: [(Unicode.Scalar, Box)] = []
        var raw: String { String(String.UnicodeScalarView(glyphs.map(\.0))) }
        var box: Box { glyphs.dropFirst().reduce(glyphs[0].1) { $0.union($1.1) } }
        var height: Double { glyphs.map(\.1.height).max() ?? 0 }
    }

    /// NFKC ("ﬁ" → "fi", fullwidth → ASCII) without default-ignorable code points (soft hyphen, zero-width
    /// characters, bidi controls), which draw nothing and would split a name for the matcher.
    static func normalise(_ text: String) -> String {
        let folded = text.precomposedStringWithCompatibilityMapping
        return String(String.UnicodeScalarView(folded.unicodeScalars.filter { !$0.properties.isDefaultIgnorableCodePoint }))
    }

    static func word(_ tokens: [Token]) -> PositionedWord? {
        let text = normalise(tokens.map(\.raw).joined())
        guard !text.isEmpty, let first = tokens.first else { return nil }
        return PositionedWord(text: text, box: tokens.dropFirst().reduce(first.box) { $0.union($1.box) })
    }

    /// Horizontal gap between two tokens on one line (negative when they overlap).
    static func gap(_ a: Token, _ b: Token) -> Double {
        guard let last = a.glyphs.last?.1, let first = b.glyphs.first?.1 else { return .infinity }
        return first.x - last.maxX
    }

    static func readings(_ lines: [[Token]]) -> TextLayerReading {
        let plain = lines.flatMap { $0.compactMap { word([$0]) } }
        // Joined where the gap is narrower than a word space: a space is about a quarter of the font size and
        // poppler's glyph boxes are about 1.2 font sizes tall, so a fifth of the box height is below any space.
        let joinedLines = lines.map { line in groups(line) { previous, next in gap(previous, next) < 0.2 * min(previous.height, next.height) } }
        var joined = joinedLines.flatMap { $0.compactMap { word($0) } }
        joined += hyphenated(joinedLines)
        let spaced = lines.flatMap { line in letterSpacedRuns(line).compactMap { word($0) } }
        // A hyphen drawn inside a word ("Bartholo-mew": WinAnsi's soft-hyphen byte is drawn as a visible hyphen,
        // and a hostile sender can put one anywhere) is read without it too; "Jean-Paul" is still read whole.
        let unhyphenated = joined.map { word in
            PositionedWord(text: removingInnerHyphens(word.text), box: word.box, confidence: word.confidence, continuation: word.continuation)
        }
        return TextLayerReading(words: plain, alternatives: [joined, spaced] + (unhyphenated == joined ? [] : [unhyphenated]))
    }

    /// The word without hyphens that stand between two letters.
    static func removingInnerHyphens(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var kept = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if ["-", "\u{2010}", "\u{2011}"].contains(scalar), index > 0, index + 1 < scalars.count,
               scalars[index - 1].properties.isAlphabetic, scalars[index + 1].properties.isAlphabetic {
                continue
            }
            kept.append(scalar)
        }
        return String(kept)
    }

    /// Consecutive tokens grouped while `together` says the next one continues the previous one.
    static func groups(_ line: [Token], together: (Token, Token) -> Bool) -> [[Token]] {
        var result: [[Token]] = []
        for token in line {
            if let last = result.last?.last, together(last, token) {
                result[result.count - 1].append(token)
            } else {
                result.append([token])
            }
        }
        return result
    }

    /// Runs of one-character tokens ("P e t e r") joined; a run breaks at a gap clearly wider than its letter
    /// gaps ("P e t e r   S m i t h" gives two words).
    static func letterSpacedRuns(_ line: [Token]) -> [[Token]] {
        var result: [[Token]] = []
        var smallest = Double.infinity
        for token in line {
            let single = normalise(token.raw).count == 1
            if single, let run = result.last, let last = run.last, normalise(last.raw).count == 1 {
                let space = gap(last, token)
                let limit = run.count == 1 ? 1.5 * token.height : 1.6 * smallest + 0.05 * token.height
                if space < limit {
                    smallest = min(smallest, max(space, 0))
                    result[result.count - 1].append(token)
                    continue
                }
            }
            smallest = .infinity
            result.append([token])
        }
        return result
    }

    /// A word that ends a line with a hyphen (or a soft hyphen) joined with the word that starts the next line,
    /// boxed in both places.
    static func hyphenated(_ lines: [[[Token]]]) -> [PositionedWord] {
        var words: [PositionedWord] = []
        for (line, next) in zip(lines, lines.dropFirst()) {
            guard let end = line.last, let start = next.first else { continue }
            let raw = end.map(\.raw).joined()
            guard let last = raw.unicodeScalars.last, ["-", "\u{00AD}", "\u{2010}"].contains(last),
                  let head = word(end), let tail = word(start) else { continue }
            let stem = head.text.hasSuffix("-") || head.text.hasSuffix("\u{2010}") ? String(head.text.dropLast()) : head.text
            words.append(PositionedWord(text: stem + tail.text, box: head.box, continuation: [tail.box]))
        }
        return words
    }
}
