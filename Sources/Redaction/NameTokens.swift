/// Words for the name finder: runs of letters and digits (an apostrophe between letters joins, as in
/// "O'Connell"; a trailing "'s" is left out of the word), with their shape and what separates each from
/// the word before. One pass over UTF-8 bytes; ASCII stays on a fast path.
struct NameToken {
    enum Shape: UInt8 { case lower, capitalised, upper, initial, number }

    struct Gap: OptionSet {
        let rawValue: UInt8
        static let newline = Gap(rawValue: 1 << 0)
        static let blankLine = Gap(rawValue: 1 << 1)
        static let comma = Gap(rawValue: 1 << 2)
        static let period = Gap(rawValue: 1 << 3)
        static let hyphen = Gap(rawValue: 1 << 4)
        /// Any other punctuation (colon, brackets, quotes, slashes…).
        static let other = Gap(rawValue: 1 << 5)
        static let colon = Gap(rawValue: 1 << 6)
    }

    var start: Int
    var end: Int
    var hash: UInt64
    var shape: Shape
    /// What lies between the previous word and this one.
    var gap: Gap
    var letters: Int

    @inline(__always) var isNameShaped: Bool { shape == .capitalised || shape == .upper || shape == .initial }

    static func forEach(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (NameToken) -> Void) {
        forEachWord(bytes, punctuation: { _ in }) { token, _, _ in body(token) }
    }

    /// Every token, with where its reading stopped (`next`: after a possessive "'s" cut off the token) and
    /// whether `start..<next` is plain ASCII letters and digits (`simple`: then it is also exactly one word of
    /// `Words`, with the same hash, which lets the phrase matcher share this pass). `punctuation` is told where
    /// a "+", "(" or "@" stands between words (where a phone number or an email address may start), in order
    /// with the tokens. Returns whether the text has any non-ASCII byte.
    /// Always inlined: the shared pass's `body` is then inlined into the loop, where it was called through a
    /// context thunk per token (the thunk copied 136 bytes of captures for each of the 190,000 words a MiB).
    @discardableResult @inline(__always)
    static func forEachWord(_ bytes: UnsafeBufferPointer<UInt8>, punctuation: (Int) -> Void,
                            _ body: (NameToken, _ next: Int, _ simple: Bool) -> Void) -> Bool {
        let count = bytes.count
        var index = 0
        var gap: Gap = []
        var nonASCII = false
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                let lowered = byte | 0x20
                if !((lowered >= 0x61 && lowered <= 0x7A) || (byte >= 0x30 && byte <= 0x39)) {
                    switch byte {
                    case UInt8(ascii: "\n"):
                        if gap.contains(.newline) { gap.insert(.blankLine) }
                        gap.insert(.newline)
                    case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
                    case UInt8(ascii: ","): gap.insert(.comma)
                    case UInt8(ascii: "."): gap.insert(.period)
                    case UInt8(ascii: "-"): gap.insert(.hyphen)
                    case UInt8(ascii: ":"): gap.insert(.colon)
                    case UInt8(ascii: "+"), UInt8(ascii: "("), UInt8(ascii: "@"):
                        gap.insert(.other)
                        punctuation(index)
                    default: gap.insert(.other)
                    }
                    index += 1
                    continue
                }
            } else {
                nonASCII = true
                let (scalar, length) = Words.decode(bytes, at: index)
                guard let scalar, scalar.properties.isAlphabetic || scalar.properties.numericType != nil else {
                    // No-break space and the like separate words; other symbols count as punctuation.
                    if let scalar, scalar.properties.isWhitespace {
                        if scalar == "\u{2028}" || scalar == "\u{2029}" { gap.insert(.newline) }
                    } else if scalar?.properties.generalCategory != .nonspacingMark {
                        gap.insert(.other)
                    }
                    index += length
                    continue
                }
            }
            let token = word(bytes, from: index, gap: gap)
            if !token.simple, !nonASCII { nonASCII = bytes[index..<token.next].contains { $0 >= 0x80 } }
            index = token.next
            gap = []
            body(token.token, token.next, token.simple)
        }
        return nonASCII
    }

    /// The word starting at `start` (a letter or digit), and where scanning goes on. An ASCII word of letters and
    /// digits is read here; a word with a non-ASCII character or an apostrophe inside is read again from its start
    /// by `anyWord`, whose Unicode property lookups cost set-up work on every call even when no character needs
    /// them (most words), and which reads such rare words the same way.
    /// Per byte only the hash and one class test: an ASCII letter or digit folds to `byte | 0x20` (digits already
    /// have that bit), upper case is an OR of the letters' bytes, and digits are counted only in a word that has
    /// one (a test and counter per class and byte was the largest cost of the shared pass).
    @inline(__always)
    static func word(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, gap: Gap) -> (token: NameToken, next: Int, simple: Bool) {
        let count = bytes.count
        var index = start
        var hash = Words.offsetBasis
        // Bit 0x20 set: a lower-case letter was read; `digitSeen`: a digit was.
        var letterBits: UInt8 = 0
        var digitSeen = false
        while index < count {
            let byte = bytes[index]
            let lowered = byte | 0x20
            if lowered &- 0x61 < 26 {
                letterBits |= byte
            } else if byte &- 0x30 < 10 {
                digitSeen = true
            } else {
                break
            }
            hash = (hash ^ UInt64(lowered)) &* Words.prime
            index &+= 1
        }
        if index < count {
            let byte = bytes[index]
            if byte >= 0x80 || (byte == UInt8(ascii: "'") && index + 1 < count && Bytes.isLetter(bytes[index + 1])) {
                let any = anyWord(bytes, from: start, gap: gap)
                return (any.token, any.next, false)
            }
        }
        var digits = 0
        if digitSeen {
            for position in start..<index where bytes[position] &- 0x30 < 10 { digits &+= 1 }
        }
        let letters = index - start - digits
        let shape: Shape
        if digits > 0 {
            shape = .number
        } else if bytes[start] &- 0x41 < 26 {
            shape = letters == 1 ? .initial : (letterBits & 0x20 == 0 ? .upper : .capitalised)
        } else {
            shape = .lower
        }
        return (NameToken(start: start, end: index, hash: hash, shape: shape, gap: gap, letters: letters), index, true)
    }

    /// `word` for any word, non-ASCII characters included.
    @inline(never)
    static func anyWord(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, gap: Gap) -> (token: NameToken, next: Int) {
        let count = bytes.count
        var index = start
        var hash = Words.offsetBasis
        var upper = 0, lower = 0, digits = 0
        var firstUpper = false
        // Where the word stood before its last apostrophe, to drop a possessive "'s".
        var beforeApostrophe: (end: Int, hash: UInt64, letters: Int)?
        while index < count {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte >= 0x41 && byte <= 0x5A {
                    if upper + lower + digits == 0 { firstUpper = true }
                    upper += 1
                    hash = (hash ^ UInt64(byte | 0x20)) &* Words.prime
                } else if byte >= 0x61 && byte <= 0x7A {
                    lower += 1
                    hash = (hash ^ UInt64(byte)) &* Words.prime
                } else if byte >= 0x30 && byte <= 0x39 {
                    digits += 1
                    hash = (hash ^ UInt64(byte)) &* Words.prime
                } else if byte == UInt8(ascii: "'"), index + 1 < count, Bytes.isLetter(bytes[index + 1]) {
                    beforeApostrophe = (index, hash, upper + lower)
                } else {
                    break
                }
                index += 1
                continue
            }
            let (scalar, length) = Words.decode(bytes, at: index)
            guard let scalar else { break }
            if scalar == "\u{2019}", index + length < count, Bytes.isLetter(bytes[index + length]) {
                beforeApostrophe = (index, hash, upper + lower)
            } else if scalar.properties.isAlphabetic {
                if scalar.properties.isUppercase {
                    if upper + lower + digits == 0 { firstUpper = true }
                    upper += 1
                } else {
                    lower += 1
                }
                for folded in Folding.fold(scalar) { hash = (hash ^ UInt64(folded)) &* Words.prime }
            } else if scalar.properties.numericType != nil {
                digits += 1
            } else if scalar.properties.generalCategory != .nonspacingMark {
                break
            }
            index += length
        }
        return finish(bytes, start: start, index: index, hash: hash, upper: upper, lower: lower, digits: digits,
                      firstUpper: firstUpper, beforeApostrophe: beforeApostrophe, gap: gap)
    }

    /// The token read up to `index`: a possessive "'s" cut off, and its shape.
    @inline(__always)
    static func finish(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, index: Int, hash: UInt64, upper: Int, lower: Int, digits: Int,
                       firstUpper: Bool, beforeApostrophe: (end: Int, hash: UInt64, letters: Int)?, gap: Gap) -> (token: NameToken, next: Int) {
        var hash = hash
        var end = index
        var letters = upper + lower
        // "Okafor's" is the word "Okafor".
        if let cut = beforeApostrophe, index - cut.end <= 4, bytes[index - 1] | 0x20 == UInt8(ascii: "s"), letters - cut.letters == 1 {
            end = cut.end
            hash = cut.hash
            letters = cut.letters
        }
        let shape: Shape
        if digits > 0 {
            shape = .number
        } else if letters == 1 && firstUpper {
            shape = .initial
        } else if firstUpper {
            shape = lower == 0 ? .upper : .capitalised
        } else {
            shape = .lower
        }
        return (NameToken(start: start, end: end, hash: hash, shape: shape, gap: gap, letters: letters), index)
    }
}

/// The name finder's last four words: four stored tokens, not an array (an array element written per word
/// checked the buffer's uniqueness and bounds each time, seen in the release profile).
struct TokenRing {
    private var first = NameToken.empty, second = NameToken.empty, third = NameToken.empty, fourth = NameToken.empty

    subscript(position: Int) -> NameToken {
        @inline(__always) get {
            switch position & 3 {
            case 0: first
            case 1: second
            case 2: third
            default: fourth
            }
        }
        @inline(__always) set {
            switch position & 3 {
            case 0: first = newValue
            case 1: second = newValue
            case 2: third = newValue
            default: fourth = newValue
            }
        }
    }
}

extension NameToken {
    static let empty = NameToken(start: 0, end: 0, hash: 0, shape: .lower, gap: [], letters: 0)

    /// Whether the token may spell a registered name with look-alikes of l: not a lower-case word of letters
    /// (`LookalikeNames.mayBeLookalike` looks closer in the others).
    @inline(__always) var mayBeLookalike: Bool { shape != .lower && letters > 0 }

    /// The token read as the registered name word it spells with look-alikes of l, if it does.
    @inline(__always) func resolved(_ lookalikes: LookalikeNames, _ bytes: UnsafeBufferPointer<UInt8>) -> NameToken {
        var token = self
        if mayBeLookalike, !lookalikes.isEmpty { token.resolve(lookalikes, bytes) }
        return token
    }

    @inline(never) mutating func resolve(_ lookalikes: LookalikeNames, _ bytes: UnsafeBufferPointer<UInt8>) {
        guard LookalikeNames.mayBeLookalike(bytes, start..<end), let hash = lookalikes.resolve(bytes, start..<end) else { return }
        self.hash = hash
    }
}
