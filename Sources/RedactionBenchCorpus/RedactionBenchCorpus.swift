import Redaction

/// The redaction row's text and case, in one place for both benchmarks: `casevault-bench` (the whole table) and
/// `redaction-bench` (the redaction row alone, which builds in release mode without the rest of the package).
///
/// Dense complaint prose: about 15 findings per 600 bytes (names, NHS numbers, postcodes, phones, emails, DOBs,
/// an allow-listed trust name and switchboard number), 20 registered people, two custom terms.
public enum RedactionBenchCorpus {
    public static let paragraph = """
    Dear Complaints Team, I write about my mother Margaret Ellis (NHS number 999 000 0018, DOB 14/03/1946) of
    12 Orchard Close, Norwich NR1 3XX. My sister Joanne Ellis (07700 900461, joanne.ellis@example.com) collected
    her from Ward 7B at 11pm. Dr Alan Price apologised. Reference 2025/0142; our letter of 3 March 2025 refers.
    The Norfolk and Norwich University Hospitals NHS Foundation Trust switchboard is 01603 286286. Mr Hart in
    bay 3 was moved. Please call 0161 496 0999 or write to PALS. NI number JK 12 34 56 C is not needed here.

    """

    /// At least `bytes` bytes of the paragraph repeated (each copy's reference number differs), and how many copies.
    public static func text(bytes target: Int) -> (text: String, paragraphs: Int) {
        var text = ""
        text.reserveCapacity(target + paragraph.utf8.count)
        var counter = 0
        while text.utf8.count < target {
            text += paragraph.replacingOccurrences(of: "2025/0142", with: "2025/\(counter % 10_000)")
            counter += 1
        }
        return (text, counter)
    }

    /// The case the text is redacted for: the client, her daughter, a third party, a staff member, and 16 more.
    public static var context: RedactionContext {
        var people = [KnownPerson(id: "per-1", role: .client, fullName: "Margaret Ellis", title: "Mrs", firstNameIsSafe: true,
                                  addresses: ["12 Orchard Close, Norwich NR1 3XX"], identifiers: ["9990000018"]),
                      KnownPerson(id: "per-2", role: .relative, fullName: "Joanne Ellis", identifiers: ["07700 900461"]),
                      KnownPerson(id: "per-3", role: .thirdParty, fullName: "Peter Hart"),
                      KnownPerson(id: "per-4", role: .staff, fullName: "Alan Price")]
        for index in 5...20 {
            people.append(KnownPerson(id: "per-\(index)", role: .thirdParty, fullName: "Person\(index) Surname\(index)",
                                      addresses: ["\(index) Example Street, Norwich NR\(index % 9 + 1) 1AB"]))
        }
        return RedactionContext(people: people, customTerms: ["Ward 7B", "bay 3"],
                                allowList: ["Norfolk and Norwich University Hospitals NHS Foundation Trust", "01603 286286"])
    }

    /// Fewer spans than this means a detector stopped finding what the text is full of.
    public static func minimumSpans(paragraphs: Int) -> Int { paragraphs * 10 }
}
