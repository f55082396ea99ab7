@testable import MeetingBundle
import PDFRender
import Redaction
import XCTest

/// The leak check on its own: a bundle page that holds nothing but a registered name hidden with one trick,
/// which redaction missed entirely (nothing was redacted anywhere), is still refused.
final class LeakCheckTricksTests: XCTestCase {
    let context = RedactionContext(people: [KnownPerson(id: "per-9", role: .thirdParty, fullName: "Bartholomew Quenby",
                                                        identifiers: ["943 476 5919"])],
                                   allowList: ["Norfolk and Norwich University Hospitals"])

    func page(with text: String) throws -> [UInt8] {
        let composer = try PDFComposer(title: "Meeting bundle")
        composer.beginPage(size: .a4)
        composer.text(text, style: TextStyle(font: "DejaVu Sans 12"), x: 60, y: 80, width: 470)
        return try composer.finish()
    }

    func leaks(in text: String) throws -> [LeakCheck.Leak] {
        let check = LeakCheck(redacted: [], context: context, policy: .standard, pageOwners: [1: "doc-1"])
        return try check.findLeaks(in: try page(with: text), rasterPages: [:], readByOCR: false, dpi: 150)
    }

    func testEachTrickOnItsOwnIsCaught() throws {
        let tricks = [
            "plain": "Visited by Bartholomew Quenby.",
            "zero-width space": "Visited by Barthol\u{200B}omew Quenby.",
            "soft hyphen": "Visited by Bartholomew Quen\u{00AD}by.",
            "Cyrillic a": "Visited by B\u{0430}rtholomew Quenby.",
            "Greek omicron": "Visited by Barthol\u{03BF}mew Quenby.",
            "combining accent": "Visited by Bartholomew Que\u{0301}nby.",
            "line-end hyphen": "Visited by Bartholomew Quen-\nby today.",
            "letter-spaced": "Visited by B A R T H O L O M E W  Q U E N B Y.",
            "identifier with dots": "Ref 943.476.5919 only.",
        ]
        for (trick, text) in tricks {
            let found = try leaks(in: text)
            XCTAssertFalse(found.isEmpty, "the leak check missed the \(trick) trick")
            XCTAssertEqual(found.first?.documentID, "doc-1", trick)
        }
    }

    func testACleanPageAndAllowListedTextPass() throws {
        XCTAssertEqual(try leaks(in: "Norfolk and Norwich University Hospitals met REDACTED: person name on 3 December 2026. Page 1 of 4"), [])
    }
}
