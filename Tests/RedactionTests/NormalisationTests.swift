import Redaction
import XCTest

/// Names hidden with invisible or look-alike characters are still found, and the span covers the whole
/// original text (the invisible characters too), so nothing of the name survives the black box.
final class NormalisationTests: XCTestCase {
    let context = RedactionContext(people: [KnownPerson(id: "per-1", role: .relative, fullName: "Peter Hartley")])

    /// The one name span in `text`, as the original text it covers.
    func nameSpan(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let spans = Redactor(context: context).spans(in: text).filter { $0.kind == .personName }
        XCTAssertLessThanOrEqual(spans.count, 1, file: file, line: line)
        return spans.first.map { String(text[$0.range(in: text)]) }
    }

    func testInvisibleCharactersInsideANameAreCovered() {
        for invisible in ["\u{200B}", "\u{00AD}", "\u{200C}", "\u{034F}", "\u{2060}", "\u{FEFF}", "\u{200D}", "\u{FE0F}"] {
            let hidden = "Peter Hart\(invisible)ley"
            XCTAssertEqual(nameSpan("Visited by \(hidden) on Monday."), hidden, "U+\(String(invisible.unicodeScalars.first!.value, radix: 16))")
        }
    }

    func testBidiOverrideInsideANameIsCovered() {
        let hidden = "Peter \u{202E}Hartley\u{202C}"
        XCTAssertEqual(nameSpan("From \(hidden), son."), hidden)
    }

    func testLookAlikeLettersAreFound() {
        // Cyrillic а and е, Greek ο, fullwidth letters, the ﬁ ligature (in a name that has "fi").
        XCTAssertEqual(nameSpan("Signed Peter H\u{0430}rtl\u{0435}y."), "Peter H\u{0430}rtl\u{0435}y")
        XCTAssertEqual(nameSpan("Signed Pet\u{0435}r Hartley."), "Pet\u{0435}r Hartley")
        XCTAssertEqual(nameSpan("Signed \u{FF30}\u{FF45}\u{FF54}\u{FF45}\u{FF52} Hartley."), "\u{FF30}\u{FF45}\u{FF54}\u{FF45}\u{FF52} Hartley")
        let fiona = RedactionContext(people: [KnownPerson(id: "per-2", role: .relative, fullName: "Fiona Griffiths")])
        let text = "Call \u{FB01}ona Grif\u{FB01}ths today."
        let spans = Redactor(context: fiona).spans(in: text)
        XCTAssertEqual(spans.map { String(text[$0.range(in: text)]) }, ["\u{FB01}ona Grif\u{FB01}ths"])
    }

    func testCombiningAccentsOnANameAreCovered() {
        XCTAssertEqual(nameSpan("Mr Peter Hartle\u{0301}y called."), "Mr Peter Hartle\u{0301}y")
        XCTAssertEqual(nameSpan("PETER HA\u{0308}RTLEY called."), "PETER HA\u{0308}RTLEY")
    }

    func testHyphenAtALineEndJoinsTheHalves() {
        XCTAssertEqual(nameSpan("The visitor, Peter Hart-\nley, stayed."), "Peter Hart-\nley")
        XCTAssertEqual(nameSpan("The visitor, Peter Hart-  \r\n   ley, stayed."), "Peter Hart-  \r\n   ley")
        XCTAssertEqual(nameSpan("The visitor, Peter Hart\u{00AD}\nley, stayed."), "Peter Hart\u{00AD}\nley")
        // A hyphen before a capital on the next line is a real hyphen: "Smith-\nJones" stays two words.
        let double = RedactionContext(people: [KnownPerson(id: "per-3", role: .relative, fullName: "Ann Smith-Jones")])
        let text = "Ann Smith-\nJones wrote."
        XCTAssertEqual(Redactor(context: double).spans(in: text).map { String(text[$0.range(in: text)]) }, ["Ann Smith-\nJones"])
    }

    func testLetterSpacedNamesAreFound() {
        XCTAssertEqual(nameSpan("Witness: P e t e r   H a r t l e y (son)"), "P e t e r   H a r t l e y")
        XCTAssertEqual(nameSpan("WITNESS: P E T E R  H A R T L E Y"), "P E T E R  H A R T L E Y")
        // Two initials are initials, not a spaced word.
        XCTAssertEqual(nameSpan("From P Hartley."), "P Hartley")
    }

    func testNamesInsideURLsAndEmailLocalParts() {
        XCTAssertEqual(nameSpan("See https://example.org/peter.hartley/photos"), "peter.hartley")
        let text = "Write to peter.hartley@example.org please."
        let spans = Redactor(context: context).spans(in: text)
        XCTAssertTrue(spans.contains { text[$0.range(in: text)].contains("peter.hartley") }, "the email or the name in it is redacted")
    }

    func testZeroWidthJoinerInsideAnEmojiSequenceNextToAName() {
        let text = "Thanks \u{1F468}\u{200D}\u{1F469}\u{200D}Peter Hartley!"
        XCTAssertEqual(nameSpan(text), "Peter Hartley")
    }

    func testAReversedRightToLeftOverrideIsReadAsShown() {
        // Stored "yelt raH reteP" inside U+202E shows as "Peter Hartley": the whole override is covered.
        let hidden = "\u{202E}yeltraH reteP\u{202C}"
        XCTAssertEqual(nameSpan("From \(hidden), son."), hidden)
        let unterminated = "\u{202E}yeltraH reteP"
        XCTAssertEqual(nameSpan("From \(unterminated)\nNext line."), unterminated, "an override ends at the line end")
        XCTAssertNil(nameSpan("From \u{202E}yeltraH\u{202C} Road."), "the surname alone is not a spelling, reversed or not")
    }

    func testHyphenInsideALineInsideAName() {
        XCTAssertEqual(nameSpan("Mr Peter Hart-ley called."), "Mr Peter Hart-ley")
        XCTAssertEqual(nameSpan("Pe-ter Hartley called."), "Pe-ter Hartley")
        XCTAssertEqual(nameSpan("See example.org/in/peter-hartley-4a2b"), "peter-hartley")
    }

    func testNameRunIntoDigitsInAnAddress() {
        XCTAssertEqual(nameSpan("instagram.com/peterhartley83 posts"), "peterhartley83")
    }

    func testCapitalsThatLookLikeACapitalI() {
        let ellis = RedactionContext(people: [KnownPerson(id: "per-4", role: .relative, fullName: "Joanne Ellis")])
        for text in ["JOANNE ELL\u{0399}S", "JOANNE ELL\u{0406}S", "JOANNE ELL\u{04C0}S"] {
            let spans = Redactor(context: ellis).spans(in: "Signed \(text).")
            XCTAssertEqual(spans.map(\.kind), [.personName], text)
        }
    }

    func testSurnameThenInitialInAList() {
        XCTAssertEqual(nameSpan("Index: Hartley, P. (son)"), "Hartley, P")
    }

    func testLetterSpacingWithNoBreakSpacesTabsDotsOrHyphens() {
        for spaced in ["P\u{00A0}e\u{00A0}t\u{00A0}e\u{00A0}r  H\u{00A0}a\u{00A0}r\u{00A0}t\u{00A0}l\u{00A0}e\u{00A0}y",
                       "P\te\tt\te\tr\t\tH\ta\tr\tt\tl\te\ty", "P.e.t.e.r H.a.r.t.l.e.y", "P-e-t-e-r H-a-r-t-l-e-y"] {
            XCTAssertEqual(nameSpan("Witness: \(spaced) (son)"), spaced, spaced.debugDescription)
        }
        // Dotted initials and abbreviations are not joined into words: "P.A." stays two initials.
        XCTAssertEqual(nameSpan("From P.A. Hartley, e.g. at 9 a.m."), "P.A. Hartley")
    }

    func testMiddleInitialsInsideAName() {
        XCTAssertEqual(nameSpan("From Peter J. Hartley (son)."), "Peter J. Hartley")
        XCTAssertEqual(nameSpan("From Mr Peter J R Hartley (son)."), "Mr Peter J R Hartley")
        XCTAssertNil(nameSpan("Peter and a Hartley Road sign."), "only one-letter words are passed over")
        XCTAssertEqual(nameSpan("Seen in A&E; P Hartley came."), "P Hartley", "the letters of A&E are not initials")
    }

    func testAnApostropheAddedOrDroppedInsideAName() {
        let okafor = RedactionContext(people: [KnownPerson(id: "per-5", role: .relative, fullName: "David Okafor"),
                                               KnownPerson(id: "per-6", role: .witness, fullName: "Siobhan O'Connell")])
        for text in ["Dr O'Kafor", "David O\u{2019}kafor", "Siobhan OConnell", "Siobhan O\u{2019}Connell"] {
            let spans = Redactor(context: okafor).spans(in: "Seen: \(text) today.")
            XCTAssertEqual(spans.map(\.kind), [.personName], text)
        }
        XCTAssertEqual(Redactor(context: okafor).spans(in: "The ward's reply didn't come; we'll chase.").count, 0)
    }

    func testTwoRegisteredSurnamesJoinedIntoOneName() {
        let family = RedactionContext(people: [KnownPerson(id: "per-7", role: .client, fullName: "Margaret Ellis"),
                                               KnownPerson(id: "per-8", role: .relative, fullName: "David Okafor"),
                                               KnownPerson(id: "per-9", role: .staff, fullName: "Alan Price")])
        let text = "Seen: Mrs. Okafor-Ellis and Dr Price."
        let spans = Redactor(context: family).spans(in: text)
        XCTAssertEqual(spans.map { String(text[$0.range(in: text)]) }, ["Mrs. Okafor-Ellis"], "the whole name goes, registered staff stay")
        let kept = Redactor(context: family, policy: RedactionPolicy(keepClientName: true)).spans(in: "Seen: Mrs Ellis-Okafor.")
        XCTAssertEqual(kept.count, 1, "with the client's name kept, only the other person's surname is redacted")
    }

    func testOrdinaryTextIsNotJoinedIntoNames() {
        // Ordinary words, hyphenated words and short letter runs do not produce matches or merge across words.
        let text = "Peter went to Hartley Road. A B testing; x-ray\nresults; well-\nknown."
        XCTAssertNil(nameSpan(text))
    }
}
