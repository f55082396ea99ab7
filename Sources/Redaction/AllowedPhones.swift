/// Allow-listed phone numbers (a trust's switchboard) recognised in any format the phone detector finds:
/// "01603 286286" on the allow-list also keeps "(01603) 286286", "+44(0)1603 286286", "+44 1603 286286" and
/// "01603286286", which the phrase matcher (word by word) does not see as the same number.
struct AllowedPhones: Sendable {
    /// Hashes of the national significant numbers (no country code, no trunk 0) of the allow-listed phones, in a
    /// `WordSet` (a `Set` ran `Hasher` for every phone number found).
    private let numbers: WordSet
    let isEmpty: Bool
    /// The last two digits of each allow-listed number, one bit each of 128 (bits 100–127 unused): almost every
    /// phone found is ruled out by them before its digits are read and hashed (about 600 instructions a phone).
    /// `all` when an allow-listed number has fewer than two digits after its prefix (never, for a real number).
    private let endings: (low: UInt64, high: UInt64)
    private let all: Bool

    init(allowList: [String]) {
        var numbers: Set<UInt64> = []
        var endings: (low: UInt64, high: UInt64) = (0, 0)
        var all = false
        for term in allowList {
            var term = term
            term.withUTF8 { bytes in
                guard !bytes.isEmpty, let span = Phone.match(bytes, at: 0), span.end == bytes.count else { return }
                numbers.insert(Self.national(bytes, 0..<bytes.count))
                if Self.nationalDigits(bytes, 0..<bytes.count) < 2 {
                    all = true
                } else if let ending = Self.ending(bytes, 0..<bytes.count) {
                    if ending < 64 { endings.low |= 1 << UInt64(ending) } else { endings.high |= 1 << UInt64(ending - 64) }
                }
            }
        }
        self.numbers = WordSet(numbers)
        isEmpty = numbers.isEmpty
        self.endings = endings
        self.all = all
    }

    /// Whether the national number of `range` may be allow-listed, by its last two digits: they are the last two
    /// of the range's digits whenever it has two, and a national number of fewer digits is never one of the
    /// allow-listed (`all` covers those).
    @inline(__always) private func mayBeAllowed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard !all, let ending = Self.ending(bytes, range) else { return true }
        return (ending < 64 ? endings.low >> UInt64(ending) : endings.high >> UInt64(ending - 64)) & 1 != 0
    }

    /// The last two digits of `range` as a number (0–99), read backwards; nil with fewer than two.
    @inline(__always) static func ending(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        var index = range.upperBound
        var value = 0, digits = 0
        while index > range.lowerBound, digits < 2 {
            index -= 1
            let digit = bytes[index] &- 0x30
            guard digit < 10 else { continue }
            value += Int(digit) * (digits == 0 ? 1 : 10)
            digits += 1
        }
        return digits == 2 ? value : nil
    }

    /// How many digits of the country code open the number: 2 after "+" (44), 4 for "0044", else 0.
    @inline(__always)
    static func countryDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        if bytes[range.lowerBound] == UInt8(ascii: "+") { return 2 }
        if range.count >= 4, bytes[range.lowerBound] == UInt8(ascii: "0"), bytes[range.lowerBound + 1] == UInt8(ascii: "0"),
           bytes[range.lowerBound + 2] == UInt8(ascii: "4"), bytes[range.lowerBound + 3] == UInt8(ascii: "4") {
            return 4
        }
        return 0
    }

    /// How many digits `national` hashes (for the allow-list only: a number it cannot rule out by `ending`).
    static func nationalDigits(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var count = 0
        // The same walk as `national`, counting instead of hashing.
        var countryDigits = Self.countryDigits(bytes, range)
        var leading = true
        for index in range where Bytes.isDigit(bytes[index]) {
            if countryDigits > 0 {
                countryDigits -= 1
                continue
            }
            if leading, bytes[index] == UInt8(ascii: "0") { continue }
            leading = false
            count += 1
        }
        return count
    }

    /// Whether `span` is a phone number the detector found that is allow-listed in another format.
    func isAllowed(_ span: RedactionSpan, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        span.detectorID == .ukPhone && mayBeAllowed(bytes, span.start..<span.end) && numbers.contains(Self.national(bytes, span.start..<span.end))
    }

    /// The hash of the digits after "+44" / "0044" and the trunk "0" ("(0)" included); no allocation, as
    /// every phone number found is looked up.
    static func national(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        guard !range.isEmpty else { return 0 }
        var countryDigits = Self.countryDigits(bytes, range)
        var hash = Words.offsetBasis
        var leading = true
        for index in range where Bytes.isDigit(bytes[index]) {
            if countryDigits > 0 {
                countryDigits -= 1
                continue
            }
            if leading, bytes[index] == UInt8(ascii: "0") { continue }
            leading = false
            hash = (hash ^ UInt64(bytes[index])) &* Words.prime
        }
        return hash
    }
}
