import Redaction
import XCTest

/// Tricks that lean on the finders looking for capitals and exact letters: names and addresses typed in
/// lower case, a capital I typed for an l, South Asian names, a name run into the e-mail address after it,
/// and a listed surname after a job word that names a place, not a person.
final class CarelessSpellingTests: XCTestCase {
    let platt = KnownPerson(id: "per-platt", role: .witness, fullName: "Margaret Platt")
    let ellis = KnownPerson(id: "per-ellis", role: .client, fullName: "Margaret Ellis", title: "Mrs")
    var context: RedactionContext { RedactionContext(people: [platt, ellis]) }

    func testLowerCaseTitlesAndNamesAreFound() {
        XCTAssertEqual(strings("then dr okonjo came back"), ["dr okonjo"])
        XCTAssertEqual(strings("I asked mrs. adeyemi twice"), ["mrs. adeyemi"])
        XCTAssertEqual(strings("Seen by Dr okonjo, then by mr Hughes."), ["Dr okonjo", "Hughes"])
        XCTAssertEqual(strings("dr amara okonjo rang"), ["dr amara okonjo"], "a listed given name takes the surname after it")
        XCTAssertEqual(strings("mrs platt said so, and so did Mrs platt", context: context), ["mrs platt", "Mrs platt"])
        XCTAssertEqual(strings("We met dr okonjo. Okonjo was kind."), ["dr okonjo", "Okonjo"], "found again where capitalised")
    }

    func testLowerCaseTitlesBeforeOrdinaryWordsAreNotNames() {
        XCTAssertEqual(strings("the dr said it was fine and the mrs agreed"), [])
        XCTAssertEqual(strings("I miss my mum; we spoke on ms teams; mr and mrs came"), [])
        XCTAssertEqual(strings("she had a dr appointment on monday"), [])
        XCTAssertEqual(strings("Lord knows why; Sir was not told"), [])
        XCTAssertEqual(strings("I miss London and mrs Okonjo misses Lagos"), ["Okonjo"])
        XCTAssertEqual(strings("Miss adeyemi rang"), ["Miss adeyemi"])
    }

    func testLowerCaseStreetAddressesAreFound() {
        XCTAssertEqual(strings("the trust wrote to 14 mill lane, wymondham about it"), ["14 mill lane, wymondham"])
        XCTAssertEqual(strings("she lives at 3 st john's road."), ["3 st john's road"])
        XCTAssertEqual(strings("send it to 22 orchard close, norwich."), ["22 orchard close, norwich"])
        XCTAssertEqual(strings("2 quay street"), ["2 quay street"])
    }

    /// Street words that are everyday words too: a street when a town follows after a comma, or a postcode.
    func testLowerCaseStreetsEndingInEverydayStreetWords() {
        XCTAssertEqual(strings("the trust wrote to 14 mill way, wymondham about it"), ["14 mill way, wymondham"])
        XCTAssertEqual(strings("she moved to 2 park walk, norwich."), ["2 park walk, norwich"])
        XCTAssertEqual(strings("post it to 7 cedar drive, diss"), ["7 cedar drive, diss"])
        XCTAssertEqual(strings("9 sea view nr27 9aa"), ["9 sea view nr27 9aa"])
    }

    func testEverydayStreetWordsInProseAreNotAddresses() {
        XCTAssertEqual(strings("after 3 attempts he gave way, then left"), [])
        XCTAssertEqual(strings("we had 2 dogs to walk, and a cat"), [])
        XCTAssertEqual(strings("it was 1 long drive home"), [])
        XCTAssertEqual(strings("room 4 had a lovely view of the sea"), [])
    }

    func testLowerCaseProseAfterANumberIsNotAnAddress() {
        XCTAssertEqual(strings("I walked 3 miles down the road"), [])
        XCTAssertEqual(strings("after 2 days on the ward and a 20 minute drive home"), [])
        XCTAssertEqual(strings("the 2 of them were very close"), [])
    }

    func testCapitalIForLowerCaseLInARegisteredName() {
        XCTAssertEqual(strings("I wrote to Mrs EIIis about it.", context: context), ["Mrs EIIis"])
        XCTAssertEqual(strings("Margaret PIatt and Margaret ElIis were there.", context: context), ["Margaret PIatt", "Margaret ElIis"])
        XCTAssertEqual(strings("PIATT M signed", context: context), ["PIATT M"])
        XCTAssertEqual(found("Ian Ellison was the ward clerk", context: context).map(\.0), [.unregisteredName],
                       "an I that is an I is not the registered Ellis (the name list finds the clerk)")
    }

    /// The digit one typed for an l, as the capital I is ("E11is"), and mixed.
    func testDigitOneForLowerCaseLInARegisteredName() {
        XCTAssertEqual(found("I wrote to Mrs E11is about it.", context: context).map(\.0), [.personName])
        XCTAssertEqual(strings("I wrote to Mrs E11is about it.", context: context), ["Mrs E11is"])
        XCTAssertEqual(strings("Margaret P1att and Margaret E1Iis were there.", context: context), ["Margaret P1att", "Margaret E1Iis"])
        XCTAssertEqual(strings("Seen at 11am in bay 1, then 1st floor.", context: context), [], "digit ones that spell no name are left")
    }

    /// Every l of a name may be swapped, in any mix: a name with four l's written with three of them as I or 1.
    func testMoreThanTwoLookalikesInOneName() {
        let hallwell = KnownPerson(id: "per-hallwell", role: .thirdParty, fullName: "Lily Hallwell")
        let context = RedactionContext(people: [hallwell])
        XCTAssertEqual(strings("Mr HaIIweIl called.", context: context), ["Mr HaIIweIl"])
        XCTAssertEqual(strings("Lily Ha1IwelI called.", context: context), ["Lily Ha1IwelI"])
        XCTAssertEqual(strings("LiIy HAIIWELL called.", context: context), ["LiIy HAIIWELL"])
        XCTAssertEqual(found("Mr HaIIweIl called.", context: context).map(\.0), [.personName])
    }

    func testSouthAsianNamesFromTheNameList() {
        XCTAssertEqual(strings("Priya Sharma visited on the Sunday."), ["Priya Sharma"])
        XCTAssertEqual(strings("Anjali Kaur and Mohammed Iqbal both called."), ["Anjali Kaur", "Mohammed Iqbal"])
        XCTAssertEqual(strings("Fatima Begum was in the next bed."), ["Fatima Begum"])
        XCTAssertEqual(strings("Priya came at ten."), ["Priya"])
    }

    /// Common Punjabi, Gujarati, Pakistani and Bengali names that none of the open lists holds (NameListSupplement).
    func testSouthAsianNamesMissingFromTheOpenLists() {
        XCTAssertEqual(strings("Harpreet Kaur rang the ward twice."), ["Harpreet Kaur"])
        XCTAssertEqual(strings("Sandeep came at ten, then Rajesh."), ["Sandeep", "Rajesh"])
        XCTAssertEqual(strings("My neighbour Imran Hussain drove her in."), ["Imran Hussain"])
        XCTAssertEqual(strings("Gurpreet and Sunita Mistry were told nothing."), ["Gurpreet", "Sunita Mistry"])
        XCTAssertEqual(strings("Tariq said Deepak had left."), ["Tariq", "Deepak"])
        XCTAssertEqual(strings("the sheikh of the mosque visited"), [], "a surname that is an everyday word stays readable in prose")
    }

    func testASurnameAndInitialBeforeAnEmailAddress() {
        XCTAssertEqual(strings("Copy in Okonjo A amara.okonjo@nhs.net please."), ["Okonjo A", "amara.okonjo@nhs.net"])
        XCTAssertEqual(strings("Copy in Okonjo A.amara.okonjo@nhs.net please."), ["Okonjo", "A.amara.okonjo@nhs.net"])
        XCTAssertEqual(strings("From: Hughes Kkaren.hughes@nhs.net"), ["Hughes", "Kkaren.hughes@nhs.net"])
        XCTAssertEqual(strings("Contact Amara Okonjo a.okonjo@nhs.net"), ["Amara Okonjo", "a.okonjo@nhs.net"])
        XCTAssertEqual(strings("Write to PALS pals@example.nhs.uk"), ["pals@example.nhs.uk"], "a body's name is not a person's")
        let allowed = RedactionContext(allowList: ["Sam Carter"])
        XCTAssertEqual(strings("Sam Carter sam.carter@example.org", context: allowed), ["sam.carter@example.org"])
    }

    func testAListedSurnameAfterAJobWordThatNamesAPlace() {
        XCTAssertEqual(strings("Ward Manager Brown said the notes were lost."), ["Brown"])
        XCTAssertEqual(strings("the Practice Manager Green Lane Surgery rang"), [])
        XCTAssertEqual(strings("the Practice Manager at Brown Street Surgery rang"), [])
    }
}

/// The capital-I spellings multiply a case's phrases: a large case with l-heavy names must still build.
final class CapitalISpellingLimitTests: XCTestCase {
    func testAThousandPeopleWithManyLsStillBuildAndMatch() {
        let people = (0..<1000).map { KnownPerson(id: "per-\($0)", role: .thirdParty, fullName: "Llewellyn\($0) Hallwell\($0)") }
        let text = "I met Mr LIewellyn7 Hallwell7 and Llewellyn8 Hallwell8."
        XCTAssertEqual(strings(text, context: RedactionContext(people: people)), ["Mr LIewellyn7 Hallwell7", "Llewellyn8 Hallwell8"])
        // The last person registered too (capital-I spellings were listed per name up to 20,000 a case: about 60 people).
        XCTAssertEqual(strings("Mr LIeweIIyn999 HaIIwell999 rang.", context: RedactionContext(people: people)), ["Mr LIeweIIyn999 HaIIwell999"])
    }

    /// More distinct word pairs than 16 bits count (a partnership's vault can register tens of thousands of people):
    /// the phrase table once trapped at 65,535; it must build and still find the last person registered.
    func testMoreThanSixtyFiveThousandPhrasesBuildAndMatch() {
        let people = (0..<70_000).map { KnownPerson(id: "per-\($0)", role: .thirdParty, fullName: "Given\($0) Family\($0)") }
        let text = "Present: Given69999 Family69999 and Given12 Family12."
        XCTAssertEqual(strings(text, context: RedactionContext(people: people)), ["Given69999 Family69999", "Given12 Family12"])
    }
}
