import Redaction
import XCTest

/// The address detector: street lines, flats, and address blocks above a postcode; and what is not an address.
final class AddressDetectorTests: XCTestCase {
    func addresses(_ text: String, context: RedactionContext = RedactionContext()) -> [String] {
        found(text, context: context).filter { $0.0 == .address }.map(\.1)
    }

    func testStreetLinesWithTheTownAfterAComma() {
        XCTAssertEqual(addresses("The trust wrote to 14 Mill Lane, Wymondham about it."), ["14 Mill Lane, Wymondham"])
        XCTAssertEqual(addresses("She lives at 3a St John's Road with her son."), ["3a St John's Road"])
        XCTAssertEqual(addresses("Send it to 221B Baker Street, London, please."), ["221B Baker Street, London"])
        XCTAssertEqual(addresses("moved to 14-16 High St. last year"), ["14-16 High St."])
        XCTAssertEqual(addresses("at 4 The Green, Hethersett."), ["4 The Green, Hethersett"])
        XCTAssertEqual(addresses("12 OAK AVENUE"), ["12 OAK AVENUE"])
        XCTAssertEqual(addresses("visited 7 Elm Gdns on Monday"), ["7 Elm Gdns"])
    }

    func testFlatsWithOrWithoutAStreet() {
        XCTAssertEqual(addresses("He has moved into Flat 3 since March."), ["Flat 3"])
        XCTAssertEqual(addresses("Apartment 12B was cold."), ["Apartment 12B"])
        XCTAssertEqual(addresses("Flat 2, 14 Mill Lane, Wymondham"), ["Flat 2, 14 Mill Lane, Wymondham"])
        XCTAssertEqual(addresses("her flat is Flat 3, Rose Court, Norwich."), ["Flat 3, Rose Court, Norwich"])
        XCTAssertEqual(addresses("a flat 3 miles away"), [], "lower-case 'flat' before a number is not a flat line")
    }

    func testTheLinesOfABlockAboveAPostcode() {
        let letter = "Mr Arthur Bell\nRose Cottage\nChurch Loke\nLittle Melton\nNR9 3AB\n\nDear Mr Bell,\n"
        let spans = found(letter)
        let lines = spans.map(\.1)
        for line in ["Rose Cottage", "Church Loke", "Little Melton", "NR9 3AB"] {
            XCTAssertTrue(lines.contains(line), "\(line) should be redacted: \(lines)")
        }
        XCTAssertTrue(lines.contains { $0.contains("Arthur Bell") })
    }

    func testABlockStopsAtALetterheadOrProse() {
        let letter = "Colney Medical Practice\nCromer Road\nNorwich\nNR1 3AB\n"
        XCTAssertEqual(addresses(letter), ["Cromer Road", "Norwich"], "the practice's name is not an address line")
        let prose = "We agreed that the discharge was too late and she moved\nNR1 3AB\n"
        XCTAssertEqual(addresses(prose), [])
    }

    func testAllowListedAddressStaysReadable() {
        let context = RedactionContext(allowList: ["Colney Lane, Norwich NR4 7UY", "1 Trust Way, Norwich"])
        let letterhead = "Norfolk and Norwich University Hospitals NHS Foundation Trust\nColney Lane\nNorwich\nNR4 7UY\n"
        XCTAssertEqual(found(letterhead, context: context).map(\.1), [])
        XCTAssertEqual(addresses("Write to 1 Trust Way, Norwich or to 14 Mill Lane, Wymondham.", context: context), ["14 Mill Lane, Wymondham"])
    }

    func testThingsThatAreNotAddresses() {
        for text in ["The Way forward is agreed.", "an application to the Court of Protection", "She was on St Mary's ward.",
                     "on 3 March Dr Patel saw her", "We paid £14 Park and Ride", "It cost 1,200 Green Shield stamps",
                     "Ward 7B, bay 3", "on 14 March 2025 at 11pm",
                     "the 2 Court hearings", "3 Hill"] {
            XCTAssertEqual(addresses(text), [], text)
        }
    }

    func testReasonNamesNoText() {
        let spans = Redactor(context: RedactionContext()).spans(in: "Flat 2, 14 Mill Lane, Wymondham")
        XCTAssertEqual(spans.map(\.detector), ["street-address"])
        XCTAssertFalse(spans[0].reason.contains("Mill"))
    }

    /// "14<ZWSP>Mill Lane": the zero-width space is gone from the text the detector reads, leaving the number
    /// run into the street name; the span covers the original, invisible character included.
    func testAHouseNumberRunIntoTheStreetName() {
        let text = "The trust wrote to 14\u{200B}Mill Lane, Wymondham about it."
        XCTAssertEqual(addresses(text), ["14\u{200B}Mill Lane, Wymondham"])
        let redacted = Redactor(context: RedactionContext()).redact(text) { _ in "[X]" }
        XCTAssertEqual(redacted, "The trust wrote to [X] about it.")
        XCTAssertEqual(addresses("Send it to 14Mill Lane please."), ["14Mill Lane"])
        XCTAssertEqual(addresses("It cost 14Million pounds and 3Pm was late; 2Fast Road works."), ["2Fast Road"])
        XCTAssertEqual(addresses("we paid 14Million for the new Ward last year"), [])
    }
}
