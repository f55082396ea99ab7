@testable import Redaction
import XCTest

/// The text the address and name detectors read: what a person sees, with every byte traced back.
final class ReadableTextTests: XCTestCase {
    private func read(_ text: String) -> (String, ReadableText)? {
        var text = text
        return text.withUTF8 { bytes in
            ReadableText(bytes).map { (String(decoding: $0.bytes, as: UTF8.self), $0) }
        }
    }

    func testPlainTextIsNotCopied() {
        XCTAssertNil(read("Dear Mrs Okafor, I write about 14 Mill Lane. It’s £20 — café, naïve."))
        XCTAssertNil(read("M A Ellis and J Smith"), "initials before a surname are not letter-spacing")
    }

    func testInvisibleCharactersLookAlikesAndCompatibilityFormsReadPlainly() throws {
        let (plain, _) = try XCTUnwrap(read("Ar\u{200B}thur Be\u{00AD}ll, Gr\u{0430}ce, \u{FF28}\u{FF55}\u{FF47}\u{FF48}, Gri\u{FB03}ths, E\u{0301}milie, 3\u{00A0}Ash"))
        XCTAssertEqual(plain, "Arthur Bell, Grace, Hugh, Griffiths, Emilie, 3 Ash")
    }

    func testCaseIsKeptForLookAlikes() throws {
        let (plain, _) = try XCTUnwrap(read("\u{041D}art and \u{039D}\u{03BF}rris"))
        XCTAssertEqual(plain, "Hart and Norris")
    }

    func testLineEndHyphensJoinOnlyBeforeLowerCase() throws {
        let (plain, _) = try XCTUnwrap(read("Ken Bram-\nley rang; see Part-\nTwo"))
        XCTAssertEqual(plain, "Ken Bramley rang; see Part-\nTwo")
    }

    func testLetterSpacedWordsCloseUpAndTheirGapsBecomeOneSpace() throws {
        let (plain, _) = try XCTUnwrap(read("K e v i n  D o y l e  at 8  W i l l o w  W a y ,  D i s s"))
        XCTAssertEqual(plain, "Kevin Doyle at 8 Willow Way, Diss")
    }

    func testRangesMapBackToTheWholeOriginalText() throws {
        let original = "Our neighbour Ar\u{200B}thur Bell helped."
        let (plain, readable) = try XCTUnwrap(read(original))
        let name = try XCTUnwrap(plain.range(of: "Arthur Bell"))
        let found = plain.utf8.distance(from: plain.startIndex, to: name.lowerBound)..<plain.utf8.distance(from: plain.startIndex, to: name.upperBound)
        let back = readable.original(found)
        let bytes = Array(original.utf8)
        XCTAssertEqual(String(decoding: bytes[back], as: UTF8.self), "Ar\u{200B}thur Bell")
        // And an original range (an allow-listed phrase) maps to the readable text.
        XCTAssertEqual(readable.readable(back), found)
    }

    func testNamesAndAddressesAreFoundThroughTheTricks() {
        let redactor = Redactor(context: RedactionContext())
        let cases = ["My friend Ro\u{00AD}bert Gr\u{200C}ainger visits.", "Her carer, Gr\u{0430}ce Whitt\u{0430}ker, came.",
                     "The neighbour, Ken Bram-\nley, rang.", "K e v i n  D o y l e  signed in.", "I live at 2\u{200B}3 Ma\u{200B}ple Avenue, Hethersett.",
                     "Seen by  M R S   J E N K I N S  at the desk."]
        for text in cases {
            let shown = redactor.redact(text) { _ in "█" }
            XCTAssertTrue(shown.contains("█"), "nothing found in \(text.debugDescription)")
            for word in ["Robert", "Grainger", "Grace", "Whittaker", "Bramley", "Kevin", "Doyle", "Maple", "JENKINS"] {
                XCTAssertFalse(Words.hashes(of: shown).contains(Words.hashes(of: word)[0]), "\(word) readable in \(shown.debugDescription)")
            }
        }
    }
}

extension ReadableTextTests {
    /// A label before a postcode is not part of an address block (it stays readable; the postcode goes).
    func testALabelBeforeALetterSpacedPostcodeStaysReadable() {
        let redactor = Redactor(context: RedactionContext())
        for text in ["Postcode N R 1 3 X X", "Postcode NR1 3XX", "Postcode: NR1\u{00A0}3XX"] {
            let shown = redactor.redact(text) { "[\($0.kind.rawValue)]" }
            XCTAssertTrue(shown.hasPrefix("Postcode"), shown)
            XCTAssertTrue(shown.hasSuffix("[postcode]"), shown)
        }
    }
}
