/// Byte-level helpers the shape detectors share: letter sets, character classes over UTF-8 bytes, the
/// wide spaces word processors put inside numbers, and label look-behinds.

/// A set of lower-case ASCII letters as a 26-bit mask: membership without hashing or allocation.
struct LetterSet {
    let mask: UInt32

    init(_ letters: String) {
        var mask: UInt32 = 0
        for byte in letters.utf8 { mask |= 1 << UInt32(byte - UInt8(ascii: "a")) }
        self.mask = mask
    }

    @inline(__always) func contains(_ lowercase: UInt8) -> Bool {
        let offset = Int(lowercase) - 0x61
        return offset >= 0 && offset < 26 && mask & (1 << UInt32(offset)) != 0
    }
}

enum Bytes {
    @inline(__always) static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    @inline(__always) static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 { isLetter(byte) ? byte | 0x20 : byte }

    /// True when `index` is inside the text and holds a letter, digit or any non-ASCII byte (a word character).
    @inline(__always) static func isAlnum(at index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard index >= 0, index < bytes.count else { return false }
        let byte = bytes[index]
        return isDigit(byte) || isLetter(byte) || byte >= 0x80
    }

    @inline(__always) static func isDigit(at index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        index >= 0 && index < bytes.count && isDigit(bytes[index])
    }

    /// "12 345 …": a digit, a separator, then `index` — so `index` continues a longer number.
    static func isDigitRunBefore(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard index >= 2 else { return false }
        let separator = bytes[index - 1]
        if separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") || separator == UInt8(ascii: ".") || separator == UInt8(ascii: "/") {
            return isDigit(bytes[index - 2])
        }
        guard separator >= 0x80 else { return false }
        let length = index >= 3 && dashLength(at: index - 3, bytes) == 3 ? 3 : spaceLength(endingAt: index, bytes)
        return length > 0 && isDigit(at: index - length - 1, bytes)
    }

    /// The length of a space at `index`: an ASCII space, or a no-break, narrow no-break, figure or thin space
    /// (what word processors and hospital systems put inside numbers); 0 when there is none.
    @inline(__always) static func spaceLength(at index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard index >= 0, index < bytes.count else { return 0 }
        let byte = bytes[index]
        if byte == 0x20 { return 1 }
        if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0xA0 { return 2 }
        if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80 {
            let third = bytes[index + 2]
            if third == 0x87 || third == 0x89 || third == 0xAF { return 3 }
        }
        return 0
    }

    /// The length of a dash a word processor puts where a hyphen was typed (U+2010 hyphen, U+2011
    /// non-breaking hyphen, U+2012 figure dash, U+2013 en dash) at `index`; 0 when there is none.
    @inline(__always) static func dashLength(at index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard index >= 0, index + 2 < bytes.count, bytes[index] == 0xE2, bytes[index + 1] == 0x80 else { return 0 }
        let last = bytes[index + 2]
        return last >= 0x90 && last <= 0x93 ? 3 : 0
    }

    /// The length of such a space that ends just before `index` (0 when there is none).
    @inline(__always) static func spaceLength(endingAt index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        guard index > 0, index <= bytes.count else { return 0 }
        let last = bytes[index - 1]
        if last == 0x20 { return 1 }
        guard last >= 0x80 else { return 0 }
        if index >= 2, spaceLength(at: index - 2, bytes) == 2 { return 2 }
        if index >= 3, spaceLength(at: index - 3, bytes) == 3 { return 3 }
        return 0
    }

    /// Whether a word character stands just before `index`; the wide spaces above are not word characters
    /// even though they are not ASCII.
    /// Inlined for an ASCII byte before `index` (almost always): an ASCII letter or digit ends no wide space, so
    /// it decides alone; the call it replaces cost 30 instructions at every number and word the shapes look at.
    @inline(__always) static func isWordCharacterBefore(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if index > 0, bytes[index - 1] < 0x80 { return isDigit(bytes[index - 1]) || isLetter(bytes[index - 1]) }
        return isWordCharacterBeforeAny(index, bytes)
    }

    @inline(never) static func isWordCharacterBeforeAny(_ index: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        isAlnum(at: index - 1, bytes) && spaceLength(endingAt: index, bytes) == 0
    }

    /// The lower-cased ASCII text of `range`, for label look-behinds (short ranges only).
    static func lowered(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [UInt8] {
        let clamped = max(0, range.lowerBound)..<min(bytes.count, range.upperBound)
        var text: [UInt8] = []
        var index = clamped.lowerBound
        while index < clamped.upperBound {
            let space = spaceLength(at: index, bytes)
            if space > 1 {
                text.append(0x20)
                index += space
            } else {
                text.append(lower(bytes[index]))
                index += 1
            }
        }
        return text
    }

    /// Whether one of `labels` (lower case) ends within `window` bytes before `start`, followed only by
    /// separators (": ", " is ", "no. ").
    static func isLabelled(_ bytes: UnsafeBufferPointer<UInt8>, before start: Int, labels: [String], window: Int = 32) -> Bool {
        var text = lowered(bytes, (start - window)..<start)
        while let last = text.last, separators.contains(last) { text.removeLast() }
        if text.count >= 3, text.suffix(3) == Array(" is".utf8) {
            text.removeLast(3)
            while let last = text.last, separators.contains(last) { text.removeLast() }
        }
        let string = String(decoding: text, as: UTF8.self)
        for label in labels where string.hasSuffix(label) {
            guard let before = string.dropLast(label.count).last else { return true }
            if !(before.isLetter || before.isNumber) { return true }
        }
        return false
    }

    private static let separators: Set<UInt8> = Set(" \t\r\n:.#-=(".utf8)

    /// `matches` for a constant: its bytes read in place (a `String`'s were walked through its UTF-8 view).
    @inline(__always) static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, lowercase word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard index + length <= bytes.count else { return false }
        for offset in 0..<length where lower(bytes[index + offset]) != word.utf8Start[offset] { return false }
        return true
    }

    static func matches(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, lowercase word: String) -> Bool {
        var position = index
        for expected in word.utf8 {
            guard position < bytes.count, lower(bytes[position]) == expected else { return false }
            position += 1
        }
        return true
    }
}
