import Foundation
import XCTest
@testable import VaultCore

/// `person find` has a fast path (ASCII names folded byte by byte, the people split between cores); these tests fail
/// if it ever answers differently from the Foundation folding it replaced, or shows someone the actor may not see.
final class PersonFindTests: XCTestCase {
    private func fast(_ query: NameQuery, _ name: String) -> Bool {
        Array(name.utf8).withUnsafeBytes { query.matches(utf8: $0) }
    }

    func testASCIIFastPathAgreesWithFoundationFolding() {
        let names = ["Joan Platt", "Mrs Joan PLATT", "O'Brien, Sean", "Mary-Jane  Watson-Hart", "Dr. A. N. Other", "the Rev Platt",
                     "Person12 Okafor19", "MRS", "Mr Mrsmith", "Ms Missy Mx", "ab\tcd\nef", "  ", "X Æ A-12", "ZOË Ellis",
                     "José Núñez", "Joan Platt\u{301}", "Sir Dame Prof", "McDonald-O'Neill", "[Platt]", "`quoted` {brace}", "İlkay Şahin"]
        let queries = ["platt", "Mrs Platt", "j platt", "PLA", "o'bri", "obrien", "o brien", "watson hart", "hart-wat", "mr", "m",
                       "mrs smith", "mrsm", "zoe", "Zoë", "jose nunez", "núñ", "okafor1", "2", "", "the", "rev platt", "sean o", "ab ef",
                       "missy", "mx missy", "a n other", "quoted brace", "ilkay", "sahin", "mcdonald o neill", "x a"]
        for query in queries {
            let prepared = NameQuery(query)
            for name in names { XCTAssertEqual(fast(prepared, name), prepared.matches(name), "query \(query) / name \(name)") }
        }
        // Random ASCII names with the awkward parts (titles, punctuation, digits, case), and queries cut from them.
        let alphabet = Array("abcdEFGH mrsMRS'-.,19\tDr")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<3_000 {
            let name = String((0..<Int.random(in: 0...18, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let cut = name.isEmpty ? "" : String(name.dropFirst(Int.random(in: 0..<name.count, using: &generator)).prefix(Int.random(in: 1...8, using: &generator)))
            let query = Bool.random(using: &generator) ? cut : String((0..<Int.random(in: 1...6, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let prepared = NameQuery(query)
            XCTAssertEqual(fast(prepared, name), prepared.matches(name), "query \(query.debugDescription) / name \(name.debugDescription)")
        }
    }

    /// A valid NHS number (mod 11 check digit) from nine digits.
    private func nhsNumber(_ seed: Int) -> String {
        var digits = (0..<9).map { (seed / Int(pow(10.0, Double($0)))) % 10 }
        while true {
            let remainder = 11 - zip(digits, (2...10).reversed()).map { $0 * $1 }.reduce(0, +) % 11
            if remainder != 10 { return (digits + [remainder == 11 ? 0 : remainder]).map(String.init).joined() }
            digits[0] = (digits[0] + 1) % 10
        }
    }

    func testSameAnswerOnOneCoreOrSeveralAsTheFoundationMatchAndOnlyVisiblePeople() throws {
        let t = try TemporaryVault()
        try t.actAsAdvocate()
        let names = ["Joan Platt", "Mrs Edith Platt-Jones", "Zoë Ellis", "ZOE ELLIS", "José Núñez", "Jose Nunez", "Sean O'Brien",
                     "Dr Amara Okafor", "Okafor Amara", "Platt", "Søren Ørsted", "Åsa Hart", "Mary-Jane Watson", "the Rev Ian Bell",
                     "Ian Bellamy", "Ífe Àdébáyọ̀"] + (0..<40).map { "Person\($0) Okafor\($0 / 4)" }
        var mine: [String: String] = [:]
        var nhs: [String: String] = [:]
        for (index, name) in names.enumerated() {
            let number = index % 5 == 0 ? nhsNumber(412_345_000 + index) : nil
            let id = try t.vault.addPerson(.init(name: name, dob: index % 7 == 0 ? "1950-03-0\(index % 9 + 1)" : nil, nhsNumber: number)).rawValue
            mine[id] = name
            if let number { nhs[number] = id }
        }
        // Someone of another organisation registers their own people, one of them with a name that would match.
        let admin = try t.reopen(as: t.administratorID)
        let otherOrg = try admin.addOrganisation(name: "Suffolk Advocacy").id
        let outsiderID = try admin.addAdvocate(name: "Pat Outsider", organisationID: OrganisationID(otherOrg))
        let outsider = try t.reopen(as: outsiderID)
        let hidden = try outsider.addPerson(.init(name: "Joan Platt", nhsNumber: nhs.keys.sorted().first.map { _ in nhsNumber(999_000_111) })).rawValue
        let vault = try t.reopen()

        let queries = ["platt", "Mrs Platt", "PLATT J", "zoe", "Zoë ellis", "nunez", "Núñez", "o'brien", "obr", "okafor", "okafor1",
                       "amara okafor", "soren", "ørsted", "asa", "watson mary", "rev bell", "bell", "ife", "adebayo", "person3", "nobody", "mrs"]
        for query in queries {
            let prepared = Vault.searchable(query)
            let expected = Set(mine.filter { Vault.nameMatches(prepared, $0.value) }.keys)
            for batchRows in [1, 3] {
                XCTAssertEqual(Set(try vault.findPeople(matching: query, batchRows: batchRows).map(\.id)), expected, "\(query), batches of \(batchRows)")
            }
            XCTAssertFalse(try vault.findPeople(matching: query).contains { $0.id == hidden }, query)
            // What the table shows: the same people, in the same order, with the same names and dates of birth.
            let full = try vault.findPeople(matching: query).map { Vault.FoundPerson(id: $0.id, name: $0.name, dob: $0.dob) }
            for batchRows in [nil, 1, 5] as [Int?] {
                XCTAssertEqual(try vault.findPeopleShown(matching: query, batchRows: batchRows), full, "\(query), batches of \(batchRows ?? 0)")
            }
        }
        XCTAssertFalse(try vault.findPeople(matching: "Joan Platt").isEmpty)
        XCTAssertEqual(try outsider.findPeople(matching: "Joan Platt").map(\.id), [hidden])
        // NHS numbers with or without spaces, and dates of birth, on either path.
        for (number, id) in nhs {
            let spaced = "\(number.prefix(3)) \(number.dropFirst(3).prefix(3)) \(number.suffix(4))"
            for batchRows in [1, 3] {
                XCTAssertEqual(try vault.findPeople(matching: spaced, batchRows: batchRows).map(\.id), [id], spaced)
                XCTAssertEqual(try vault.findPeople(matching: number, batchRows: batchRows).map(\.id), [id], number)
            }
        }
        let born = Set(names.indices.filter { $0 % 7 == 0 && "1950-03-0\($0 % 9 + 1)" == "1950-03-01" }.compactMap { index in mine.first { $0.value == names[index] }?.key })
        XCTAssertFalse(born.isEmpty)
        for batchRows in [1, 3] {
            XCTAssertEqual(Set(try vault.findPeople(matching: "1950-03-01", batchRows: batchRows).map(\.id)), born)
            XCTAssertEqual(Set(try vault.findPeopleShown(matching: "1950-03-01", batchRows: batchRows).map(\.id)), born)
            XCTAssertEqual(try vault.findPeopleShown(matching: Array(nhs.keys)[0], batchRows: batchRows).map(\.id), [nhs[Array(nhs.keys)[0]]!])
        }
    }

    /// A name longer than the scanning buffer is still opened and matched whole (the ordinary way).
    func testANameLongerThanTheScanBufferIsStillFound() throws {
        let t = try TemporaryVault()
        try t.actAsAdvocate()
        let long = try t.vault.addPerson(.init(name: "Joan " + String(repeating: "Longname", count: 700) + " Platt")).rawValue
        let short = try t.vault.addPerson(.init(name: "Joan Platt")).rawValue
        for batchRows in [1, 2] {
            XCTAssertEqual(Set(try t.vault.findPeople(matching: "platt", batchRows: batchRows).map(\.id)), [long, short])
            XCTAssertEqual(try t.vault.findPeople(matching: "longnamelong", batchRows: batchRows).map(\.id), [long])
        }
    }
}
