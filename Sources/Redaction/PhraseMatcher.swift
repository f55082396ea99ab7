import Foundation

/// Finds phrases (names, addresses, custom terms, allow-listed terms) as sequences of folded words, so
/// "Margaret\n  ELLIS", "margaret ellis" and "Zoë"/"Zoe" all match, across line breaks and punctuation.
/// Words are hashed while the text is scanned once; a phrase is looked up by its first word's hash.
struct PhraseMatcher: Sendable {
    struct Label: Sendable {
        var kind: RedactionKind
        var detector: String
        var personID: String?
        var reason: String
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
            var byFirstWord: [UInt64: [Int]] = [:]
            for (index, phrase) in phrases.enumerated() { byFirstWord[phrase.words[0], default: []].append(index) }
            return PhraseMatcher(phrases: phrases, byFirstWord: byFirstWord, longest: phrases.map(\.words.count).max() ?? 0)
        }
    }

    let phrases: [Phrase]
    let byFirstWord: [UInt64: [Int]]
    let longest: Int

    var isEmpty: Bool { phrases.isEmpty }

    func matches(in bytes: UnsafeBufferPointer<UInt8>, into spans: inout [RedactionSpan]) {
        guard !phrases.isEmpty else { return }
        let words = Words.scan(bytes)
        for index in words.indices {
            guard let candidates = byFirstWord[words[index].hash] else { continue }
            for candidate in candidates {
                let phrase = phrases[candidate]
                let last = index + phrase.words.count - 1
                guard last < words.count else { continue }
                var matched = true
                var offset = 1
                while offset < phrase.words.count {
                    if words[index + offset].hash != phrase.words[offset] {
                        matched = false
                        break
                    }
                    offset += 1
                }
                if matched {
                    spans.append(RedactionSpan(start: words[index].start, end: words[last].end, kind: phrase.label.kind,
                                               detector: phrase.label.detector, reason: phrase.label.reason, personID: phrase.label.personID))
                }
            }
        }
    }

    func ranges(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var spans: [RedactionSpan] = []
        matches(in: bytes, into: &spans)
        return spans.map(\.utf8Range)
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
        return text.withUTF8 { scan($0).map(\.hash) }
    }

    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> [Word] {
        var words: [Word] = []
        words.reserveCapacity(bytes.count / 6)
        var index = 0
        let count = bytes.count
        var inWord = false
        var start = 0
        var hash = offsetBasis
        @inline(__always) func mix(_ byte: UInt8) {
            hash = (hash ^ UInt64(byte)) &* prime
        }
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                let isLetter = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A)
                let isDigit = byte >= 0x30 && byte <= 0x39
                if isLetter || isDigit {
                    if !inWord {
                        inWord = true
                        start = index
                        hash = offsetBasis
                    }
                    mix(isLetter ? byte | 0x20 : byte)
                } else if inWord {
                    words.append(Word(start: start, end: index, hash: hash))
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
                for folded in Folding.fold(scalar) { mix(folded) }
            } else if inWord {
                words.append(Word(start: start, end: index, hash: hash))
                inWord = false
            }
            index += length
        }
        if inWord { words.append(Word(start: start, end: count, hash: hash)) }
        return words
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
