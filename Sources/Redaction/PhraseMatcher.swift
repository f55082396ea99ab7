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
            // "O'Connell" written "OConnell".
            if text.contains("'") || text.contains("\u{2019}") {
                let closed = Words.hashes(of: text.replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "\u{2019}", with: ""))
                if closed != words, !closed.isEmpty { phrases.append(Phrase(words: closed, label: label)) }
            }
            // The same phrase run together ("BARTHOLOMEWQUENBY" from letter-spacing whose word gap was lost,
            // "bartholomewquenby" in an email or a URL), when it is long enough not to be an ordinary word.
            let joined = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil }))
            if words.count > 1, joined.count >= Self.shortestJoined, let single = Words.hashes(of: joined).first {
                phrases.append(Phrase(words: [single], label: label))
            }
        }

        /// Shorter run-together phrases ("mellis" for "M Ellis") could be ordinary words.
        static let shortestJoined = 8

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
    ///
    /// Two other readings of a word are tried where a name hides in one: the halves of a word split by a
    /// hyphen or an apostrophe inside a line, read as one ("Quen-by", "siobhan-oconnell", "O'Kafor"), and a word's letters without the
    /// digits run on after them ("bartholomewquenby83" in a web address).
    func matches(in bytes: UnsafeBufferPointer<UInt8>, into spans: inout [RedactionSpan], allowed: inout [Range<Int>]) {
        guard !phrases.isEmpty else { return }
        // A power-of-two ring, so finding the k-th previous word is a mask, not a division.
        var window = 1
        while window < longest + Self.middleInitials { window <<= 1 }
        let mask = window - 1
        var recent = [Words.Word](repeating: Words.Word(start: 0, end: 0, hash: 0), count: window)
        var seen = 0
        // The same words with each hyphenated word as one, so "Mar-garet Ellis" is "margaret ellis": filled
        // from `recent` at a hyphenated word and kept (and read) only for the `longest` words after it.
        var merged = recent
        var mergedSeen = 0
        var mergedDiffers = 0
        // The hyphenated word the last word belongs to (one part when it had no hyphen before it).
        var joined = (end: -2, hash: UInt64(0), parts: 0)
        filter.withUnsafeBufferPointer { filter in
            /// Looks up phrases ending in a word with `hash` ending at `end`, the words before it taken from
            /// `recent` (or `merged`).
            func check(_ hash: UInt64, end: Int, inMerged: Bool) {
                let bit = Int(hash & UInt64(PhraseMatcher.filterBits - 1))
                guard filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0, let candidates = byLastWord[hash] else { return }
                let count = inMerged ? mergedSeen : seen
                for candidate in candidates {
                    let phrase = phrases[candidate]
                    let length = phrase.words.count
                    guard length <= count else { continue }
                    var matched = true
                    // `offset` counts the phrase's words back from its last, `back` the text's: they differ by the
                    // middle initials skipped inside a name ("Peter J. Hart", "Mrs M A Ellis").
                    var offset = 1
                    var back = 1
                    while offset < length {
                        guard back < count, back < window else {
                            matched = false
                            break
                        }
                        let word = inMerged ? merged[(count - 1 - back) & mask] : recent[(count - 1 - back) & mask]
                        if word.hash == phrase.words[length - 1 - offset] {
                            offset += 1
                        } else if phrase.label.kind != .personName || back - offset >= Self.middleInitials || word.end - word.start != 1
                                    || !Bytes.isLetter(bytes[word.start]) {
                            matched = false
                            break
                        }
                        back += 1
                    }
                    guard matched else { continue }
                    let start = inMerged ? merged[(count - back) & mask].start : recent[(count - back) & mask].start
                    if phrase.label.allows {
                        allowed.append(start..<end)
                    } else {
                        spans.append(RedactionSpan(start: start, end: end, kind: phrase.label.kind, detector: phrase.label.detector,
                                                   personID: phrase.label.personID, role: phrase.label.role))
                    }
                }
            }
            Words.forEach(bytes) { word in
                recent[seen & mask] = word
                seen += 1
                // The filter first, here: almost every word stops at it, without a call.
                let bit = Int(word.hash & UInt64(PhraseMatcher.filterBits - 1))
                if filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 { check(word.hash, end: word.end, inMerged: false) }
                if Self.isJoiner(bytes, joined.end, word.start), joined.parts < Self.hyphenParts,
                   Bytes.isLetter(bytes[word.start]), Bytes.isLetter(bytes[joined.end - 1]) {
                    joined = (word.end, Words.hash(continuing: joined.hash, bytes, word.start..<word.end), joined.parts + 1)
                    if mergedDiffers == 0 {
                        merged = recent
                        mergedSeen = seen - 1
                    }
                    let last = (mergedSeen - 1) & mask
                    merged[last] = Words.Word(start: merged[last].start, end: word.end, hash: joined.hash)
                    mergedDiffers = longest
                    check(joined.hash, end: word.end, inMerged: true)
                } else {
                    joined = (word.end, word.hash, 1)
                    if mergedDiffers > 0 {
                        merged[mergedSeen & mask] = word
                        mergedSeen += 1
                        mergedDiffers -= 1
                        check(word.hash, end: word.end, inMerged: true)
                    }
                }
                if word.end - word.start > Self.shortestLetters, Bytes.isDigit(bytes[word.end - 1]), Bytes.isLetter(bytes[word.start]) {
                    var letters = word.end - 1
                    while letters > word.start, Bytes.isDigit(bytes[letters - 1]) { letters -= 1 }
                    if letters - word.start >= Self.shortestLetters {
                        check(Words.hash(continuing: Words.offsetBasis, bytes, word.start..<letters), end: word.end, inMerged: false)
                    }
                }
            }
        }
    }

    /// Up to two one-letter words inside a person's name are passed over ("Peter J. R. Hart").
    static let middleInitials = 2

    /// "a-b-c" at most is read as one word.
    static let hyphenParts = 3

    /// A hyphen or an apostrophe ("O'Kafor" for "Okafor") alone between two words.
    @inline(__always) static func isJoiner(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
        switch to - from {
        case 1: return bytes[from] == UInt8(ascii: "-") || bytes[from] == UInt8(ascii: "'")
        case 3:
            guard bytes[from] == 0xE2, bytes[from + 1] == 0x80 else { return false }
            let last = bytes[from + 2]
            return last == 0x90 || last == 0x91 || last == 0x99
        default: return false
        }
    }
    /// Letters before digits shorter than this ("nr" of "nr18") are not looked up alone.
    static let shortestLetters = 4
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

    /// `hash` continued with the folded letters and digits of `range` (a word, or part of one).
    static func hash(continuing hash: UInt64, _ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        var hash = hash
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte < 0x80 {
                if Bytes.isLetter(byte) || Bytes.isDigit(byte) { hash = (hash ^ UInt64(Bytes.lower(byte))) &* prime }
                index += 1
                continue
            }
            let (scalar, length) = decode(bytes, at: index)
            index += length
            guard let scalar, !scalar.properties.isDefaultIgnorableCodePoint, !Folding.isMark(scalar.properties),
                  scalar.properties.isAlphabetic || scalar.properties.numericType != nil else { continue }
            for folded in Folding.fold(scalar) { hash = (hash ^ UInt64(folded)) &* prime }
        }
        return hash
    }

    static func hashes(of text: String) -> [UInt64] {
        var text = text
        var hashes: [UInt64] = []
        text.withUTF8 { bytes in forEach(bytes) { hashes.append($0.hash) } }
        return hashes
    }

    /// Every word of the text, in order. Invisible characters (default-ignorable code points: zero-width
    /// spaces and joiners, soft hyphens, bidi controls, variation selectors) and combining marks inside a
    /// word do not break it, and a hyphen at a line end followed by a lower-case letter joins the two halves
    /// ("Hart-\nley"), so a word's range covers the whole original text, invisible characters included.
    /// Runs of three or more single letters separated by single spaces ("P e t e r") are one word too.
    static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Word) -> Void) {
        var spaced = LetterSpacing()
        scanWords(bytes) { word, single in spaced.feed(word, single: single, bytes: bytes, body) }
        spaced.flush(body)
    }

    /// The words as the text spells them; `single` is the folded letter of a one-letter word.
    private static func scanWords(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Word, UInt8?) -> Void) {
        var index = 0
        let count = bytes.count
        var inWord = false
        var start = 0
        var hash = offsetBasis
        var letters = 0
        var last: UInt8 = 0
        func begin(at position: Int) {
            inWord = true
            start = position
            hash = offsetBasis
            letters = 0
        }
        func add(_ folded: UInt8) {
            hash = (hash ^ UInt64(folded)) &* prime
            letters += 1
            last = folded
        }
        func end(at position: Int) {
            body(Word(start: start, end: position, hash: hash), letters == 1 ? last : nil)
            inWord = false
        }
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                let lowered = byte | 0x20
                let isLetter = lowered >= 0x61 && lowered <= 0x7A
                let isDigit = byte >= 0x30 && byte <= 0x39
                if isLetter || isDigit {
                    if !inWord { begin(at: index) }
                    add(isLetter ? lowered : byte)
                } else if inWord {
                    if byte == UInt8(ascii: "-"), let resume = lineBreakContinuation(bytes, after: index + 1) {
                        index = resume
                        continue
                    }
                    end(at: index)
                }
                index += 1
                continue
            }
            // A multi-byte scalar: decode it, then fold it (or end the word when it is not a letter).
            let (scalar, length) = decode(bytes, at: index)
            if let scalar {
                let properties = scalar.properties
                if properties.isDefaultIgnorableCodePoint || Folding.isMark(properties) {
                    // Invisible, or an accent on the letter before it: part of the word around it.
                    if inWord, scalar.value == 0xAD, let resume = lineBreakContinuation(bytes, after: index + length) {
                        index = resume
                        continue
                    }
                    index += length
                    continue
                }
                if properties.isAlphabetic || properties.numericType != nil {
                    if !inWord { begin(at: index) }
                    for folded in Folding.fold(scalar) { add(folded) }
                    index += length
                    continue
                }
            }
            if inWord { end(at: index) }
            index += length
        }
        if inWord { end(at: count) }
    }

    /// After a hyphen inside a word: where the word goes on when only a line break (with spaces around it)
    /// separates the hyphen from a lower-case letter.
    static func lineBreakContinuation(_ bytes: UnsafeBufferPointer<UInt8>, after position: Int) -> Int? {
        var index = position
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        if index < bytes.count, bytes[index] == 0x0D { index += 1 }
        guard index < bytes.count, bytes[index] == 0x0A else { return nil }
        index += 1
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        guard index < bytes.count, bytes[index] >= 0x61, bytes[index] <= 0x7A else { return nil }
        return index
    }

    /// Joins letter-spaced words: three or more one-letter words, each one space after the last, are passed
    /// on as one word; anything else is passed on as it came.
    struct LetterSpacing {
        private var run: [(word: Word, letter: UInt8)] = []
        /// The run has a dot or hyphen between its letters ("P.e.t.e.r", "H-a-r-t"): initials like "M.A." or
        /// "e.g." are not joined, so such a run needs three letters.
        private var punctuated = false

        enum Gap { case space, punctuation, none }

        /// What stands between two one-letter words: one space (a tab or a no-break space too), one dot or
        /// hyphen, or anything else.
        static func gap(_ bytes: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Gap {
            switch to - from {
            case 1:
                let byte = bytes[from]
                if byte == 0x20 || byte == 0x09 { return .space }
                return byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") ? .punctuation : .none
            case 2: return bytes[from] == 0xC2 && bytes[from + 1] == 0xA0 ? .space : .none
            default: return .none
            }
        }

        mutating func feed(_ word: Word, single: UInt8?, bytes: UnsafeBufferPointer<UInt8>, _ body: (Word) -> Void) {
            if let single {
                if let previous = run.last {
                    switch Self.gap(bytes, previous.word.end, word.start) {
                    case .space: break
                    case .punctuation: punctuated = true
                    case .none: flush(body, nextWordStart: word.start)
                    }
                }
                run.append((word, single))
                return
            }
            flush(body, nextWordStart: word.start)
            body(word)
        }

        /// Two letters are joined only when a wider gap (or the end) follows them ("1 2  O r c h a r d"), so
        /// initials before a surname ("M A Ellis") stay initials.
        mutating func flush(_ body: (Word) -> Void, nextWordStart: Int? = nil) {
            guard !run.isEmpty else { return }
            defer {
                run.removeAll(keepingCapacity: true)
                punctuated = false
            }
            let pairJoins = run.count == 2 && !punctuated && (nextWordStart.map { $0 > run[1].word.end + 1 } ?? true)
            guard run.count >= 3 || pairJoins, let first = run.first, let last = run.last else {
                for item in run { body(item.word) }
                return
            }
            var hash = Words.offsetBasis
            for item in run { hash = (hash ^ UInt64(item.letter)) &* Words.prime }
            body(Word(start: first.word.start, end: last.word.end, hash: hash))
        }
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

    /// A letter's folded bytes: look-alikes of ASCII letters (Cyrillic "а", Greek "ο") as that letter, Latin
    /// letters without their accents, and everything else after compatibility decomposition (NFKC: fullwidth
    /// "Ｅ" is "e", the ligature "ﬁ" is "fi"), lower-cased.
    static func fold(_ scalar: Unicode.Scalar) -> [UInt8] {
        if let ascii = ConfusableTable.toASCII[scalar.value] { return [Self.lookAlike(ascii, scalar)] }
        if let folded = table[scalar.value] { return folded }
        let compatible = String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars
        if compatible.count == 1, compatible.first == scalar { return Array(scalar.properties.lowercaseMapping.utf8) }
        var bytes: [UInt8] = []
        for part in compatible where !part.properties.isDefaultIgnorableCodePoint && !isMark(part.properties) {
            if part.isASCII {
                bytes.append(UInt8(part.value) | (part.properties.isAlphabetic ? 0x20 : 0))
            } else {
                bytes += ConfusableTable.toASCII[part.value].map { [lookAlike($0, part)] } ?? table[part.value] ?? Array(part.properties.lowercaseMapping.utf8)
            }
        }
        return bytes
    }

    /// TR39 reads Greek "Ι" and Cyrillic "І" as "l" (a skeleton folds "I" and "l" together); here case is
    /// folded first, and a capital I is "i", so a capital that looks like one is "i" too ("ELLΙS" is "ellis").
    @inline(__always) static func lookAlike(_ ascii: UInt8, _ scalar: Unicode.Scalar) -> UInt8 {
        ascii == UInt8(ascii: "l") && scalar.properties.isUppercase ? UInt8(ascii: "i") : ascii
    }

    /// Combining marks (accents written as separate code points) belong to the letter before them.
    static func isMark(_ properties: Unicode.Scalar.Properties) -> Bool {
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
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
        // "Okafor, D." in an index or a list of people.
        spellings.append("\(last) \(initial)")
        if person.firstNameIsSafe { spellings.append(first) }
        return Array(Set(spellings)).sorted()
    }
}
