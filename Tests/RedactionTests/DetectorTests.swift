import Redaction
import XCTest

/// What the detectors find in `text`, as (kind, matched text) pairs: the tests read like the documents.
func found(_ text: String, context: RedactionContext = RedactionContext(), policy: RedactionPolicy = .standard) -> [(RedactionKind, String)] {
    Redactor(context: context, policy: policy).spans(in: text).map { span in
        (span.kind, String(text[span.range(in: text)]))
    }
}

func kinds(_ text: String, context: RedactionContext = RedactionContext()) -> [RedactionKind] { found(text, context: context).map(\.0) }
func strings(_ text: String, context: RedactionContext = RedactionContext()) -> [String] { found(text, context: context).map(\.1) }

final class NHSNumberDetectorTests: XCTestCase {
    func testValidNumbersInEveryLayout() {
        XCTAssertEqual(strings("Patient 9434765919 seen"), ["9434765919"])
        XCTAssertEqual(strings("NHS: 943 476 5919."), ["943 476 5919"])
        XCTAssertEqual(strings("ref 943-476-5919"), ["943-476-5919"])
        XCTAssertEqual(kinds("999 000 0018"), [.nhsNumber])
    }

    func testBadChecksumWithoutLabelIsKeptAsAReference() {
        XCTAssertEqual(strings("Complaint reference 1234567890 was logged"), [])
        XCTAssertEqual(strings("Case no. 943 476 5918"), [])
    }

    func testLabelledNumberIsRedactedEvenWithABadChecksum() {
        let spans = Redactor(context: RedactionContext()).spans(in: "NHS number: 943 476 5918")
        XCTAssertEqual(spans.map(\.kind), [.nhsNumber])
        XCTAssertEqual(spans.first?.detector, "nhs-number-label")
    }

    func testLabelVariants() {
        for text in ["NHS number: 1234567890", "NHS No. 1234567890", "nhs no 123 456 7890", "NHS# 1234567890", "Her NHS number is 1234567890"] {
            XCTAssertEqual(kinds(text), [.nhsNumber], text)
        }
        XCTAssertEqual(kinds("Ref number: 1234567890"), [], "only an NHS label makes a bad checksum count")
    }

    func testNotInsideLongerDigitRuns() {
        XCTAssertEqual(kinds("account 99434765919"), [])
        XCTAssertEqual(kinds("943476591912"), [])
        XCTAssertEqual(kinds("943 476 5919 12 items"), [])
        XCTAssertEqual(kinds("A9434765919"), [])
    }
}

final class NINODetectorTests: XCTestCase {
    func testValidNumbers() {
        XCTAssertEqual(strings("NI: AB123456C."), ["AB123456C"])
        XCTAssertEqual(strings("ni number ab 12 34 56 d"), ["ab 12 34 56 d"])
        XCTAssertEqual(kinds("JG 10 37 21 A"), [.nino])
    }

    func testExcludedPrefixesAndSuffixes() {
        for text in ["DA123456A", "FA123456A", "IA123456A", "QA123456A", "UA123456A", "VA123456A",   // first letter
                     "AD123456A", "AF123456A", "AI123456A", "AO123456A", "AQ123456A", "AU123456A", "AV123456A", // second
                     "BG123456A", "GB123456A", "KN123456A", "NK123456A", "NT123456A", "TN123456A", "ZZ123456A", // unallocated
                     "AB123456E", "AB12345C", "AB1234567C", "XAB123456C"] {
            XCTAssertEqual(kinds(text), [], text)
        }
    }
}

final class PostcodeDetectorTests: XCTestCase {
    func testEveryFormatAnyCaseWithOrWithoutSpace() {
        for code in ["M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX", "EC1A 1BB", "GIR 0AA", "nr1 3xx", "NR13XX", "sw1a2aa"] {
            XCTAssertEqual(strings("Address: 12 Orchard Close, \(code), England"), ["12 Orchard Close", code], code)
        }
    }

    func testPostcodeLikeWordsAreNot() {
        for text in ["COVID19 wave", "B2B sales", "the A11 road", "room 1A2", "QA1 1AA", "NR1 3CX", "AB12 CD", "version 2.1AA"] {
            XCTAssertEqual(kinds(text), [], text)
        }
    }
}

final class PhoneDetectorTests: XCTestCase {
    func testUKFormats() {
        for number in ["01603 123456", "01603 123 456", "(01603) 123456", "+44 1603 123456", "+44 (0)1603 123456", "0044 1603 123456",
                       "07700 900123", "07700-900-123", "+447700900123", "020 7946 0000", "(0161) 496 0000", "0161 496 0123", "0300 123 1234",
                       "0800 123 4567", "01632 960001"] {
            XCTAssertEqual(strings("Call \(number) today"), [number], number)
        }
    }

    func testDramaRangesAreStillPhoneNumbers() {
        XCTAssertEqual(kinds("mobile 07700 900461"), [.phone])
        XCTAssertEqual(kinds("tel 0161 496 0999"), [.phone])
    }

    func testNotInsideLongerDigitRunsAndNotTooShort() {
        for text in ["id 0770090012345", "x 016031234567890", "call 0160312", "12 07700 900461", "abc07700900461", "0700 123 4567"] {
            XCTAssertEqual(kinds(text), [], text)
        }
    }
}

final class EmailAndDateOfBirthTests: XCTestCase {
    func testEmails() {
        XCTAssertEqual(strings("Write to joanne.ellis+pals@example.co.uk, please."), ["joanne.ellis+pals@example.co.uk"])
        XCTAssertEqual(kinds("not@an-address"), [])
        XCTAssertEqual(kinds("@handle"), [])
    }

    func testDatesNearALabel() {
        XCTAssertEqual(strings("DOB: 14/03/1946"), ["14/03/1946"])
        XCTAssertEqual(strings("D.O.B. 14-03-46"), ["14-03-46"])
        XCTAssertEqual(strings("Date of birth 14th March 1946"), ["14th March 1946"])
        XCTAssertEqual(strings("born on March 14, 1946 in Norwich"), ["March 14, 1946"])
        XCTAssertEqual(strings("birth date: 1946-03-14"), ["1946-03-14"])
        XCTAssertEqual(strings("DOB 3 Mar 1946"), ["3 Mar 1946"])
    }

    func testDatesThatAreNotDatesOfBirth() {
        XCTAssertEqual(kinds("Letter dated 3 March 2025 about the discharge on 28/01/2025."), [])
        XCTAssertEqual(kinds("The doberman was born."), [])
        XCTAssertEqual(kinds("Reborn 12/03/2020"), [])
    }
}

final class KnownPeopleTests: XCTestCase {
    let joanne = KnownPerson(id: "per-2", role: .relative, fullName: "Joanne Ellis", addresses: ["4 Mill Lane, Wymondham"])
    let client = KnownPerson(id: "per-1", role: .client, fullName: "Margaret Ellis", firstNameIsSafe: true)
    let nurse = KnownPerson(id: "per-9", role: .staff, fullName: "Helen Brooks")

    func testSpellings() {
        let context = RedactionContext(people: [joanne])
        for text in ["Joanne Ellis", "JOANNE ELLIS", "joanne\nellis", "Joanne   Ellis", "Mrs Ellis", "Mrs. Ellis", "J. Ellis", "J Ellis",
                     "Ellis, Joanne", "Joanne Ellis's view", "Joanne Ellis’s view", "Ms Ellis"] {
            XCTAssertEqual(kinds("We met \(text) today.", context: context), [.personName], text)
        }
    }

    func testSurnameOrFirstNameAloneOnlyWhenSafe() {
        XCTAssertEqual(kinds("Ellis Road and Joanne Street", context: RedactionContext(people: [joanne])), [])
        XCTAssertEqual(strings("Margaret said", context: RedactionContext(people: [client])), ["Margaret"])
    }

    func testNamesAcrossLineBreaksAndUnicode() {
        let zoe = KnownPerson(id: "per-3", role: .thirdParty, fullName: "Zoë Ní Bhraonáin")
        let text = "Ward sister spoke to ZOE NI\nBHRAONAIN and to Zoë Ní Bhraonáin; then 07700 900461."
        let spans = found(text, context: RedactionContext(people: [zoe]))
        XCTAssertEqual(spans.map(\.0), [.personName, .personName, .phone])
        XCTAssertEqual(spans.map(\.1), ["ZOE NI\nBHRAONAIN", "Zoë Ní Bhraonáin", "07700 900461"])
    }

    func testStaffInRoleAreKeptUnlessThePolicyRedactsThem() {
        let context = RedactionContext(people: [nurse])
        XCTAssertEqual(kinds("Staff nurse Helen Brooks apologised.", context: context), [])
        XCTAssertEqual(found("Staff nurse Helen Brooks apologised.", context: context, policy: RedactionPolicy(redactStaff: true)).map(\.0), [.personName])
    }

    func testAddressesAndCustomTermsAndAllowList() {
        let context = RedactionContext(people: [joanne], customTerms: ["Ward 7B"],
                                       allowList: ["Norfolk and Norwich University Hospitals", "01603 286286"])
        let text = "Joanne lives at 4 Mill Lane,\nWymondham. She visited ward 7b. Norfolk and Norwich University Hospitals switchboard 01603 286286."
        XCTAssertEqual(found(text, context: context).map(\.0), [.address, .customTerm])
    }

    func testClientNameKeptWhenThePolicySaysSoButNotTheirIdentifiers() throws {
        let client = KnownPerson(id: "per-1", role: .client, fullName: "Margaret Ellis", identifiers: ["9990000018"])
        let policy = try RedactionPolicy.parse("keep=client-name")
        let text = "Margaret Ellis (NHS 999 000 0018) and her daughter Joanne Ellis"
        let spans = found(text, context: RedactionContext(people: [client, joanne]), policy: policy)
        XCTAssertEqual(spans.map(\.1), ["999 000 0018", "Joanne Ellis"])
    }
}

final class MergingAndPolicyTests: XCTestCase {
    func testOverlappingSpansMergeIntoTheMostSpecificKind() {
        // The address contains the postcode; the merged span is one, named by the more specific kind.
        let person = KnownPerson(id: "per-1", role: .client, fullName: "Margaret Ellis", addresses: ["12 Orchard Close, Norwich NR1 3XX"])
        let text = "Home: 12 Orchard Close, Norwich NR1 3XX."
        let spans = Redactor(context: RedactionContext(people: [person])).spans(in: text)
        XCTAssertEqual(spans.count, 1)
        XCTAssertEqual(String(text[spans[0].range(in: text)]), "12 Orchard Close, Norwich NR1 3XX")
        XCTAssertEqual(spans[0].kind, .postcode)
    }

    func testRedactMarksAndCounts() {
        let text = "Call 07700 900461 or email a@b.org, NHS 943 476 5919."
        let redactor = Redactor(context: RedactionContext())
        XCTAssertEqual(redactor.redact(text) { "[REDACTED:\($0.kind.rawValue)]" },
                       "Call [REDACTED:phone] or email [REDACTED:email], NHS [REDACTED:nhs_number].")
        XCTAssertEqual(Redactor.counts(redactor.spans(in: text)), [.phone: 1, .email: 1, .nhsNumber: 1])
    }

    func testOffsetsAreUTF8AfterMultiByteCharacters() {
        let text = "Née Zoë — café £5 — 07700 900461"
        let spans = Redactor(context: RedactionContext()).spans(in: text)
        XCTAssertEqual(spans.count, 2)
        XCTAssertEqual(Array(text.utf8)[spans[0].start..<spans[0].end], ArraySlice(Array("Zoë".utf8)), "a given name from the name list")
        XCTAssertEqual(Array(text.utf8)[spans[1].start..<spans[1].end], ArraySlice(Array("07700 900461".utf8)))
    }

    func testPolicyParsing() throws {
        XCTAssertEqual(try RedactionPolicy.parse("default"), .standard)
        let policy = try RedactionPolicy.parse("keep=client-name,postcode")
        XCTAssertTrue(policy.keepClientName)
        XCTAssertFalse(policy.redactedKinds.contains(.postcode))
        XCTAssertThrowsError(try RedactionPolicy.parse("keep=everything"))
        XCTAssertThrowsError(try RedactionPolicy.parse("show-all"))
        XCTAssertEqual(kinds("NR1 3XX"), [.postcode])
        XCTAssertEqual(found("NR1 3XX", policy: policy).count, 0)
    }

    /// The kinds' order (which kind names merged spans) is written out by hand: it must be the declaration order.
    func testKindsOrderFollowsDeclarationOrder() {
        let kinds = RedactionKind.allCases
        for (index, kind) in kinds.enumerated() {
            for (other, otherKind) in kinds.enumerated() {
                XCTAssertEqual(kind < otherKind, index < other, "\(kind) < \(otherKind)")
            }
        }
    }

    /// Spans over the same bytes merge into the first one found: "Mrs Ellis" is a spelling of both people, and the
    /// merged span names the person registered first (the order the sort of the merge must keep for ties).
    func testTiedSpansKeepTheFirstFound() {
        let people = [KnownPerson(id: "per-1", role: .client, fullName: "Margaret Ellis"),
                      KnownPerson(id: "per-2", role: .relative, fullName: "Joanne Ellis")]
        let spans = Redactor(context: RedactionContext(people: people)).spans(in: "Mrs Ellis called. Later Mrs Ellis wrote.")
        XCTAssertEqual(spans.map(\.personID), ["per-1", "per-1"])
        XCTAssertEqual(spans.map(\.start), [0, 24])
    }

    func testReasonsNeverContainTheMatchedText() {
        let person = KnownPerson(id: "per-1", role: .relative, fullName: "Joanne Ellis", addresses: ["4 Mill Lane"])
        let text = "Joanne Ellis, 4 Mill Lane, 07700 900461, j@x.org, AB123456C, NR1 3XX, DOB 01/02/1970, 943 476 5919"
        for span in Redactor(context: RedactionContext(people: [person])).spans(in: text) {
            let matched = String(text[span.range(in: text)])
            XCTAssertFalse(span.reason.contains(matched), span.reason)
            XCTAssertFalse(span.reason.lowercased().contains("joanne"), span.reason)
        }
    }
}
