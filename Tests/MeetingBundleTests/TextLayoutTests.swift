@testable import MeetingBundle
import PDFRender
import XCTest

/// Reflow of typed letters and the Markdown mapping, on the text that redaction reads and the PDF draws.
final class TextLayoutTests: XCTestCase {
    func testReflowJoinsHardWrappedParagraphsAndKeepsEverythingElse() {
        let letter = """
            12 Orchard Close
            Norwich
            NR1 3XX

            Dear Complaints Team,

            I am writing about the care my mother received on Ward 7 in March,
            which fell short of what she needed and what she had been told to
            expect by the discharge team.

            Subject: discharge
            The points are:
            - she was sent home without her medication and nobody checked on her
            - the letter went to the wrong address and arrived two weeks too late
            > quoted line from the trust's first reply that was long enough to wrap
            > and its second line
            """
        let reflowed = TextLayout.reflow(letter)
        XCTAssertEqual(reflowed.utf8.count, letter.utf8.count, "same bytes at the same offsets: redaction reads both")
        XCTAssertTrue(reflowed.contains("in March, which fell short of what she needed and what she had been told to expect by the discharge team."), reflowed)
        XCTAssertTrue(reflowed.hasPrefix("12 Orchard Close\nNorwich\nNR1 3XX\n"), "an address block keeps its lines")
        XCTAssertTrue(reflowed.contains("Subject: discharge\nThe points are:\n- she was sent"), reflowed)
        XCTAssertTrue(reflowed.contains("checked on her\n- the letter"), "list items keep their lines")
        XCTAssertTrue(reflowed.contains("to wrap\n> and"), "quoted lines keep their lines")
        XCTAssertEqual(TextLayout.reflow("a\r\nb"), "a\r\nb")
    }

    func testMarkdownIsRenderedWithoutItsMarks() {
        let laidOut = MarkdownLayout.render("""
            # Home visit

            Met **Mrs Ellis** and _her daughter_ at home.

            1. Discharge
            2. Medication
               - missing inhaler

            <script>alert(1)</script> a & b
            """)
        XCTAssertEqual(laidOut.text, """
            Home visit

            Met Mrs Ellis and her daughter at home.

            1. Discharge
            2. Medication
                • missing inhaler

            <script>alert(1)</script>

            a & b
            """, "raw HTML is printed as typed, not interpreted")
        func run(_ kind: TextEmphasis.Kind) -> [String] {
            laidOut.emphasis.filter { $0.kind == kind }.map { String(decoding: Array(laidOut.text.utf8)[$0.range], as: UTF8.self) }
        }
        XCTAssertEqual(run(.heading(1)), ["Home visit"])
        XCTAssertEqual(run(.bold), ["Mrs Ellis"])
        XCTAssertEqual(run(.italic), ["her daughter"])
    }
}
