/// The text as a reader sees it, for the detectors that read the shape of words (unregistered names,
/// street addresses and address blocks): invisible characters (default-ignorable code points) and
/// combining marks dropped, look-alike letters (Cyrillic "а", Greek "Ο") read as the Latin letter,
/// compatibility forms (fullwidth "Ｐ", the ligature "ﬁ", no-break spaces) as their plain form, a
/// hyphen at a line end joined to the lower-case rest ("Marsh-\nall"), and letter-spaced words closed
/// up ("A r t h u r").
///
/// Unlike `Words` (which folds case for matching registered phrases), case is kept: capitals are what
/// tell these detectors that a word may be a name. Each byte of the readable text remembers the original
/// bytes it came from, so a span found here covers the whole original text, invisible characters
/// included. Text that reads as written (the common case: ASCII prose, curly quotes, accents written
/// precomposed) is not copied at all.
struct ReadableText {
    private(set) var bytes: [UInt8] = []
    /// For each byte of `bytes`, where its original character starts and ends (UTF-8 offsets).
    private var starts: [Int32] = []
    private var ends: [Int32] = []
    private let originalCount: Int

    /// Nil when the text already reads as written (`needsReading`: already known, so not checked again).
    init?(_ original: UnsafeBufferPointer<UInt8>, needsReading known: Bool? = nil) {
        guard original.count < Int(Int32.max), known ?? Self.needsReading(original) else { return nil }
        originalCount = original.count
        bytes.reserveCapacity(original.count)
        starts.reserveCapacity(original.count)
        ends.reserveCapacity(original.count)
        var cache: [UInt32: [UInt8]?] = [:]
        var index = 0
        while index < original.count {
            let byte = original[index]
            if byte < 0x80 {
                if byte == UInt8(ascii: "-"), let last = bytes.last, Bytes.isLetter(last),
                   let resume = Words.lineBreakContinuation(original, after: index + 1) {
                    index = resume
                    continue
                }
                append(byte, from: index, to: index + 1)
                index += 1
                continue
            }
            let (scalar, length) = Words.decode(original, at: index)
            if let scalar, scalar.value == 0xAD, let last = bytes.last, Bytes.isLetter(last),
               let resume = Words.lineBreakContinuation(original, after: index + length) {
                index = resume
                continue
            }
            if let scalar, let replacement = cache[scalar.value] ?? {
                let value = Self.readable(scalar)
                cache[scalar.value] = value
                return value
            }() {
                append(replacement, from: index, to: index + length)
            } else {
                for byte in original[index..<(index + length)] { append(byte, from: index, to: index + length) }
            }
            index += length
        }
        closeLetterSpacing()
    }

    private mutating func append(_ replacement: [UInt8], from start: Int, to end: Int) {
        for byte in replacement { append(byte, from: start, to: end) }
    }

    /// One byte and the original character it comes from (no array per byte: most bytes are copied as they are).
    @inline(__always) private mutating func append(_ byte: UInt8, from start: Int, to end: Int) {
        bytes.append(byte)
        starts.append(Int32(start))
        ends.append(Int32(end))
    }

    /// The original range of a range of the readable text.
    func original(_ range: Range<Int>) -> Range<Int> {
        guard !range.isEmpty else {
            let at = range.lowerBound < starts.count ? Int(starts[range.lowerBound]) : originalCount
            return at..<at
        }
        return Int(starts[range.lowerBound])..<Int(ends[range.upperBound - 1])
    }

    /// The readable range covering an original range (for the allow-list, found on the original text).
    func readable(_ range: Range<Int>) -> Range<Int> {
        let lower = Self.firstIndex(in: ends, where: { Int($0) > range.lowerBound })
        let upper = Self.firstIndex(in: starts, where: { Int($0) >= range.upperBound })
        return lower..<max(lower, upper)
    }

    /// Binary search over a non-decreasing array.
    private static func firstIndex(in array: [Int32], where predicate: (Int32) -> Bool) -> Int {
        var low = 0, high = array.count
        while low < high {
            let middle = (low + high) / 2
            if predicate(array[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    // MARK: Characters

    /// What a character reads as, when that differs from how it is written: nothing for invisible
    /// characters and accents written apart, the Latin letter for a look-alike (its case kept), the plain
    /// form of a compatibility character. Nil: it reads as written.
    static func readable(_ scalar: Unicode.Scalar) -> [UInt8]? {
        let properties = scalar.properties
        if properties.isDefaultIgnorableCodePoint || Folding.isMark(properties) { return [] }
        if let ascii = ConfusableTable.toASCII[scalar.value], Bytes.isLetter(ascii) {
            return [properties.isUppercase ? Folding.lookAlike(ascii, scalar) & ~0x20 : ascii]
        }
        let plain = String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars
        guard !(plain.count == 1 && plain.first == scalar) else { return nil }
        var bytes: [UInt8] = []
        for part in plain where !part.properties.isDefaultIgnorableCodePoint && !Folding.isMark(part.properties) {
            if part.properties.isWhitespace {
                bytes.append(UInt8(ascii: " "))
            } else if let ascii = ConfusableTable.toASCII[part.value], Bytes.isLetter(ascii) {
                bytes.append(part.properties.isUppercase ? Folding.lookAlike(ascii, part) & ~0x20 : ascii)
            } else {
                bytes += Array(String(part).utf8)
            }
        }
        return bytes
    }

    /// Whether anything in the text reads differently from how it is written (one pass; ASCII prose
    /// costs a byte comparison per byte and a word-length count).
    static func needsReading(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var singles = 0
        var index = 0
        var cache: [UInt32: Bool] = [:]
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x80 {
                let (scalar, length) = Words.decode(bytes, at: index)
                if let scalar {
                    if scalar.value == 0xAD { return true }
                    let changes = cache[scalar.value] ?? {
                        let value = readable(scalar) != nil
                        cache[scalar.value] = value
                        return value
                    }()
                    if changes { return true }
                }
                index += length
                singles = 0
                continue
            }
            if isAlnum(byte) {
                var end = index + 1
                while end < bytes.count, isAlnum(bytes[end]) { end += 1 }
                if end - index == 1, end == bytes.count || bytes[end] < 0x80 {
                    singles = index >= 2 && singles > 0 && bytes[index - 1] == 0x20 && !isSpace(bytes[index - 2]) ? singles + 1 : 1
                    if singles >= 3 || (singles == 2 && isWideGap(bytes, at: end)) { return true }
                } else {
                    singles = 0
                }
                index = end
                continue
            }
            if byte == UInt8(ascii: "-"), index > 0, Bytes.isLetter(bytes[index - 1]), Words.lineBreakContinuation(bytes, after: index + 1) != nil {
                return true
            }
            if byte != 0x20 { singles = 0 }
            index += 1
        }
        return false
    }

    @inline(__always) private static func isAlnum(_ byte: UInt8) -> Bool { Bytes.isLetter(byte) || Bytes.isDigit(byte) }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    /// Two or more spaces, a line break or the end: the gap after a letter-spaced word.
    private static func isWideGap(_ bytes: some Collection<UInt8>, at index: Int) -> Bool {
        let rest = bytes.dropFirst(index).prefix(2)
        guard let first = rest.first else { return true }
        if first == 0x0A || first == 0x0D { return true }
        return first == 0x20 && (rest.dropFirst().first.map(isSpace) ?? true)
    }

    /// "A r t h u r  B e l l" → "Arthur  Bell": runs of three or more single letters or digits one space
    /// apart (two, when a wider gap follows), the spaces inside the run removed.
    private mutating func closeLetterSpacing() {
        var keep = [Bool](repeating: true, count: bytes.count)
        var run: [Int] = []   // positions of the single characters of the current run
        func flush(wideGapAfter: Bool) {
            if run.count >= 3 || (run.count == 2 && wideGapAfter), let first = run.first, let last = run.last {
                for position in run.dropLast() { keep[position + 1] = false }
                // The wider gaps around the word were its spaces: one is left ("8  W a y ,  D i s s" reads
                // "8 Way, Diss").
                var before = first - 1
                while before > 0, bytes[before] == 0x20, bytes[before - 1] == 0x20, keep[before - 1] { keep[before] = false; before -= 1 }
                var after = last + 1
                while after + 1 < bytes.count, bytes[after] == 0x20, bytes[after + 1] == 0x20 { keep[after] = false; after += 1 }
                if after + 1 < bytes.count, bytes[after] == 0x20, [UInt8(ascii: ","), UInt8(ascii: "."), UInt8(ascii: ";"), UInt8(ascii: ":")].contains(bytes[after + 1]) {
                    keep[after] = false
                }
            }
            run.removeAll(keepingCapacity: true)
        }
        var index = 0
        while index < bytes.count {
            guard Self.isAlnum(bytes[index]) else {
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, Self.isAlnum(bytes[end]) || bytes[end] >= 0x80 { end += 1 }
            if end - index == 1 {
                if let last = run.last, !(index == last + 2 && bytes[last + 1] == 0x20) { flush(wideGapAfter: index > last + 2) }
                run.append(index)
            } else {
                if let last = run.last { flush(wideGapAfter: index > last + 2) }
            }
            index = end
        }
        if let last = run.last { flush(wideGapAfter: Self.isWideGap(bytes, at: last + 1)) }
        guard keep.contains(false) else { return }
        var kept = 0
        for position in bytes.indices where keep[position] {
            bytes[kept] = bytes[position]
            starts[kept] = starts[position]
            ends[kept] = ends[position]
            kept += 1
        }
        bytes.removeLast(bytes.count - kept)
        starts.removeLast(starts.count - kept)
        ends.removeLast(ends.count - kept)
    }
}
