import Redaction
import XCTest

/// Search inside documents (issue 19): the advocate types plain words; case, accents, invisible characters and
/// line breaks do not hide a document, and each hit maps back to the original text for its snippet.
final class TextSearchTests: XCTestCase {
    private func match(_ query: String, _ text: String) -> SearchMatch? {
        FoldedText(text).match(try! XCTUnwrap(SearchQuery(query)))
    }

    func testCaseAccentsInvisibleCharactersAndLineBreaksAreIgnored() {
        XCTAssertEqual(match("platt", "Dear MRS PLATT,")?.count, 1)
        XCTAssertNotNil(match("Zoe", "Zoë Hart phoned"))
        XCTAssertNotNil(match("zoë", "ZOE HART phoned"))
        XCTAssertNotNil(match("Zoe", "Zoe\u{0301} Hart"), "a combining accent")
        XCTAssertNotNil(match("okafor", "Dr Oka\u{200B}for"), "a zero-width space inside the name")
        XCTAssertNotNil(match("okafor", "Dr Ｏｋａｆｏｒ"), "fullwidth letters")
        XCTAssertEqual(match("discharge letter", "the discharge\n   letter was late")?.phrase, true)
        XCTAssertNil(match("okafor", "Dr Okafur"))
    }

    func testEveryWordMustAppearAndWordsStartAtWordBoundaries() {
        XCTAssertNil(match("ward seven", "Ward 7"), "one word missing: not a hit")
        XCTAssertEqual(match("ward 7", "Ward 7 and ward 8")?.count, 3)
        XCTAssertEqual(match("7 ward", "Ward 7")?.phrase, false, "the words are there but not in this order")
        XCTAssertNil(match("all", "ballot box"), "inside a word is not a hit")
        XCTAssertEqual(match("all", "ballot box, all of it, ALL")?.count, 2, "a later whole word after a hit inside one")
        XCTAssertEqual(match("a", "a")?.count, 1, "a one-letter text and term")
        XCTAssertNotNil(match("discharge", "discharged"), "a word's start is")
        XCTAssertNil(SearchQuery("  ,;  "), "nothing to look for")
    }

    func testACharacterThatFoldsLongerStillMapsBackToTheOriginal() throws {
        // U+FDFA folds to 33 bytes from 3: the in-place fold gives way to the general one, with the same result.
        let text = "\u{FDFA} Dr Okafor \u{FB01}led it"
        let folded = FoldedText(text)
        let found = try XCTUnwrap(folded.match(try XCTUnwrap(SearchQuery("okafor filed"))))
        XCTAssertTrue(found.phrase)
        XCTAssertEqual(String(decoding: Array(text.utf8)[try XCTUnwrap(found.ranges.first)], as: UTF8.self), "Okafor \u{FB01}led")
        XCTAssertEqual(FoldedText("Dr Okafor \u{FB01}led it").match(try XCTUnwrap(SearchQuery("filed")))?.count, 1)
    }

    func testSnippetsShowTheOriginalTextAroundTheHit() throws {
        let text = String(repeating: "Lorem ipsum dolor sit amet. ", count: 10) + "Nurse Zoë Bell said\nthe ward was full. "
            + String(repeating: "Consectetur adipiscing elit. ", count: 10)
        let folded = FoldedText(text)
        let found = try XCTUnwrap(folded.match(try XCTUnwrap(SearchQuery("zoe bell"))))
        XCTAssertTrue(found.phrase)
        let snippet = folded.snippet(around: try XCTUnwrap(found.ranges.first), width: 30)
        XCTAssertTrue(snippet.contains("Nurse Zoë Bell said the ward"), snippet)
        XCTAssertTrue(snippet.hasPrefix("…") && snippet.hasSuffix("…"), snippet)
        XCTAssertLessThan(snippet.count, 100, snippet)
        // At the very start and end of a text there is nothing to elide.
        let short = FoldedText("Zoë")
        XCTAssertEqual(short.snippet(around: try XCTUnwrap(short.match(try XCTUnwrap(SearchQuery("ZOE")))?.ranges.first)), "Zoë")
    }
}
