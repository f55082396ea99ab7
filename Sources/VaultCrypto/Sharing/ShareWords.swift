/// Looking words up in the share word list, and guessing which list word a misspelt one was meant to be.
enum ShareWords {
    static let indexByWord: [String: UInt16] = Dictionary(
        uniqueKeysWithValues: shareWordList.enumerated().map { ($0.element, UInt16($0.offset)) }
    )

    /// The words of a typed or pasted share code, lowercased. Anything that is not a letter separates
    /// words, so line numbers ("1." "12)"), commas and hyphens a trustee adds are ignored.
    static func tokens(_ text: String) -> [String] {
        text.lowercased()
            .split { !($0.isASCII && $0.isLetter) }
            .map(String.init)
    }

    /// The list word `token` was most likely meant to be, or nil when no single word stands out.
    ///
    /// First by the first four letters, which are unique in this list by design (BIP-39), so "abando"
    /// or "abandonn" is "abandon"; otherwise the only word at the smallest edit distance (insertions,
    /// deletions, substitutions, adjacent swaps), if that distance is at most 2 — with a tie, or only
    /// distant words, guessing would be as likely to mislead as to help.
    static func suggestion(for token: String) -> String? {
        if let exact = indexByWord[token] { return shareWordList[Int(exact)] }
        let letters = Array(token.utf8)
        if letters.count >= 4 {
            let prefix = letters.prefix(4)
            let matches = shareWordList.filter { $0.utf8.count >= 4 && $0.utf8.prefix(4).elementsEqual(prefix) }
            if matches.count == 1 { return matches[0] }
        }
        var best = Int.max, bestWords: [String] = []
        for word in shareWordList {
            let distance = editDistance(letters, Array(word.utf8), limit: 2)
            if distance < best {
                best = distance
                bestWords = [word]
            } else if distance == best {
                bestWords.append(word)
            }
        }
        return best <= 2 && bestWords.count == 1 ? bestWords[0] : nil
    }

    /// Optimal-string-alignment distance (Damerau–Levenshtein without repeated edits of one substring),
    /// returning `limit + 1` early once every alignment is beyond `limit`.
    static func editDistance(_ a: [UInt8], _ b: [UInt8], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
