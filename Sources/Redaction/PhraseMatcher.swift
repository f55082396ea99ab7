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
