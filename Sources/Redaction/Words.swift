import Foundation

/// Words of a UTF-8 text: runs of letters and digits, folded (lower case, accents removed) and hashed.
enum Words {
    struct Word {
        var start: Int
        var end: Int
        var hash: UInt64
    }

    /// Whether a hyphen or an apostrophe (ASCII, U+2010, U+2011, U+2019) ends just before `start`, with a
    /// letter before it.
    @inline(__always) static func isJoined(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Bool {
        guard start >= 2 else { return false }
        let before = bytes[start - 1]
        if before == UInt8(ascii: "-") || before == UInt8(ascii: "'") { return Bytes.isLetter(bytes[start - 2]) }
        guard before == 0x90 || before == 0x91 || before == 0x99, start >= 4, bytes[start - 3] == 0xE2, bytes[start - 2] == 0x80 else {
            return false
        }
        return Bytes.isLetter(bytes[start - 4])
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

    /// The words as the text spells them; `single` is the folded letter of a one-letter word. With `range`,
    /// only the words inside it (the shared pass reads a name token's text this way when it is not one plain word).
    static func scanWords(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>? = nil, _ body: (Word, UInt8?) -> Void) {
        var index = range?.lowerBound ?? 0
        let count = range?.upperBound ?? bytes.count
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
        /// How many of `run` are waiting; the rest is storage kept from earlier runs (emptying the array went
        /// through the generic `replaceSubrange`, about 60 instructions, at the end of every run of single letters).
        private var waiting = 0
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
                if waiting > 0 {
                    switch Self.gap(bytes, run[waiting - 1].word.end, word.start) {
                    case .space: break
                    case .punctuation: punctuated = true
                    case .none: flush(body, nextWordStart: word.start)
                    }
                }
                if waiting < run.count { run[waiting] = (word, single) } else { run.append((word, single)) }
                waiting += 1
                return
            }
            // Most words come with no run of single letters before them: no call (flush is not inlined, and this
            // is every word of the text).
            if waiting > 0 { flush(body, nextWordStart: word.start) }
            body(word)
        }

        /// Two letters are joined only when a wider gap (or the end) follows them ("1 2  O r c h a r d"), so
        /// initials before a surname ("M A Ellis") stay initials.
        mutating func flush(_ body: (Word) -> Void, nextWordStart: Int? = nil) {
            guard waiting > 0 else { return }
            let count = waiting
            defer {
                waiting = 0
                punctuated = false
            }
            let pairJoins = count == 2 && !punctuated && (nextWordStart.map { $0 > run[1].word.end + 1 } ?? true)
            guard count >= 3 || pairJoins else {
                for index in 0..<count { body(run[index].word) }
                return
            }
            var hash = Words.offsetBasis
            for index in 0..<count { hash = (hash ^ UInt64(run[index].letter)) &* Words.prime }
            body(Word(start: run[0].word.start, end: run[count - 1].word.end, hash: hash))
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
