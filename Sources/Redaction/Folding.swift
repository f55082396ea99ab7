import Foundation

/// Case and accent folding for the Latin letters names are written in (é → e, Ø → o, ß → ss), and
/// Unicode lower-casing for everything else.
enum Folding {
    private static let table: [UInt32: [UInt8]] = {
        var table: [UInt32: [UInt8]] = [:]
        let specials: [UInt32: String] = [0xDF: "ss", 0xC6: "ae", 0xE6: "ae", 0xD8: "o", 0xF8: "o", 0x110: "d", 0x111: "d",
                                          0x141: "l", 0x142: "l", 0xDE: "th", 0xFE: "th", 0x152: "oe", 0x153: "oe", 0x131: "i", 0xD0: "d", 0xF0: "d"]
        for value in UInt32(0xC0)...UInt32(0x24F) {
            if let special = specials[value] {
                table[value] = Array(special.utf8)
                continue
            }
            guard let scalar = Unicode.Scalar(value) else { continue }
            let decomposed = String(Character(scalar)).decomposedStringWithCanonicalMapping.unicodeScalars
            if let base = decomposed.first, base.isASCII, base.properties.isAlphabetic {
                table[value] = Array(String(base).lowercased().utf8)
            }
        }
        return table
    }()

    /// A letter's folded bytes: look-alikes of ASCII letters (Cyrillic "а", Greek "ο") as that letter, Latin
    /// letters without their accents, and everything else after compatibility decomposition (NFKC: fullwidth
    /// "Ｅ" is "e", the ligature "ﬁ" is "fi"), lower-cased.
    static func fold(_ scalar: Unicode.Scalar) -> [UInt8] {
        if let ascii = ConfusableTable.toASCII[scalar.value] { return [Self.lookAlike(ascii, scalar)] }
        if let folded = table[scalar.value] { return folded }
        let compatible = String(scalar).precomposedStringWithCompatibilityMapping.unicodeScalars
        if compatible.count == 1, compatible.first == scalar { return Array(scalar.properties.lowercaseMapping.utf8) }
        var bytes: [UInt8] = []
        for part in compatible where !part.properties.isDefaultIgnorableCodePoint && !isMark(part.properties) {
            if part.isASCII {
                bytes.append(UInt8(part.value) | (part.properties.isAlphabetic ? 0x20 : 0))
            } else {
                bytes += ConfusableTable.toASCII[part.value].map { [lookAlike($0, part)] } ?? table[part.value] ?? Array(part.properties.lowercaseMapping.utf8)
            }
        }
        return bytes
    }

    /// TR39 reads Greek "Ι" and Cyrillic "І" as "l" (a skeleton folds "I" and "l" together); here case is
    /// folded first, and a capital I is "i", so a capital that looks like one is "i" too ("ELLΙS" is "ellis").
    @inline(__always) static func lookAlike(_ ascii: UInt8, _ scalar: Unicode.Scalar) -> UInt8 {
        ascii == UInt8(ascii: "l") && scalar.properties.isUppercase ? UInt8(ascii: "i") : ascii
    }

    /// Combining marks (accents written as separate code points) belong to the letter before them.
    static func isMark(_ properties: Unicode.Scalar.Properties) -> Bool {
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }
}
