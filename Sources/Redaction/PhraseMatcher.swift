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

    /// A 64 Ki-bit filter on the last word's hash: almost every word of a text is rejected without a
    /// dictionary lookup.
    static let filterBits = 1 << 16
    static let filterWords = filterBits / 64

    let phrases: [Phrase]
    /// The lookup tables, flat (no array or label copied, and nothing retained, per word looked up): a
    /// phrase's words are `words[wordStart[p]..<wordStart[p + 1]]`; the phrases ending in a word are
    /// `members[memberStart[g]..<memberStart[g + 1]]` for the group `lastWord[hash] - 1`.
    let lastWord: WordTable<UInt32>
    let memberStart: [Int32]
    let members: [Int32]
    let wordStart: [Int32]
    let words: [UInt64]
    /// Whether phrase p is a person's name (only names pass over middle initials).
    let isName: [Bool]
    /// Phrase p's next-to-last word (0 for a one-word phrase): most phrases ending in the same word differ
    /// there ("Mrs Ellis", "Joanne Ellis"), so most are ruled out by one comparison.
    let penultimate: [UInt64]
    /// Phrase p's third word from the end (0 for a shorter phrase): the next comparison, made for all
    /// candidates with the text's word read once.
    let antepenultimate: [UInt64]
    /// The same candidates split for the common case (the word before is not an initial): per last word, the
    /// one-word phrases (`singles[singleStart[g]..<singleStart[g + 1]]`); per last and next-to-last word, the
    /// longer ones (`pairs`). A key shared by two pairs only adds candidates, each still compared word by word.
    let singleStart: [Int32]
    let singles: [Int32]
    let pairs: CandidateLists
    /// When the third word from the end is not an initial either: the two-word phrases of the pair (`shortPairs`)
    /// and, under the key of the last three words, the longer phrases whose third word from the end is that word
    /// (`triples`); a key shared by two triples only adds candidates too. "Mrs Margaret Ellis", "Dr Margaret Ellis"… (a title each) share the pair
    /// "margaret ellis": each was a candidate ruled out one by one wherever that name stood.
    let shortPairs: CandidateLists
    let triples: CandidateLists
    let filter: [UInt64]
    let longest: Int

    @inline(__always) static func pairKey(_ last: UInt64, _ previous: UInt64) -> UInt64 {
        let key = (last &* 0x9E37_79B9_7F4A_7C15) ^ previous
        return key == 0 ? 1 : key
    }

    @inline(__always) static func tripleKey(_ last: UInt64, _ previous: UInt64, _ third: UInt64) -> UInt64 {
        let key = (pairKey(last, previous) &* 0xC2B2_AE3D_27D4_EB4F) ^ third
        return key == 0 ? 1 : key
    }

    init(phrases: [Phrase], groupOf: [UInt64: Int], groups: [[Int]], filter: [UInt64], longest: Int) {
        precondition(groups.count < Int(UInt32.max), "too many distinct last words for the phrase table")
        self.phrases = phrases
        lastWord = WordTable(groupOf.mapValues { UInt32($0 + 1) })
        var memberStart: [Int32] = [0]
        var members: [Int32] = []
        for group in groups {
            members += group.map { Int32($0) }
            memberStart.append(Int32(members.count))
        }
        self.memberStart = memberStart
        self.members = members
        var wordStart: [Int32] = [0]
        var words: [UInt64] = []
        for phrase in phrases {
            words += phrase.words
            wordStart.append(Int32(words.count))
        }
        self.wordStart = wordStart
        self.words = words
        isName = phrases.map { $0.label.kind == .personName }
        penultimate = phrases.map { $0.words.count > 1 ? $0.words[$0.words.count - 2] : 0 }
        antepenultimate = phrases.map { $0.words.count > 2 ? $0.words[$0.words.count - 3] : 0 }
        var singleStart: [Int32] = [0]
        var singles: [Int32] = []
        var pairItems: [(UInt64, Int32)] = []
        var shortItems: [(UInt64, Int32)] = []
        for group in groups {
            for index in group {
                let words = phrases[index].words
                if words.count == 1 {
                    singles.append(Int32(index))
                    continue
                }
                let key = Self.pairKey(words[words.count - 1], words[words.count - 2])
                pairItems.append((key, Int32(index)))
                if words.count == 2 { shortItems.append((key, Int32(index))) }
            }
            singleStart.append(Int32(singles.count))
        }
        self.singleStart = singleStart
        self.singles = singles
        pairs = CandidateLists(CandidateLists.grouped(pairItems))
        shortPairs = CandidateLists(CandidateLists.grouped(shortItems))
        var tripleItems: [(UInt64, Int32)] = []
        for (index, phrase) in phrases.enumerated() where phrase.words.count >= 3 {
            let words = phrase.words
            tripleItems.append((Self.tripleKey(words[words.count - 1], words[words.count - 2], words[words.count - 3]), Int32(index)))
        }
        triples = CandidateLists(CandidateLists.grouped(tripleItems))
        self.filter = filter
        self.longest = longest
    }

    var isEmpty: Bool { phrases.isEmpty }

    /// One pass over the words, keeping only the last `longest` of them: a phrase is recognised when its
    /// last word arrives. Redaction spans go to `spans`, allow-list matches to `allowed`.
    ///
    /// Two other readings of a word are tried where a name hides in one: the halves of a word split by a
    /// hyphen or an apostrophe inside a line, read as one ("Quen-by", "siobhan-oconnell", "O'Kafor"), and a
    /// word's letters without the digits run on after them ("bartholomewquenby83" in a web address).
    func matches(in bytes: UnsafeBufferPointer<UInt8>, into spans: inout [RedactionSpan], allowed: inout [Range<Int>],
                 lookalikes: LookalikeNames) {
        guard !phrases.isEmpty else { return }
        var state = Matching(matcher: self, bytes: bytes)
        swap(&state.spans, &spans)
        swap(&state.allowed, &allowed)
        Words.forEach(bytes) { state.take(lookalikes.resolved($0, bytes)) }
        swap(&state.spans, &spans)
        swap(&state.allowed, &allowed)
    }

    /// The state of one pass, in a struct whose methods work on it in place: a debug build checks every access
    /// to a variable a closure captures, and the per-word path is the hot one.
    struct Matching {
        // The matcher's tables as fields of their own: reading one through a stored matcher would copy (and
        // retain) the whole matcher on every word in a debug build.
        let phrases: [Phrase]
        let lastWord: WordTable<UInt32>
        let memberStart: [Int32]
        let members: [Int32]
        let wordStart: [Int32]
        let words: [UInt64]
        let isName: [Bool]
        let penultimate: [UInt64]
        let antepenultimate: [UInt64]
        let singleStart: [Int32]
        let singles: [Int32]
        let pairs: CandidateLists
        let shortPairs: CandidateLists
        let triples: CandidateLists
        let filter: [UInt64]
        let longest: Int
        let bytes: UnsafeBufferPointer<UInt8>
        let mask: Int
        /// A power-of-two ring of the last words, so finding the k-th previous word is a mask, not a division.
        /// Written through a pointer into `recentStorage`: an array element written per word checked the
        /// buffer's uniqueness and bounds each time.
        let recent: UnsafeMutablePointer<Words.Word>
        let recentStorage: WordRing
        var seen = 0
        /// The same words with each hyphenated word as one, so "Mar-garet Ellis" is "margaret ellis": filled
        /// from `recent` at a hyphenated word and kept (and read) only for the `longest` words after it.
        var merged: [Words.Word] = []
        var mergedSeen = 0
        var mergedDiffers = 0
        var spans: [RedactionSpan] = []
        var allowed: [Range<Int>] = []

        init(matcher: PhraseMatcher, bytes: UnsafeBufferPointer<UInt8>) {
            phrases = matcher.phrases
            lastWord = matcher.lastWord
            memberStart = matcher.memberStart
            members = matcher.members
            wordStart = matcher.wordStart
            words = matcher.words
            isName = matcher.isName
            penultimate = matcher.penultimate
            antepenultimate = matcher.antepenultimate
            singleStart = matcher.singleStart
            singles = matcher.singles
            pairs = matcher.pairs
            shortPairs = matcher.shortPairs
            triples = matcher.triples
            filter = matcher.filter
            longest = matcher.longest
            self.bytes = bytes
            var window = 1
            while window < matcher.longest + PhraseMatcher.middleInitials { window <<= 1 }
            mask = window - 1
            recentStorage = WordRing(count: window)
            recent = recentStorage.words
        }

        @inline(__always) func passes(_ hash: UInt64) -> Bool {
            let bit = Int(hash & UInt64(PhraseMatcher.filterBits - 1))
            return filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0
        }

        /// The rare work outlined (`takeJoined`): for most words this is a ring write, the filter and two byte tests,
        /// and a small function saves and restores fewer registers.
        mutating func take(_ word: Words.Word) {
            recent[seen & mask] = word
            seen += 1
            // The filter first, written out: almost every word stops at it.
            let bit = Int(word.hash & UInt64(PhraseMatcher.filterBits - 1))
            if filter[bit >> 6] & (1 << UInt64(bit & 63)) != 0 { check(word.hash, end: word.end, inMerged: false) }
            // Byte tests first: almost every word stands after a space and ends in a letter. (A flag set while
            // the words are read would make a word 25 bytes, copied by a call in a debug build.)
            let before = word.start >= 2 ? bytes[word.start - 1] : 0
            if before == 0x2D || before == 0x27 || (before >= 0x90 && before <= 0x99) || mergedDiffers > 0 || bytes[word.end - 1] &- 0x30 < 10 {
                takeJoined(word, before: before)
            }
        }

        /// A word after a hyphen or apostrophe, one near such a word, or one ending in a digit: the other readings.
        @inline(never) mutating func takeJoined(_ word: Words.Word, before: UInt8) {
            if before == 0x2D || before == 0x27 || (before >= 0x90 && before <= 0x99), seen >= 2, Bytes.isLetter(bytes[word.start]),
               Words.isJoined(bytes, at: word.start) {
                // The previous word (or the hyphenated word so far) and this one, read as one word.
                if mergedDiffers == 0 {
                    merged = Array(UnsafeBufferPointer(start: recent, count: mask + 1))
                    mergedSeen = seen - 1
                }
                let last = (mergedSeen - 1) & mask
                let hash = Words.hash(continuing: merged[last].hash, bytes, word.start..<word.end)
                merged[last] = Words.Word(start: merged[last].start, end: word.end, hash: hash)
                mergedDiffers = longest
                check(hash, end: word.end, inMerged: true)
            } else if mergedDiffers > 0 {
                merged[mergedSeen & mask] = word
                mergedSeen += 1
                mergedDiffers -= 1
                if passes(word.hash) { check(word.hash, end: word.end, inMerged: true) }
            }
            if bytes[word.end - 1] &- 0x30 < 10, word.end - word.start > PhraseMatcher.shortestLetters, Bytes.isLetter(bytes[word.start]) {
                var letters = word.end - 1
                while letters > word.start, Bytes.isDigit(bytes[letters - 1]) { letters -= 1 }
                if letters - word.start >= PhraseMatcher.shortestLetters {
                    check(Words.hash(continuing: Words.offsetBasis, bytes, word.start..<letters), end: word.end, inMerged: false)
                }
            }
        }

        /// A one-letter word followed by a dot, a comma or a space: "J." in "Peter J. Hart", not the "A" of "A&E".
        static func isInitial(_ word: Words.Word, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard word.end - word.start == 1, Bytes.isLetter(bytes[word.start]) else { return false }
            guard word.end < bytes.count else { return true }
            let after = bytes[word.end]
            return after == 0x20 || after == UInt8(ascii: ".") || after == UInt8(ascii: ",") || after == 0x0A || after == 0x09
        }

        /// Looks up phrases ending in a word with `hash` ending at `end`, the words before it taken from
        /// `recent` (or `merged`).
        mutating func check(_ hash: UInt64, end: Int, inMerged: Bool) {
            guard passes(hash) else { return }
            let group = Int(lastWord[hash])
            guard group > 0 else { return }
            let count = inMerged ? mergedSeen : seen
            // The word before this one, read once for all candidates: a phrase of two words or more whose
            // next-to-last word is not it fails at once, unless it is an initial a name may pass over (the
            // first step of the loop below, taken for every candidate at once).
            var previous: UInt64 = 0
            var previousIsInitial = false
            if count >= 2 {
                let word = inMerged ? merged[(count - 2) & mask] : recent[(count - 2) & mask]
                previous = word.hash
                previousIsInitial = Self.isInitial(word, bytes)
            }
            guard count < 2 || previousIsInitial else {
                // Only the one-word phrases and those whose next-to-last word is the previous word can match:
                // the two lists, in the order the phrases were added.
                var single = Int(singleStart[group - 1])
                let singlesEnd = Int(singleStart[group])
                // The word before that, for the phrases of three words or more: such a phrase fails unless it is
                // that word, or a name and the word is an initial it may pass over (as `verify` would find).
                var third: UInt64 = 0
                var thirdIsInitial = false
                if count >= 3 {
                    let word = inMerged ? merged[(count - 3) & mask] : recent[(count - 3) & mask]
                    third = word.hash
                    thirdIsInitial = Self.isInitial(word, bytes)
                }
                // Fewer than three words read: no longer phrase can match. A third word that is not an initial:
                // the pair's two-word phrases and the longer ones with that third word. Else every phrase of the
                // pair. The lists are merged in the order the phrases were added.
                let pairKey = PhraseMatcher.pairKey(hash, previous)
                // A flag, not a copy of the chosen lists (a copy retained and released their arrays on every check).
                let everyPair = count >= 3 && thirdIsInitial
                var paired = everyPair ? pairs.range(pairKey) : shortPairs.range(pairKey)
                var tripled = count >= 3 && !thirdIsInitial ? triples.range(PhraseMatcher.tripleKey(hash, previous, third)) : 0..<0
                while true {
                    var candidate = Int.max
                    if single < singlesEnd { candidate = Int(singles[single]) }
                    if !paired.isEmpty { candidate = min(candidate, Int(everyPair ? pairs.entries[paired.lowerBound] : shortPairs.entries[paired.lowerBound])) }
                    if !tripled.isEmpty { candidate = min(candidate, Int(triples.entries[tripled.lowerBound])) }
                    if candidate == Int.max { break }
                    if single < singlesEnd, Int(singles[single]) == candidate { single += 1 }
                    if !paired.isEmpty, candidate == Int(everyPair ? pairs.entries[paired.lowerBound] : shortPairs.entries[paired.lowerBound]) {
                        paired = paired.dropFirst()
                    }
                    if !tripled.isEmpty, Int(triples.entries[tripled.lowerBound]) == candidate { tripled = tripled.dropFirst() }
                    let length = Int(wordStart[candidate + 1] - wordStart[candidate])
                    if length > 1, penultimate[candidate] != previous { continue }
                    if length > 2, count >= 3, antepenultimate[candidate] != third, !(thirdIsInitial && isName[candidate]) { continue }
                    verify(candidate, count: count, end: end, inMerged: inMerged)
                }
                return
            }
            for member in Int(memberStart[group - 1])..<Int(memberStart[group]) {
                let candidate = Int(members[member])
                let length = Int(wordStart[candidate + 1] - wordStart[candidate])
                if length > 1, penultimate[candidate] != previous, !(previousIsInitial && isName[candidate]) { continue }
                verify(candidate, count: count, end: end, inMerged: inMerged)
            }
        }

        /// Whether phrase `candidate` ends with the word just read, and if so its span (or allowed range).
        @inline(__always)
        mutating func verify(_ candidate: Int, count: Int, end: Int, inMerged: Bool) {
            let first = Int(wordStart[candidate])
            let length = Int(wordStart[candidate + 1]) - first
            guard length <= count else { return }
            var matched = true
            // `offset` counts the phrase's words back from its last, `back` the text's: they differ by the
            // middle initials skipped inside a name ("Peter J. Hart", "Mrs M A Ellis").
            var offset = 1
            var back = 1
            while offset < length {
                guard back < count, back <= mask else {
                    matched = false
                    break
                }
                let word = inMerged ? merged[(count - 1 - back) & mask] : recent[(count - 1 - back) & mask]
                if word.hash == words[first + length - 1 - offset] {
                    offset += 1
                } else if !isName[candidate] || back - offset >= PhraseMatcher.middleInitials
                            || !Self.isInitial(word, bytes) {
                    matched = false
                    break
                }
                back += 1
            }
            guard matched else { return }
            let start = inMerged ? merged[(count - back) & mask].start : recent[(count - back) & mask].start
            let label = phrases[candidate].label
            if label.allows {
                allowed.append(start..<end)
            } else {
                spans.append(RedactionSpan(start: start, end: end, kind: label.kind, detector: label.detector,
                                           personID: label.personID, role: label.role))
            }
        }
    }

    /// Up to two one-letter words inside a person's name are passed over ("Peter J. R. Hart").
    static let middleInitials = 2

    /// Letters before digits shorter than this ("nr" of "nr18") are not looked up alone.
    static let shortestLetters = 4
}
