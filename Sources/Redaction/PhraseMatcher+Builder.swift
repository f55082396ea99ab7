import Foundation

/// The phrases of a case (names in their spellings, addresses, identifiers, custom and allow-listed terms) as
/// folded word hashes, grouped for `PhraseMatcher`'s tables.
extension PhraseMatcher {
    struct Builder {
        var phrases: [Phrase] = []

        mutating func add(_ text: String, label: Label) {
            let words = Words.hashes(of: text)
            guard !words.isEmpty else { return }
            phrases.append(Phrase(words: words, label: label))
            // "O'Connell" written "OConnell". (A scan of the scalars, not Foundation's `contains`, which folded and
            // searched the whole phrase twice: a tenth of building a context of 70 000 people.)
            if text.unicodeScalars.contains(where: { $0 == "'" || $0 == "\u{2019}" }) {
                let closed = Words.hashes(of: text.replacingOccurrences(of: "'", with: "").replacingOccurrences(of: "\u{2019}", with: ""))
                if closed != words, !closed.isEmpty { phrases.append(Phrase(words: closed, label: label)) }
            }
            // The same phrase run together ("BARTHOLOMEWQUENBY" from letter-spacing whose word gap was lost,
            // "bartholomewquenby" in an email or a URL), when it is long enough not to be an ordinary word.
            guard words.count > 1 else { return }
            let joined = String(String.UnicodeScalarView(text.unicodeScalars.filter(Self.isLetterOrDigit)))
            if joined.count >= Self.shortestJoined, let single = Words.hashes(of: joined).first {
                phrases.append(Phrase(words: [single], label: label))
            }
        }

        /// Alphabetic or numeric; ASCII answered without the Unicode property tables (most names are ASCII, and the
        /// table lookups were another tenth of building a large context).
        static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
            switch scalar.value {
            case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
            case 0..<0x80: return false
            default: return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
            }
        }

        /// Shorter run-together phrases ("mellis" for "M Ellis") could be ordinary words.
        static let shortestJoined = 8

        func build() -> PhraseMatcher {
            // Phrases grouped by their last word, in the order they were added (spans come out in that order).
            var groupOf: [UInt64: Int] = [:]
            var groups: [[Int]] = []
            var filter = [UInt64](repeating: 0, count: PhraseMatcher.filterWords)
            for (index, phrase) in phrases.enumerated() {
                let last = phrase.words[phrase.words.count - 1]
                if let group = groupOf[last] {
                    groups[group].append(index)
                } else {
                    groupOf[last] = groups.count
                    groups.append([index])
                }
                let bit = Int(last & UInt64(PhraseMatcher.filterBits - 1))
                filter[bit >> 6] |= 1 << UInt64(bit & 63)
            }
            return PhraseMatcher(phrases: phrases, groupOf: groupOf, groups: groups, filter: filter,
                                 longest: phrases.map(\.words.count).max() ?? 0)
        }
    }
}
