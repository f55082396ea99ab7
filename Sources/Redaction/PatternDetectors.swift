import VaultModel
/// The shape-based detectors (NHS number, National Insurance number, postcode, phone, email, date of
/// birth), each a hand-written matcher over UTF-8 bytes: one pass, no regular expressions, no allocation
/// per character.
enum PatternDetectors {
    /// Every byte is looked at except the second and later bytes of a run of ASCII letters and digits (a word
    /// character stands before each of them, so they start nothing): the shared pass looks at the same ones.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>, in range: Range<Int>? = nil, into spans: inout [RedactionSpan]) {
        let count = range?.upperBound ?? bytes.count
        var index = range?.lowerBound ?? 0
        while index < count {
            let byte = bytes[index]
            check(bytes, at: index, into: &spans)
            index += 1
            // The rest of a word or number starts nothing (a word character stands before each of its bytes).
            if Bytes.isLetter(byte) || Bytes.isDigit(byte) {
                while index < count, Bytes.isLetter(bytes[index]) || Bytes.isDigit(bytes[index]) { index += 1 }
            }
        }
    }

    /// `check` at the first byte of a word of ASCII letters and digits ending at `end`: a word of letters only
    /// has no digit inside it, so only the bytes after it are looked at for the digit a postcode or NI number
    /// needs within its first seven characters. Always inlined into the shared pass, the work outlined: most
    /// words start nothing, and the call alone (saving and restoring registers for the inlined matchers) cost
    /// more than the test that rules them out.
    @inline(__always)
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, word start: Int, end: Int, hasDigit: Bool, into spans: inout [RedactionSpan]) {
        var digitNear = hasDigit
        var after = end
        let limit = min(start + 7, bytes.count)
        while !digitNear, after < limit {
            digitNear = bytes[after] &- 0x30 < 10
            after += 1
        }
        if digitNear {
            checkOutlined(bytes, at: start, into: &spans)
            return
        }
        let lowered = bytes[start] | 0x20
        // Letters only and no digit near: only a date-of-birth label can start here.
        if lowered == UInt8(ascii: "d") || lowered == UInt8(ascii: "b") { dateOfBirthLabel(bytes, at: start, into: &spans) }
    }

    @inline(never)
    static func checkOutlined(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, into spans: inout [RedactionSpan]) {
        check(bytes, at: index, into: &spans)
    }

    @inline(never)
    static func dateOfBirthLabel(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, into spans: inout [RedactionSpan]) {
        if !Bytes.isWordCharacterBefore(start, bytes), let span = DateOfBirth.match(bytes, at: start) { spans.append(span) }
    }

    /// What starts at `index`: an identifier shape, when `index` is not inside a word or number.
    @inline(__always)
    static func check(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, into spans: inout [RedactionSpan]) {
        let byte = bytes[index]
        if Bytes.isDigit(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "(") {
            if !Bytes.isWordCharacterBefore(index, bytes), !Bytes.isDigitRunBefore(index, bytes) {
                if let end = NHSNumber.match(bytes, at: index) {
                    spans.append(end)
                }
                if let span = Phone.match(bytes, at: index) {
                    spans.append(span)
                }
            }
        } else if Bytes.isLetter(byte), !Bytes.isWordCharacterBefore(index, bytes) {
            // Postcodes and NI numbers have a digit within their first four characters ("GIR 0AA" aside):
            // an ordinary word is ruled out by looking at three bytes.
            if Bytes.isDigit(at: index + 1, bytes) || Bytes.isDigit(at: index + 2, bytes) || Bytes.isDigit(at: index + 3, bytes)
                || Bytes.isDigit(at: index + 4, bytes) || Bytes.isDigit(at: index + 5, bytes) || Bytes.isDigit(at: index + 6, bytes) {
                if let span = NINO.match(bytes, at: index) { spans.append(span) }
                if let span = Postcode.match(bytes, at: index) { spans.append(span) }
            }
            let lowered = byte | 0x20
            if lowered == UInt8(ascii: "d") || lowered == UInt8(ascii: "b"), let span = DateOfBirth.match(bytes, at: index) {
                spans.append(span)
            }
        } else if byte == UInt8(ascii: "@") {
            if let span = Email.match(bytes, at: index) { spans.append(span) }
        }
    }
}

/// NHS numbers: 10 digits (or 3-3-4 with spaces or hyphens) whose modulus-11 check digit holds; after a
/// label ("NHS number", "NHS no.") any 10 digits, because a typo in a real NHS number must fail safe.
enum NHSNumber {
    static func isValid(_ digits: [UInt8]) -> Bool {
        digits.count == 10 && NHSNumberCheck.isValid(digits.map { Int($0) - 0x30 })
    }

    /// Separators people and systems put between digit groups: a space of any width, a hyphen, a dot, a slash,
    /// or the dashes a word processor substitutes for a typed hyphen (en dash, non-breaking hyphen).
    @inline(__always) static func separatorLength(at index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard index < bytes.count else { return 0 }
        let byte = bytes[index]
        if byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/") { return 1 }
        if byte == 0xE2 { return Bytes.dashLength(at: index, bytes) + Bytes.spaceLength(at: index, bytes) }
        return Bytes.spaceLength(at: index, bytes)
    }

    /// Ten digits in groups of two or more (3-3-4, 4-3-3, 2-2-2-2-2, none), one separator between groups, the
    /// same separator throughout (mixed separators, "999 000-0018", only after a label). With a hyphen, dot
    /// or slash every group has three digits or more: "24" run into "2025-01-25" (a page number beside a date
    /// in an index) is a date, not an NHS number.
    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> RedactionSpan? {
        guard Bytes.isDigit(bytes[start]) else { return nil }
        // The modulus-11 sum is kept as the digits arrive, so no digit array is allocated per candidate.
        var sum = 0
        var last: UInt8 = 0
        var count = 0
        var group = 0
        var separator: UInt8? = nil
        var mixed = false
        var shortestGroup = 10
        var index = start
        let end = bytes.count
        while count < 10 {
            guard index < end, bytes[index] &- 0x30 < 10 else { return nil }
            // A group's digits in a tight loop (wrapping arithmetic: at most ten digits of at most 9 each): there
            // is no separator to look for inside a group.
            repeat {
                let digit = bytes[index] &- 0x30
                if count < 9 { sum &+= Int(digit) &* (10 &- count) } else { last = digit }
                count &+= 1
                group &+= 1
                index &+= 1
            } while count < 10 && index < end && bytes[index] &- 0x30 < 10
            guard count < 10 else { break }
            let length = separatorLength(at: index, bytes)
            if length > 0, group >= 2, Bytes.isDigit(at: index + length, bytes) {
                // A dash or space of any width is told apart by its last byte (a hyphen's 0x2D aside).
                let kind = length == 1 ? bytes[index] : bytes[index + length - 1] | 0x80
                if let separator, separator != kind { mixed = true }
                separator = kind
                shortestGroup = min(shortestGroup, group)
                index += length
                group = 0
            }
        }
        // Not part of a longer number: no word character, and no separator-then-digit, right after.
        if Bytes.isAlnum(at: index, bytes), Bytes.spaceLength(at: index, bytes) == 0 { return nil }
        let after = separatorLength(at: index, bytes)
        if after > 0, Bytes.isDigit(at: index + after, bytes) { return nil }
        if group < 2 { return nil }
        shortestGroup = min(shortestGroup, group)
        // A switch, not an array literal's `contains`: that allocated an array for every ten-digit candidate.
        let punctuated: Bool
        switch separator {
        case nil, 0x20, 0xA0, 0x87, 0x89, 0xAF: punctuated = false
        default: punctuated = true
        }
        if NHSNumberCheck.checkDigit(weightedSum: sum) == Int(last) && !(punctuated && shortestGroup < 3) && !mixed {
            return RedactionSpan(start: start, end: index, kind: .nhsNumber, detector: .nhsNumber)
        }
        if isLabelled(bytes, before: start) {
            return RedactionSpan(start: start, end: index, kind: .nhsNumber, detector: .nhsNumberLabel)
        }
        return nil
    }

    static func isLabelled(_ bytes: UnsafeBufferPointer<UInt8>, before start: Int) -> Bool {
        Bytes.isLabelled(bytes, before: start, labels: ["nhs number", "nhs no", "nhs num", "nhs", "nhs#", "nhs nbr"])
    }
}

/// National Insurance numbers: two prefix letters with the official exclusions, six digits, suffix A–D.
enum NINO {
    static let firstExcluded = LetterSet("dfiquv")
    static let secondExcluded = LetterSet("dfioquv")
    /// BG, GB, KN, NK, NT, TN, ZZ are never allocated.
    static let unallocated: [(UInt8, UInt8)] = [("b", "g"), ("g", "b"), ("k", "n"), ("n", "k"), ("n", "t"), ("t", "n"), ("z", "z")]
        .map { (UInt8(ascii: $0.0), UInt8(ascii: $0.1)) }

    static let labels = ["ni number", "ni no", "ni", "nino", "national insurance number", "national insurance no", "national insurance",
                         "n.i. number", "n.i. no", "n.i"]

    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> RedactionSpan? {
        guard start + 9 <= bytes.count, Bytes.isLetter(bytes[start + 1]) else { return nil }
        let first = Bytes.lower(bytes[start]), second = Bytes.lower(bytes[start + 1])
        // After a label the number is redacted whatever its prefix: a mistyped one must fail safe.
        var index = start + 2
        for _ in 0..<3 {
            if index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            guard Bytes.isDigit(at: index, bytes), Bytes.isDigit(at: index + 1, bytes) else { return nil }
            index += 2
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
        guard index < bytes.count else { return nil }
        let suffix = Bytes.lower(bytes[index])
        guard suffix >= UInt8(ascii: "a"), suffix <= UInt8(ascii: "d"), !Bytes.isAlnum(at: index + 1, bytes) else { return nil }
        // The shape first, the label last: most words start with two letters, few go on with six digits.
        let issued = !firstExcluded.contains(first) && !secondExcluded.contains(second)
            && !unallocated.contains(where: { $0.0 == first && $0.1 == second })
        guard issued || Bytes.isLabelled(bytes, before: start, labels: labels) else { return nil }
        return RedactionSpan(start: start, end: index + 1, kind: .nino, detector: .nino)
    }
}

/// UK postcodes in every format (A9 9AA, A99 9AA, A9A 9AA, AA9 9AA, AA99 9AA, AA9A 9AA, GIR 0AA), any case,
/// with or without the space, using the letters each position may hold.
enum Postcode {
    static let firstLetters = LetterSet("abcdefghijklmnoprstuwyz")
    static let secondLetters = LetterSet("abcdefghklmnopqrstuvwxy")
    static let thirdLetters = LetterSet("abcdefghjkpstuw")
    static let fourthLetters = LetterSet("abehmnprvwxy")
    static let inwardLetters = LetterSet("abdefghjlnpqrstuwxyz")

    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> RedactionSpan? {
        compact(bytes, at: start) ?? letterSpaced(bytes, at: start)
    }

    /// "N R 1 3 X X": single characters one space apart (a wider gap between the two halves), read as the
    /// postcode they spell.
    static func letterSpaced(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> RedactionSpan? {
        // Most candidates are ordinary words: ruled out before anything is allocated.
        guard Bytes.spaceLength(at: start + 1, bytes) > 0 else { return nil }
        var letters: [UInt8] = []
        var ends: [Int] = []
        var index = start
        while letters.count < 8, Bytes.isDigit(at: index, bytes) || (index < bytes.count && Bytes.isLetter(bytes[index])) {
            letters.append(bytes[index])
            index += 1
            ends.append(index)
            guard !Bytes.isAlnum(at: index, bytes) || Bytes.spaceLength(at: index, bytes) > 0 else { return nil }
            var gap = Bytes.spaceLength(at: index, bytes)
            guard gap > 0 else { break }
            let second = Bytes.spaceLength(at: index + gap, bytes)
            gap += second
            guard Bytes.isAlnum(at: index + gap, bytes), Bytes.spaceLength(at: index + gap, bytes) == 0 else { break }
            index += gap
        }
        guard (5...7).contains(letters.count) else { return nil }
        return letters.withUnsafeBufferPointer { compacted in
            guard let span = compact(compacted, at: 0), span.end == compacted.count else { return nil }
            return self.span(start, ends[span.end - 1])
        }
    }

    static func compact(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> RedactionSpan? {
        @inline(__always) func at(_ offset: Int) -> UInt8 {
            let index = start + offset
            return index < bytes.count ? Bytes.lower(bytes[index]) : 0
        }
        let a = at(0), b = at(1), c = at(2), d = at(3)
        guard firstLetters.contains(a) || a == UInt8(ascii: "g") else { return nil }
        if a == UInt8(ascii: "g"), b == UInt8(ascii: "i"), c == UInt8(ascii: "r"), let end = inward(bytes, from: start + 3), end.digit == UInt8(ascii: "0") {
            return span(start, end.end)
        }
        // Outward code lengths to try, longest first: the inward code decides which one is right.
        if Bytes.isDigit(b) {
            // A9, A99, A9A
            if Bytes.isDigit(c) || thirdLetters.contains(c), let end = inward(bytes, from: start + 3) { return span(start, end.end) }
            if let end = inward(bytes, from: start + 2) { return span(start, end.end) }
        } else if secondLetters.contains(b), Bytes.isDigit(c) {
            // AA9, AA99, AA9A
            if Bytes.isDigit(d) || fourthLetters.contains(d), let end = inward(bytes, from: start + 4) { return span(start, end.end) }
            if let end = inward(bytes, from: start + 3) { return span(start, end.end) }
        }
        return nil
    }

    @inline(__always) static func span(_ start: Int, _ end: Int) -> RedactionSpan {
        RedactionSpan(start: start, end: end, kind: .postcode, detector: .postcode)
    }

    /// The inward code (9AA) after up to three spaces (of any width) or tabs, ending at a word boundary.
    static func inward(_ bytes: UnsafeBufferPointer<UInt8>, from position: Int) -> (end: Int, digit: UInt8)? {
        var index = position
        for _ in 0..<3 {
            let space = index < bytes.count && bytes[index] == 0x09 ? 1 : Bytes.spaceLength(at: index, bytes)
            guard space > 0 else { break }
            index += space
        }
        guard index + 3 <= bytes.count, Bytes.isDigit(bytes[index]),
              inwardLetters.contains(Bytes.lower(bytes[index + 1])), inwardLetters.contains(Bytes.lower(bytes[index + 2])),
              !Bytes.isAlnum(at: index + 3, bytes) else { return nil }
        return (index + 3, bytes[index])
    }
}

/// UK phone numbers: +44 / 0044 / 0 forms, landline and mobile, with spaces, brackets and hyphens;
/// 10 or 11 national digits with a valid leading range; never part of a longer digit run.
enum Phone {
    /// Whether `text` stands at `index` (which then moves past it). A static function, not a local one: the local
    /// function captured `index`, and each call checked exclusive access to it at run time (`swift_beginAccess`).
    @inline(__always) static func expect(_ text: StaticString, _ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> Bool {
        let length = text.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        for offset in 0..<length where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += length
        return true
    }

    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> RedactionSpan? {
        var index = start
        // The national number's digits are counted, and its first three kept, without allocating.
        var count = 0
        var leading: (UInt8, UInt8, UInt8) = (0, 0, 0)
        @inline(__always) func record(_ digit: UInt8) {
            switch count {
            case 0: leading.0 = digit
            case 1: leading.1 = digit
            case 2: leading.2 = digit
            default: break
            }
            count += 1
        }
        let first = bytes[start]
        if first == UInt8(ascii: "+") || (first == UInt8(ascii: "0") && Bytes.isDigit(at: start + 1, bytes) && bytes[start + 1] == UInt8(ascii: "0")) {
            guard expect("+44", bytes, &index) || expect("0044", bytes, &index) else { return nil }
            if index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            if expect("(0)", bytes, &index) {
                if index < bytes.count, bytes[index] == UInt8(ascii: " ") { index += 1 }
            }
            record(UInt8(ascii: "0"))
            guard Bytes.isDigit(at: index, bytes), bytes[index] != UInt8(ascii: "0") else { return nil }
        } else if first == UInt8(ascii: "(") {
            guard Bytes.isDigit(at: start + 1, bytes), bytes[start + 1] == UInt8(ascii: "0") else { return nil }
        } else if first != UInt8(ascii: "0") {
            return nil
        }
        // Digits with single separators between them.
        var end = index
        var group = 0
        while index < bytes.count {
            let byte = bytes[index]
            if Bytes.isDigit(byte) {
                record(byte)
                index += 1
                end = index
                group += 1
                if count > 11 { return nil }
            } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")")
                        || (byte == UInt8(ascii: ".") && group >= 3)
                        || (byte >= 0xC2 && Bytes.spaceLength(at: index, bytes) + Bytes.dashLength(at: index, bytes) > 0) {
                // One separator (or ") " / " (", or a space of any width, or a word processor's dash) between
                // digit groups; a dot only after three digits or more ("01603.555.143"), so a decimal "0.1234…"
                // is not a phone number.
                var next = index + max(1, Bytes.spaceLength(at: index, bytes) + Bytes.dashLength(at: index, bytes))
                group = 0
                if next < bytes.count, (bytes[next] == UInt8(ascii: " ") && byte == UInt8(ascii: ")"))
                    || (bytes[next] == UInt8(ascii: "(") && byte == UInt8(ascii: " ")) {
                    next += 1
                }
                guard Bytes.isDigit(at: next, bytes), count >= 1 || byte == UInt8(ascii: "(") else { break }
                index = next
            } else {
                break
            }
        }
        guard !Bytes.isAlnum(at: end, bytes) else { return nil }
        guard count >= 10, count <= 11, leading.0 == UInt8(ascii: "0") else { return nil }
        switch leading.1 {
        case UInt8(ascii: "1"): break                                   // geographic: 10 or 11 digits
        case UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "7"): guard count == 11 else { return nil }
        case UInt8(ascii: "5"), UInt8(ascii: "8"), UInt8(ascii: "9"): break
        default: return nil
        }
        if leading.1 == UInt8(ascii: "7"), leading.2 == UInt8(ascii: "0") { return nil }  // 070 personal numbers are not phones here
        return RedactionSpan(start: start, end: end, kind: .phone, detector: .ukPhone)
    }
}

enum Email {
    /// A switch, not `"._%+-'".utf8.contains`: that walked a `String`'s bytes (150 instructions) for each
    /// punctuation byte before an "@".
    static func isLocal(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "'"): true
        default: Bytes.isDigit(byte) || Bytes.isLetter(byte)
        }
    }

    static func isDomain(_ byte: UInt8) -> Bool { Bytes.isDigit(byte) || Bytes.isLetter(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") }

    static func match(_ bytes: UnsafeBufferPointer<UInt8>, at at: Int) -> RedactionSpan? {
        var start = at
        while start > 0, isLocal(bytes[start - 1]) { start -= 1 }
        while start < at, !Bytes.isLetter(bytes[start]) && !Bytes.isDigit(bytes[start]) { start += 1 }
        guard start < at else { return nil }
        var end = at + 1
        while end < bytes.count, isDomain(bytes[end]) { end += 1 }
        while end > at + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
        // The domain read in place (a copy of it was allocated for every "@"): its last dot, not its first byte,
        // and two or more letters after it.
        var dot = end - 1
        while dot > at, bytes[dot] != UInt8(ascii: ".") { dot -= 1 }
        guard dot > at + 1, end - dot - 1 >= 2 else { return nil }
        for index in (dot + 1)..<end where !Bytes.isLetter(bytes[index]) { return nil }
        return RedactionSpan(start: start, end: end, kind: .email, detector: .email)
    }
}
