import Foundation

/// Registered name words typed with look-alikes of a lower-case l: a capital I ("EIIis", "PIATT", "ElIis") or the
/// digit one ("E11is"), any number of them and mixed. TR39's confusable skeletons keep "I" and "l" apart (both are
/// ordinary Latin letters) and case folding reads a capital I as "i", so such a word hashes as some other word.
///
/// A word of the text that may be one (a capital I after its first letter, or a digit one among letters: the
/// token readers flag it, so other words cost nothing) is compared letter by letter with the registered name
/// words of the same outline (i, l and 1 as one letter); where it matches one, it is read as that word, so every
/// spelling of the person's name (with a title, an initial, reversed) matches it, and the name finder takes it for
/// the registered word it is. This replaced a list of capital-I spellings per name, which covered at most two
/// swapped l's per name and stopped at 20,000 spellings a case.
struct LookalikeNames: Sendable {
    private struct Entry: Sendable {
        /// The registered word's folded letters.
        var letters: [UInt8]
        var hash: UInt64
    }

    /// Registered words with an l, by the hash of their outline: `entries[byOutline[outline] - 1]`.
    private let byOutline: WordTable<UInt32>
    private let entries: [[Entry]]

    init(names: some Sequence<String>) {
        var byOutline: [UInt64: [Entry]] = [:]
        for name in names {
            var name = name
            name.withUTF8 { bytes in
                Words.scanWords(bytes) { word, _ in
                    let letters = Self.folded(bytes, word.start..<word.end).map(\.letter)
                    guard letters.contains(UInt8(ascii: "l")) else { return }
                    let key = Self.outline(letters)
                    if !(byOutline[key]?.contains { $0.letters == letters } ?? false) {
                        byOutline[key, default: []].append(Entry(letters: letters, hash: word.hash))
                    }
                }
            }
        }
        let outlines = Array(byOutline.keys)
        self.byOutline = WordTable(Dictionary(uniqueKeysWithValues: outlines.enumerated().map { ($1, UInt32($0 + 1)) }))
        entries = outlines.map { byOutline[$0] ?? [] }
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Whether the word `bytes[range]` may be a look-alike spelling: a capital I after its first character, or a
    /// digit one and a letter. (For words the token readers did not flag: the letter-by-letter readings.)
    /// Where in the text a look-alike of l may stand inside a word (`isSuspect`), sorted, then `Int.max`. Found
    /// with `memchr` over the whole text: a test per word in the shared pass cost 7 % of the redaction's instructions.
    static func suspects(in bytes: UnsafeBufferPointer<UInt8>) -> [Int] {
        var found: [Int] = []
        guard let base = bytes.baseAddress else { return [Int.max] }
        let count = bytes.count
        for needle in [UInt8(ascii: "I"), UInt8(ascii: "1")] {
            var position = 0
            while position < count, let hit = memchr(base + position, Int32(needle), count - position) {
                let index = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                position = index + 1
                if isSuspect(bytes, index) { found.append(index) }
            }
        }
        found.sort()
        found.append(Int.max)
        return found
    }

    /// A capital I after a letter ("EIIis", "PIATT"; not the word "I"), or a digit one with a letter before it or
    /// after its run of ones and capital I's ("E11is", "1ily"; also "11pm" and "NR1", which spell no name).
    @inline(__always) static func isSuspect(_ bytes: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        let byte = bytes[index]
        guard byte == UInt8(ascii: "I") || byte == UInt8(ascii: "1") else { return false }
        if index > 0, Bytes.isLetter(bytes[index - 1]) { return true }
        guard byte == UInt8(ascii: "1") else { return false }
        var after = index + 1
        while after < bytes.count, bytes[after] == UInt8(ascii: "1") || bytes[after] == UInt8(ascii: "I") { after += 1 }
        return after < bytes.count && Bytes.isLetter(bytes[after])
    }

    /// Whether the word `bytes[range]` holds a place `suspects` would list (the readings that do not go through
    /// the shared pass ask this of each word).
    static func mayBeLookalike(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.contains { isSuspect(bytes, $0) }
    }

    /// The hash of the registered word that `bytes[range]` spells with look-alikes of l, or nil.
    func resolve(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64? {
        // The outline read from the bytes of an ASCII word ("11pm", "NR1" are ruled out here, with no allocation).
        var outline = Words.offsetBasis
        for index in range {
            let byte = bytes[index]
            guard byte < 0x80 else {
                outline = Self.outline(Self.folded(bytes, range).map(\.letter))
                break
            }
            guard Bytes.isLetter(byte) || Bytes.isDigit(byte) else { continue }
            let lowered = Bytes.lower(byte)
            let same = lowered == UInt8(ascii: "i") || lowered == UInt8(ascii: "1") ? UInt8(ascii: "l") : lowered
            outline = (outline ^ UInt64(same)) &* Words.prime
        }
        let group = Int(byOutline[outline])
        guard group > 0 else { return nil }
        let letters = Self.folded(bytes, range)
        for entry in entries[group - 1] where entry.letters.count == letters.count {
            var same = true
            for (wanted, read) in zip(entry.letters, letters)
            where wanted != read.letter && !(wanted == UInt8(ascii: "l") && read.mayBeL) {
                same = false
                break
            }
            if same { return entry.hash }
        }
        return nil
    }

    /// The folded letters and digits of a word, as `Words` hashes them, each with whether it may stand for an l
    /// (a capital I or a digit one).
    static func folded(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [(letter: UInt8, mayBeL: Bool)] {
        var letters: [(letter: UInt8, mayBeL: Bool)] = []
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte < 0x80 {
                if Bytes.isLetter(byte) || Bytes.isDigit(byte) {
                    letters.append((Bytes.lower(byte), byte == UInt8(ascii: "I") || byte == UInt8(ascii: "1")))
                }
                index += 1
                continue
            }
            let (scalar, length) = Words.decode(bytes, at: index)
            index += length
            guard let scalar, !scalar.properties.isDefaultIgnorableCodePoint, !Folding.isMark(scalar.properties),
                  scalar.properties.isAlphabetic || scalar.properties.numericType != nil else { continue }
            for folded in Folding.fold(scalar) { letters.append((folded, false)) }
        }
        return letters
    }

    /// The hash of the letters with i, l and 1 as one letter.
    static func outline(_ letters: [UInt8]) -> UInt64 {
        var hash = Words.offsetBasis
        for letter in letters {
            let same = letter == UInt8(ascii: "i") || letter == UInt8(ascii: "1") ? UInt8(ascii: "l") : letter
            hash = (hash ^ UInt64(same)) &* Words.prime
        }
        return hash
    }
}

extension LookalikeNames {
    /// A word of `Words` read as the registered name word it spells with look-alikes of l, if it does (the
    /// readings that do not go through the token readers: the phrase matcher's own pass, non-ASCII tokens).
    @inline(__always) func resolved(_ word: Words.Word, _ bytes: UnsafeBufferPointer<UInt8>) -> Words.Word {
        guard !isEmpty, Self.mayBeLookalike(bytes, word.start..<word.end), let hash = resolve(bytes, word.start..<word.end) else { return word }
        return Words.Word(start: word.start, end: word.end, hash: hash)
    }
}
