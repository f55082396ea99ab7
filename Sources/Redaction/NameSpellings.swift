import Foundation

/// The spellings of a person's name to look for: full name, first + last, "Surname, First", title +
/// surname, initial + surname; the first name alone only when the case marks it safe. Never the surname
/// alone (too many false hits on common words).
enum NameSpellings {
    static let titles = ["mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "rev", "lady", "lord"]

    static func spellings(of person: KnownPerson) -> [String] {
        let parts = person.fullName.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        guard let first = parts.first else { return [] }
        guard parts.count > 1, let last = parts.last else { return [first] }
        var spellings = [parts.joined(separator: " "), "\(first) \(last)", "\(last) \(first)"]
        let initial = String(first.prefix(1))
        spellings.append("\(initial) \(last)")
        var personTitles = titles
        if let title = person.title?.trimmingCharacters(in: CharacterSet(charactersIn: ". ")).lowercased(), !title.isEmpty {
            personTitles.append(title)
        }
        // With a title in front, the title goes too: "Mrs Margaret Ellis", "Mrs M Ellis", "Mrs Ellis".
        for title in personTitles {
            spellings += ["\(title) \(last)", "\(title) \(initial) \(last)", "\(title) \(first) \(last)"]
        }
        // "Okafor, D." in an index or a list of people.
        spellings.append("\(last) \(initial)")
        if person.firstNameIsSafe { spellings.append(first) }
        return Array(Set(spellings)).sorted()
    }
}
