/// The NHS number check (NHS Data Dictionary, "NHS Number"): ten digits, the tenth a modulus-11 check digit over the
/// first nine weighted 10 down to 2; a remainder that gives 10 never belongs to a valid number.
public enum NHSNumberCheck {
    /// `digits` holds exactly ten values 0…9; anything else is not valid.
    public static func isValid<C: Collection>(_ digits: C) -> Bool where C.Element == Int {
        guard digits.count == 10, digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        return checkDigit(forFirstNine: digits.prefix(9)) == digits[digits.index(digits.startIndex, offsetBy: 9)]
    }

    /// The check digit the first nine digits call for, or nil when they call for 10 (no valid number starts so).
    public static func checkDigit<C: Collection>(forFirstNine digits: C) -> Int? where C.Element == Int {
        var sum = 0
        for (position, digit) in digits.prefix(9).enumerated() { sum += digit * (10 - position) }
        return checkDigit(weightedSum: sum)
    }

    /// For callers that keep the weighted sum as digits arrive (the redaction scanner allocates nothing per
    /// candidate): the same rule from the sum alone.
    @inlinable
    public static func checkDigit(weightedSum sum: Int) -> Int? {
        let check = (11 - sum % 11) % 11
        return check == 10 ? nil : check
    }

    /// The ten digits of `text` when it is a valid NHS number written with or without spaces and hyphens (as
    /// people type it), else nil.
    public static func digits(of text: String) -> String? {
        let digits = text.filter { !$0.isWhitespace && $0 != "-" }
        guard digits.count == 10, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return isValid(digits.compactMap(\.wholeNumberValue)) ? digits : nil
    }
}
