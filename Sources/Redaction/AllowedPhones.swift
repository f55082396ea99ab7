/// Allow-listed phone numbers (a trust's switchboard) recognised in any format the phone detector finds:
/// "01603 286286" on the allow-list also keeps "(01603) 286286", "+44(0)1603 286286", "+44 1603 286286" and
/// "01603286286", which the phrase matcher (word by word) does not see as the same number.
struct AllowedPhones: Sendable {
    /// Hashes of the national significant numbers (no country code, no trunk 0) of the allow-listed phones, in a
    /// `WordSet` (a `Set` ran `Hasher` for every phone number found).
    private let numbers: WordSet
    let isEmpty: Bool

    init(allowList: [String]) {
        var numbers: Set<UInt64> = []
        for term in allowList {
            var term = term
            term.withUTF8 { bytes in
                guard !bytes.isEmpty, let span = Phone.match(bytes, at: 0), span.end == bytes.count else { return }
                numbers.insert(Self.national(bytes, 0..<bytes.count))
            }
        }
        self.numbers = WordSet(numbers)
        isEmpty = numbers.isEmpty
    }

    /// Whether `span` is a phone number the detector found that is allow-listed in another format.
    func isAllowed(_ span: RedactionSpan, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        span.detectorID == .ukPhone && numbers.contains(Self.national(bytes, span.start..<span.end))
    }

    /// The hash of the digits after "+44" / "0044" and the trunk "0" ("(0)" included); no allocation, as
    /// every phone number found is looked up.
    static func national(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64 {
        guard !range.isEmpty else { return 0 }
        var countryDigits = 0
        if bytes[range.lowerBound] == UInt8(ascii: "+") {
            countryDigits = 2
        } else if range.count >= 4, bytes[range.lowerBound] == UInt8(ascii: "0"), bytes[range.lowerBound + 1] == UInt8(ascii: "0"),
                  bytes[range.lowerBound + 2] == UInt8(ascii: "4"), bytes[range.lowerBound + 3] == UInt8(ascii: "4") {
            countryDigits = 4
        }
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
