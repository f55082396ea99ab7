import Foundation

/// A name as typed, ready to compare with stored names: partial, any order, case and accents ignored, titles
/// skipped ("Mrs Platt" and "platt j" both find "Joan Platt").
///
/// Most names are ASCII, and folding each through Foundation was most of the time `person find` took over 100 000
/// people; an ASCII name is folded byte by byte instead. The two ways give the same answer (PersonFindTests compares
/// them): for ASCII, Foundation's case and diacritic folding is lower-casing, and the letters `Normalise.name` keeps
/// are A–Z and a–z. A name or a query with any other character goes the Foundation way.
struct NameQuery: Sendable {
    static let titles: Set<Substring> = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev", "the"]
    private static let asciiTitles: [[UInt8]] = titles.map { Array($0.utf8) }

    let words: [Substring]
    /// The words as bytes when every one is ASCII (and there are few enough to track in one bit mask).
    private let asciiWords: [[UInt8]]?

    init(_ text: String) {
        words = Self.searchable(text)
        asciiWords = words.count <= 64 && words.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } ? words.map { Array($0.utf8) } : nil
    }

    /// The words of `text` as they are compared: folded, split at anything not a letter, titles left out.
    static func searchable(_ text: String) -> [Substring] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: Locale(identifier: "en_GB"))
        return Normalise.name(folded).split(separator: " ").filter { !titles.contains($0) }
    }

    /// Every word typed starts a word of the name.
    func matches(_ name: String) -> Bool {
        let nameWords = Self.searchable(name)
        return !words.isEmpty && words.allSatisfy { part in nameWords.contains { $0.hasPrefix(part) } }
    }

    /// `matches` for a name given as UTF-8 (just opened), without making a String of an ASCII name.
    func matches(utf8 name: UnsafeRawBufferPointer) -> Bool {
        guard !words.isEmpty else { return false }
        guard let asciiWords, !name.contains(where: { $0 >= 0x80 }) else { return matches(String(decoding: name, as: UTF8.self)) }
        let all: UInt64 = asciiWords.count == 64 ? ~0 : (1 << UInt64(asciiWords.count)) - 1
        var found: UInt64 = 0
        var start = 0
        for end in 0...name.count {
            if end < name.count, Self.isLetter(name[end]) { continue }
            if end > start, !Self.isTitle(name, start, end) {
                for (bit, part) in asciiWords.enumerated() where found & (1 << UInt64(bit)) == 0 {
                    if Self.startsWith(name, start, end, part) { found |= 1 << UInt64(bit) }
                }
                if found == all { return true }
            }
            start = end + 1
        }
        return false
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }

    /// Whether name[start..<end] (letters), lower-cased, begins with `part` (lower-case letters).
    private static func startsWith(_ name: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ part: [UInt8]) -> Bool {
        guard end - start >= part.count else { return false }
        for (offset, byte) in part.enumerated() where name[start + offset] | 0x20 != byte { return false }
        return true
    }

    private static func isTitle(_ name: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Bool {
        guard end - start <= 4 else { return false }
        return asciiTitles.contains { $0.count == end - start && startsWith(name, start, end, $0) }
    }
}
