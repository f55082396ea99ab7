import Redaction
import XCTest

/// Identifiers written the many ways people and systems write them (issue: NHS numbers with dots, slashes,
/// 4-3-3 groups or no-break spaces; postcodes with no-break or letter spacing; phones with brackets).
final class IdentifierVariantTests: XCTestCase {
    func only(_ kind: RedactionKind, in text: String, file: StaticString = #filePath, line: UInt = #line) -> [String] {
        found(text).filter { $0.0 == kind }.map(\.1)
    }

    func testNHSNumbersInAnyGroupingAndSeparator() {
        for written in ["943.476.5919", "943/476/5919", "9434 765 919", "943\u{00A0}476\u{00A0}5919", "943\u{202F}476\u{202F}5919",
                        "94 34 76 59 19", "943-476-5919", "9434765919"] {
            XCTAssertEqual(only(.nhsNumber, in: "Ref \(written) on file."), [written], written)
        }
    }

    func testLabelledNHSNumbersWithNoBreakSpacesAndBadChecksums() {
        XCTAssertEqual(only(.nhsNumber, in: "NHS number:\u{00A0}943 476 5918"), ["943 476 5918"])
        XCTAssertEqual(only(.nhsNumber, in: "NHS\u{00A0}number\u{00A0}943\u{00A0}476\u{00A0}5919"), ["943\u{00A0}476\u{00A0}5919"])
        XCTAssertEqual(only(.nhsNumber, in: "NHS No. 123.456.7890"), ["123.456.7890"])
    }

    func testNumbersThatAreNotNHSNumbers() {
        XCTAssertEqual(only(.nhsNumber, in: "Invoice 943.476.59 for £1,234.56 on 15/01/2025 at 10.30."), [])
        XCTAssertEqual(only(.nhsNumber, in: "Order 943/476/5919/2 was a longer reference."), [])
        // A bundle index's page number run into a date (its digits happen to pass the check): a date.
        for written in ["242025-01-25", "262025-02-18", "422025.01.23", "442025/01/27"] {
            XCTAssertEqual(only(.nhsNumber, in: "Letter \(written) page"), [], written)
        }
        // After a label any grouping still counts (fail safe).
        XCTAssertEqual(only(.nhsNumber, in: "NHS number: 242025-01-25"), ["242025-01-25"])
    }

    func testPostcodesWithNoBreakAndLetterSpacing() {
        // The address detector may widen the span to the rest of the address line: the postcode is inside it.
        for (text, postcode) in [("Norwich NR1\u{00A0}3XX.", "NR1\u{00A0}3XX"), ("Address: N R 1 3 X X, Norfolk", "N R 1 3 X X"),
                                 ("Postcode N R 1  3 X X", "N R 1  3 X X")] {
            let spans = only(.postcode, in: text)
            XCTAssertEqual(spans.count, 1, text)
            XCTAssertTrue(spans.first?.hasSuffix(postcode) ?? false, "\(spans) for \(text)")
        }
        XCTAssertEqual(only(.postcode, in: "at 10 am we met; a t 1 0 a m"), [])
        XCTAssertEqual(only(.postcode, in: "Postcode NR1  3XX or NR18\t0AB."), ["NR1  3XX", "NR18\t0AB"])
    }

    func testUKPhoneFormats() {
        for written in ["(01603) 286286", "+44(0)1603 286286", "+44 (0) 1603 286286", "01603286286", "+44 1603 286286",
                        "01603 286 286", "0160 328 6286", "07700\u{00A0}900123", "+44 7700 900123", "(0161) 496 0000"] {
            XCTAssertEqual(only(.phone, in: "Call \(written) today."), [written], written)
        }
    }

    func testNHSNumbersWithWordProcessorDashesAndMixedSeparatorsAfterALabel() {
        for written in ["943\u{2013}476\u{2013}5919", "943\u{2011}476\u{2011}5919", "943\u{2010}476\u{2010}5919"] {
            XCTAssertEqual(only(.nhsNumber, in: "Ref \(written) on file."), [written], written)
        }
        XCTAssertEqual(only(.nhsNumber, in: "NHS No. 943 476-5919"), ["943 476-5919"])
        XCTAssertEqual(only(.nhsNumber, in: "Ref 943 476-5919 on file."), [], "mixed separators without a label are not an NHS number")
    }

    func testIdentifiersBehindInvisibleOrFullwidthCharacters() {
        XCTAssertEqual(only(.nhsNumber, in: "Ref \u{FF19}\u{FF14}\u{FF13} \u{FF14}\u{FF17}\u{FF16} \u{FF15}\u{FF19}\u{FF11}\u{FF19}."),
                       ["\u{FF19}\u{FF14}\u{FF13} \u{FF14}\u{FF17}\u{FF16} \u{FF15}\u{FF19}\u{FF11}\u{FF19}"])
        XCTAssertEqual(only(.nhsNumber, in: "Ref 943\u{200B}476\u{200B}5919."), ["943\u{200B}476\u{200B}5919"])
        XCTAssertEqual(only(.postcode, in: "Post to NR18\u{200B}0AB please"), ["NR18\u{200B}0AB"])
    }

    func testPhonesWithDotsAndNarrowSpacesButNotDecimals() {
        for written in ["01603.555.143", "01603\u{202F}555144", "0044 1603 555145", "01603\u{2013}555146", "01603\u{2011}555 147"] {
            XCTAssertEqual(only(.phone, in: "Call \(written) today."), [written], written)
        }
        XCTAssertEqual(only(.phone, in: "A ratio of 0.1603555143 was noted."), [])
    }

    func testAnAllowListedPhoneStaysInEveryFormat() {
        let redactor = Redactor(context: RedactionContext(allowList: ["01603 286286"]))
        for written in ["(01603) 286286", "+44(0)1603 286286", "+44 1603 286286", "01603286286", "0044 1603 286 286"] {
            XCTAssertEqual(redactor.spans(in: "The switchboard is \(written).").count, 0, written)
        }
        XCTAssertEqual(redactor.spans(in: "The ward is (01603) 286287.").count, 1, "another number on the same exchange is redacted")
        XCTAssertEqual(redactor.spans(in: "Northampton is (01604) 286286.").count, 1, "the same last digits on another exchange are redacted")
    }

    func testDatesOfBirthWithTheMonthBetweenDashesOrDots() {
        XCTAssertEqual(only(.dateOfBirth, in: "Date of birth: 14-Mar-1946."), ["14-Mar-1946"])
        XCTAssertEqual(only(.dateOfBirth, in: "DOB 14.Mar.46 (from the old system)"), ["14.Mar.46"])
    }

    func testLabelledNationalInsuranceNumbersWithUnissuedPrefixes() {
        XCTAssertEqual(only(.nino, in: "NI number: QQ 12 34 56 C"), ["QQ 12 34 56 C"])
        XCTAssertEqual(only(.nino, in: "National Insurance no. BG123456A"), ["BG123456A"])
        XCTAssertEqual(only(.nino, in: "Reference QQ 12 34 56 C"), [], "an unissued prefix without a label is not a NINO")
    }
}
