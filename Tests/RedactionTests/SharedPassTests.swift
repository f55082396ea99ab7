@testable import Redaction
import XCTest

/// The shared pass (one reading of the words for the phrase matcher and the name finder) must find exactly
/// what the detectors found reading the text each on their own: same spans, kinds, detectors and people.
final class SharedPassTests: XCTestCase {
    func assertSame(_ text: String, _ redactor: Redactor, _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        var text = text
        text.withUTF8 { bytes in
            let shared = redactor.spans(in: bytes, sharedPass: true)
            let separate = redactor.spans(in: bytes, sharedPass: false)
            XCTAssertEqual(shared, separate, label, file: file, line: line)
        }
    }

    func testTheLabelledCorpusFindsTheSameInOnePass() throws {
        let labels = try CorpusTests.labels()
        let contexts = [CorpusTests.context(labels), RedactionContext()]
        var read = 0
        for context in contexts {
            for policy in [RedactionPolicy.standard, RedactionPolicy(keepClientName: true, redactStaff: true)] {
                let redactor = Redactor(context: context, policy: policy)
                for name in labels.documents.keys.sorted() {
                    let text = try CorpusTests.extract(name)
                    assertSame(text, redactor, name)
                    // Most trick documents need the readable copy; their plain lines do not.
                    for line in text.split(separator: "\n") { assertSame(String(line), redactor, "\(name): \(line.prefix(40))") }
                    read += 1
                }
            }
        }
        XCTAssertGreaterThan(read, 200)
    }

    func testWordsThatAreNotOnePlainWord() {
        let people = [KnownPerson(id: "per-1", role: .client, fullName: "Siobhan O'Connell", addresses: ["14 Mill Lane, Wymondham NR18 0AB"]),
                      KnownPerson(id: "per-2", role: .relative, fullName: "Zoë Okafor"),
                      KnownPerson(id: "per-3", role: .thirdParty, fullName: "Bartholomew Quenby"),
                      KnownPerson(id: "per-4", role: .staff, fullName: "Kevin Bell")]
        let context = RedactionContext(people: people, customTerms: ["Okafor's Pharmacy", "bay 3"],
                                       allowList: ["Dr Arthur Hale", "Norfolk and Norwich University Hospitals NHS Foundation Trust"])
        let redactor = Redactor(context: context)
        let texts = [
            "Siobhan O'Connell's son and Siobhan OConnell and Okafor’s Pharmacy; Zoë Okafor, Zoe Okafor.",
            "P.e.t.e.r Hart, H-a-r-t, J o a n n e  E l l i s, M A Ellis and Mrs Ellis-Okafor.",
            "Mail bartholomewquenby83@example.com or see www.bartholomewquenby.co.uk; Quen-by.",
            "Dr Arthur Hale of Norfolk and Norwich University Hospitals NHS Foundation Trust wrote. Arthur Hale again; Mrs Hale.",
            "Numbers ٣٤ and ½ and 1st, 2nd; “Quoted Kevin Bell” — dashes – and … ellipses; café Renée.",
            "Dear Priya,\nmy son Tom and our neighbour Arthur\nBell visited 14 Mill Lane, Wymondham NR18 0AB.\nKind regards,\nGrace",
            "it's O'Kafor's and 'quoted' words, rock 'n' roll, 5'6\", x'A1 1AA",
            "Call +44 (0)1603 286286 or (01603) 286286, jo.ellis@example.com, DOB 14/03/1946, NHS 943 476 5919, NI JK 12 34 56 C, NR1 3XX.",
            "a b c and x y  then 1 2 3 and I A Okafor; rock-\nand-roll; Flat 3, 14 Mill Lane\nWymondham\nNR18 0AB",
        ]
        for text in texts { assertSame(text, redactor, text) }
    }

    /// The shared pass asks the address and shape detectors only about some words (numbers, one-letter words, words
    /// with a digit close after them, d/b words): words next to numbers in every arrangement find what the
    /// separate passes find.
    func testShortWordsBesideNumbers() {
        let redactor = Redactor(context: RedactionContext())
        let texts = [
            "a 12 Mill Lane; ab 12 Mill Lane; abc 1 High St; N 1 3XX; NR 1 3XX; x 9 Hill Road, Diss; go 14, Mill Lane.",
            "Flat B 2 Rose Court; flat 2, 14 mill lane, wymondham; 3 sea view nr27 9aa; at 11pm; on 3 March 2025.",
            "JK 12 34 56 C and jk123456c; DOB: 01/02/1990, dob 1.2.90; Born 3 March 1950; b 12; d 9 Elm Road.",
            "999 000 0018 / 14/03/1946 / 07700 900461 / £14 Mill Lane / 2.5 Mill Lane / 1,200 Mill Lane / (3 Mill Lane)",
        ]
        for text in texts { assertSame(text, redactor, text) }
    }

    /// The merge's radix sort puts the keys in the order of the comparison sort it replaced, ties by index.
    func testRadixSortOrdersKeysAsTheComparisonSort() {
        var state: UInt64 = 0x1234_5678
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for size in [2, 300, 5_000] {
            var keys: [(key: UInt64, index: Int32)] = []
            for index in 0..<size {
                // Starts and ends as spans have them, with many equal keys (same start and end).
                let start = next() % 4_000, end = start + next() % 30
                keys.append((start << 32 | UInt64(UInt32.max - UInt32(end)), Int32(index)))
            }
            keys.append((UInt64.max, Int32(size)))
            var sorted = keys
            Redactor.radixSort(&sorted)
            let expected = keys.sorted { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
            XCTAssertEqual(sorted.map(\.key), expected.map(\.key), "size \(size)")
            XCTAssertEqual(sorted.map(\.index), expected.map(\.index), "size \(size)")
        }
    }

    /// The merge of nearly sorted runs puts the keys in the same order (ties by index), and leaves them to the
    /// radix sort (which then still orders them the same) when they come as too many runs.
    func testMergedRunsOrderKeysAsTheComparisonSort() {
        var state: UInt64 = 0x9876_5432
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        // (runs, keys, one key in `late` set a little back, one in `far` set far back; 0: none)
        for (runs, size, late, far) in [(2, 2_000, 0, 0), (1, 300, 10, 0), (3, 5_000, 10, 600), (16, 4_000, 10, 0), (17, 4_000, 0, 0),
                                        (400, 5_000, 10, 0)] {
            var keys: [(key: UInt64, index: Int32)] = []
            for _ in 0..<runs {
                // Each run ascending with many equal keys, as one detector's spans.
                var start = 100 + next() % 50
                for _ in 0..<(size / runs) {
                    start += next() % 3
                    var back: UInt64 = 0
                    if far > 0, next() % UInt64(far) == 0 { back = next() % 100 } else if late > 0, next() % UInt64(late) == 0 { back = next() % 6 }
                    let key = start - back, end = key + next() % 4
                    keys.append((key << 32 | UInt64(UInt32.max - UInt32(end)), Int32(keys.count)))
                }
            }
            var sorted = keys
            let merged = Redactor.mergeRuns(&sorted)
            if !merged { Redactor.radixSort(&sorted) }
            if runs == 2 { XCTAssertTrue(merged, "two sorted runs are merged") }
            if runs == 17 { XCTAssertFalse(merged, "17 runs are left to the radix sort") }
            let expected = keys.sorted { $0.key != $1.key ? $0.key < $1.key : $0.index < $1.index }
            XCTAssertEqual(sorted.map(\.key), expected.map(\.key), "\(runs) runs")
            XCTAssertEqual(sorted.map(\.index), expected.map(\.index), "\(runs) runs")
        }
    }
}
