import Foundation

/// Finds phrases (names, addresses, custom terms, allow-listed terms) as sequences of folded words, so
/// "Margaret\n  ELLIS", "margaret ellis" and "Zoë"/"Zoe" all match, across line breaks and punctuation.
/// Words are hashed while the text is scanned once; a phrase is looked up by its first word's hash.
struct PhraseMatcher: Sendable {
    struct Label: Sendable {
        var kind: RedactionKind
        var detector: Detector
        var personID: String?
        var role: PersonRole?
        /// An allow-list phrase: what it covers is never redacted.
        var allows = false
    }

    struct Phrase: Sendable {
        var words: [UInt64]
        var label: Label
    }

    struct Builder {
        var phrases: [Phrase] = []

        mutating func add(_ text: String, label: Label) {
            let words = Words.hashes(of: text)
            guard !words.isEmpty else { return }
            phrases.append(Phrase(words: words, label: label))
        }

        func build() -> PhraseMatcher {
            var byLastWord: [UInt64: [Int]] = [:]
            var filter = [UInt64](repeating: 0, count: PhraseMatcher.filterWords)
            for (index, phrase) in phrases.enumerated() {
                let last = phrase.words[phrase.words.count - 1]
                byLastWord[last, default: []].append(index)
                let bit = Int(last & UInt64(PhraseMatcher.filterBits - 1))
                filter[bit >> 6] |= 1 << UInt64(bit & 63)
            }
            return PhraseMatcher(phrases: phrases, byLastWord: byLastWord, filter: filter,
                                 longest: phrases.map(\.words.count).max() ?? 0)
        }
    }

    /// A 64 Ki-bit filter on the last word's hash: almost every word of a text is rejected without a
    /// dictionary lookup.
    static let filterBits = 1 << 16
    static let filterWords = filterBits / 64

    let phrases: [Phrase]
    let byLastWord: [UInt64: [Int]]
    let filter: [UInt64]
    let longest: Int

    var isEmpty: Bool { phrases.isEmpty }

    /// One pass over the words, keeping only the last `longest` of them: a phrase is recognised when its
    /// last word arrives. Redaction spans go to `spans`, allow-list matches to `allowed`.
    func matches(in bytes: UnsafeBufferPointer<UInt8>, into spans: inout [RedactionSpan], allowed: inout [Range<Int>]) {
        guard !phrases.isEmpty else { return }
        // A power-of-two ring, so finding the k-th previous word is a mask, not a division.
        var window = 1
        while window < longest { window <<= 1 }
        let mask = window - 1
        var recent = [Words.Word](repeating: Words.Word(start: 0, end: 0, hash: 0), count: window)
        var seen = 0
        filter.withUnsafeBufferPointer { filter in
            Words.forEach(bytes) { word in
                recent[seen & mask] = word
                seen += 1
                let bit = Int(word.hash & UInt64(PhraseMatcher.filterBits - 1))
                guard filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0, let candidates = byLastWord[word.hash] else { return }
                for candidate in candidates {
                    let phrase = phrases[candidate]
                    let length = phrase.words.count
                    guard length <= seen else { continue }
                    var matched = true
                    var offset = 1
                    while offset < length {
                        if recent[(seen - 1 - offset) & mask].hash != phrase.words[length - 1 - offset] {
                            matched = false
                            break
                        }
                        offset += 1
                    }
                    guard matched else { continue }
                    let start = recent[(seen - length) & mask].start
                    if phrase.label.allows {
                        allowed.append(start..<word.end)
                    } else {
                        spans.append(RedactionSpan(start: start, end: word.end, kind: phrase.label.kind, detector: phrase.label.detector,
                                                   personID: phrase.label.personID, role: phrase.label.role))
                    }
                }
            }
        }
    }
}

/// Words of a UTF-8 text: runs of letters and digits, folded (lower case, accents removed) and hashed.
enum Words {
    struct Word {
        var start: Int
        var end: Int
        var hash: UInt64
    }

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    static func hashes(of text: String) -> [UInt64] {
        var text = text
        var hashes: [UInt64] = []
        text.withUTF8 { bytes in forEach(bytes) { hashes.append($0.hash) } }
        return hashes
    }

    static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Word) -> Void) {
        var index = 0
        let count = bytes.count
        var inWord = false
        var start = 0
        var hash = offsetBasis
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                let lowered = byte | 0x20
                let isLetter = lowered >= 0x61 && lowered <= 0x7A
                let isDigit = byte >= 0x30 && byte <= 0x39
                if isLetter || isDigit {
                    if !inWord {
                        inWord = true
                        start = index
                        hash = offsetBasis
                    }
                    hash = (hash ^ UInt64(isLetter ? lowered : byte)) &* prime
                } else if inWord {
                    body(Word(start: start, end: index, hash: hash))
                    inWord = false
                }
                index += 1
                continue
            }
            // A multi-byte scalar: decode it, then fold it (or end the word when it is not a letter).
            let (scalar, length) = decode(bytes, at: index)
            if let scalar, scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if !inWord {
                    inWord = true
                    start = index
                    hash = offsetBasis
                }
                for folded in Folding.fold(scalar) { hash = (hash ^ UInt64(folded)) &* prime }
            } else if inWord {
                body(Word(start: start, end: index, hash: hash))
                inWord = false
            }
            index += length
        }
        if inWord { body(Word(start: start, end: count, hash: hash)) }
    }

    /// One UTF-8 scalar at `index`; invalid bytes count as one non-letter byte.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar?, Int) {
        let lead = bytes[index]
        let length: Int
        var value: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; value = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; value = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; value = UInt32(lead & 0x07)
        default: return (nil, 1)
        }
        guard index + length <= bytes.count else { return (nil, 1) }
        for offset in 1..<length {
            let byte = bytes[index + offset]
            guard byte & 0xC0 == 0x80 else { return (nil, 1) }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (Unicode.Scalar(value), length)
    }
}

/// Case and accent folding for the Latin letters names are written in (é → e, Ø → o, ß → ss), and
/// Unicode lower-casing for everything else.
enum Folding {
    private static let table: [UInt32: [UInt8]] = {
        var table: [UInt32: [UInt8]] = [:]
        let specials: [UInt32: String] = [0xDF: "ss", 0xC6: "ae", 0xE6: "ae", 0xD8: "o", 0xF8: "o", 0x110: "d", 0x111: "d",
                                          0x141: "l", 0x142: "l", 0xDE: "th", 0xFE: "th", 0x152: "oe", 0x153: "oe", 0x131: "i", 0xD0: "d", 0xF0: "d"]
        for value in UInt32(0xC0)...UInt32(0x24F) {
            if let special = specials[value] {
                table[value] = Array(special.utf8)
                continue
            }
            guard let scalar = Unicode.Scalar(value) else { continue }
            let decomposed = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars
            if let base = decomposed.first, base.isASCII, base.properties.isAlphabetic {
                table[value] = Array(String(base).lowercased().utf8)
            }
        }
        return table
    }()

    static func fold(_ scalar: Unicode.Scalar) -> [UInt8] {
        if let folded = table[scalar.value] { return folded }
        return Array(scalar.properties.lowercaseMapping.utf8)
    }
}

/// The spellings of a person's name to look for: full name, first + last, "Surname, First", title +
/// surname, initial + surname; the first name alone only when the case marks it safe. Never the surname
/// alone (too many false hits on common words).
enum NameSpellings {
    static let titles = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "lady", "lord"]

    static func spellings(of person: KnownPerson) -> [String] {
        let parts = person.fullName.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard let first = parts.first else { return [] }
        guard parts.count > 1, let last = parts.last else { return [first] }
        var spellings = [parts.joined(separator: " "), "\(first) \(last)", "\(last) \(first)"]
        let initial = String(first.prefix(1))
        spellings.append("\(initial) \(last)")
        var personTitles = titles
        if let title = person.title?.trimmingCharacters(in: CharacterSet(charactersIn: ". ")).lowercased(), !title.isEmpty {
            personTitles.append(title)
        }
        // With a title in front, the title goes too: "Mrs Margaret Ellis", "Mrs M Ellis", "Mrs Ellis".
        for title in personTitles {
            spellings += ["\(title) \(last)", "\(title) \(initial) \(last)", "\(title) \(first) \(last)"]
        }
        if person.firstNameIsSafe { spellings.append(first) }
        return Array(Set(spellings)).sorted()
    }
}
