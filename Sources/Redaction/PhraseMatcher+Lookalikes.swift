/// Look-alike spellings of a person's name that the normaliser does not undo: a capital I typed for a
/// lower-case l ("EIIis" for "Ellis", "PIatt" for "Platt"), which most fonts draw alike. TR39's confusable
/// skeletons keep "I" and "l" apart (both are ordinary Latin letters), so the name is added as those
/// spellings too: every choice of its l's when it has up to four, else all of them and each alone.
extension PhraseMatcher.Builder {
    static let mostChoices = 4

    mutating func addCapitalIForL(_ text: String, label: PhraseMatcher.Label) {
        let scalars = Array(text.unicodeScalars)
        let ells = scalars.indices.filter { scalars[$0] == "l" || scalars[$0] == "L" }
        guard !ells.isEmpty else { return }
        var choices: [[Int]] = []
        if ells.count <= Self.mostChoices {
            for mask in 1..<(1 << ells.count) {
                choices.append(ells.indices.filter { mask & (1 << $0) != 0 }.map { ells[$0] })
            }
        } else {
            choices = [ells] + ells.map { [$0] }
        }
        for choice in choices {
            var spelling = scalars
            for position in choice { spelling[position] = "I" }
            let words = Words.hashes(of: String(String.UnicodeScalarView(spelling)))
            if !words.isEmpty { phrases.append(PhraseMatcher.Phrase(words: words, label: label)) }
        }
    }
}
