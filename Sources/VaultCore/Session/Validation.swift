import Foundation
import VaultModel

/// Checks on what people type, with messages that name the option.
public enum Validation {
    public static func date(_ text: String, field: String) throws -> String {
        guard let date = CivilDate(iso: text), DocumentClassifier.plausibleYears.contains(date.year) else {
            throw VaultError.invalidInput("\(field) must be a date written YYYY-MM-DD")
        }
        return date.description
    }

    /// Ten digits with a valid modulus-11 check digit; spaces and hyphens are allowed.
    public static func nhsNumber(_ text: String) throws -> String {
        let digits = text.filter { !$0.isWhitespace && $0 != "-" }
        guard digits.count == 10, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw VaultError.invalidInput("an NHS number has 10 digits")
        }
        guard NHSNumberCheck.isValid(digits.compactMap(\.wholeNumberValue)) else {
            throw VaultError.invalidInput("that NHS number's check digit is wrong (a typo?)")
        }
        return digits
    }
}
