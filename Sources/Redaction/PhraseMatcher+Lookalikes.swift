/// Look-alike spellings of a person's name that the normaliser does not undo: a capital I typed for a
/// lower-case l ("EIIis" for "Ellis", "PIatt" for "Platt"), which most fonts draw alike. TR39's confusable
/// skeletons keep "I" and "l" apart (both are ordinary Latin letters), so the name is added as those
/// spellings too: every choice of its l's when it has one or two, else all of them and each alone. A leading
/// title's l's ("Lady") stay. The spellings multiply a case's phrases (a name with many l's adds hundreds), and
/// the tables hold at most 65,535 word pairs: past `budget` spellings (the first 60 or so people of a case in
/// the order given) no more are added, so a case of a thousand people still builds.
extension PhraseMatcher.Builder {
    static let everyChoiceUpTo = 2
    static let budget = 20_000

    mutating func addCapitalIForL(_ text: String, label: PhraseMatcher.Label) {
        guard lookalikes < Self.budget else { return }
        let scalars = Array(text.unicodeScalars)
        var from = 0
        if let space = scalars.firstIndex(of: " "),
           NameSpellings.titles.contains(String(String.UnicodeScalarView(scalars[..<space])).lowercased()) {
            from = space
        }
        let ells = scalars.indices.filter { $0 >= from && (scalars[$0] == "l" || scalars[$0] == "L") }
        guard !ells.isEmpty else { return }
        var choices: [[Int]] = []
        if ells.count <= Self.everyChoiceUpTo {
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
            if !words.isEmpty {
                phrases.append(PhraseMatcher.Phrase(words: words, label: label))
                lookalikes += 1
            }
        }
    }
}
