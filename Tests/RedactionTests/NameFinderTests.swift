import Redaction
import XCTest

/// Names not registered on the case, and registered first names alone.
final class NameFinderTests: XCTestCase {
    func names(_ text: String, context: RedactionContext = RedactionContext(), policy: RedactionPolicy = .standard) -> [String] {
        found(text, context: context, policy: policy).filter { $0.0 == .unregisteredName }.map(\.1)
    }

    func testTitlesAndInitials() {
        XCTAssertEqual(names("I spoke to Mrs Okafor on Tuesday."), ["Mrs Okafor"])
        XCTAssertEqual(names("Seen by Dr A. Patel and Dr. Mensah."), ["Dr A. Patel", "Dr. Mensah"])
        XCTAssertEqual(names("Staff Nurse Bell was on shift."), ["Nurse Bell"])
        XCTAssertEqual(names("MRS OKAFOR attended."), ["MRS OKAFOR"])
        XCTAssertEqual(names("Dear Sir or Madam,"), [])
    }

    func testRelationWords() {
        XCTAssertEqual(names("my son Tom drove her home"), ["Tom"])
        XCTAssertEqual(names("Our neighbour, Bob Hale, called the ambulance."), ["Bob Hale"])
        XCTAssertEqual(names("her son-in-law Gary was there"), ["Gary"])
        XCTAssertEqual(names("my friend Will came too"), ["Will"])
        XCTAssertEqual(names("the GP receptionist, Karen, said no"), ["Karen"])
    }

    func testANameAfterCalledOrNamedWhenAPersonIsMeant() {
        XCTAssertEqual(names("told by a nurse called Priya that the notes were lost"), ["Priya"])
        XCTAssertEqual(names("a man named Tariq helped"), ["Tariq"])
        XCTAssertEqual(names("a drug called Warfarin was given; a ward called Cley"), [])
    }

    func testAListedNameAfterAJobOnTheWard() {
        XCTAssertEqual(names("Nurse Practitioner Lund assessed her; HCA Baxter did the obs."), ["Lund", "Baxter"])
        XCTAssertEqual(names("the porter Dunn took her down"), ["Dunn"])
        XCTAssertEqual(names("A Consultant Anaesthetist and the Ward Manager reviewed it with the Consultant Physician."), [])
        XCTAssertEqual(names("I spoke to Mr Porter."), ["Mr Porter"], "a job that is also a surname is still a name after a title")
    }

    func testSalutationsAndSignatures() {
        XCTAssertEqual(names("Dear Priya,\nThank you."), ["Priya"])
        XCTAssertEqual(names("Hello Kevin, thanks"), ["Kevin"])
        XCTAssertEqual(names("Yours sincerely,\n\nTerry Okonjo\n"), ["Terry Okonjo"])
        XCTAssertEqual(names("Kind regards,\nZainab\n"), ["Zainab"])
        XCTAssertEqual(names("Dear Complaints Team,\nYours faithfully,\nChief Executive\n"), [])
    }

    func testTheNameListNeedsContextForEverydayWords() {
        XCTAssertEqual(names("When Arthur Bell arrived, Kevin left."), ["Arthur Bell", "Kevin"])
        XCTAssertEqual(names("Grace Brown phoned."), ["Grace Brown"])
        for text in ["Will you call me?", "May I ask for a meeting?", "Mark the date.", "Hope this helps.", "Bill me later.",
                     "Rose early.", "Grace was said.", "Frank discussion.", "Brown envelopes arrived.", "In May the ward closed.",
                     "James Paget University Hospital", "Hope Street", "Victoria Station", "Christian charity", "the Jordan valley",
                     "Patient Advice and Liaison Service", "Court of Protection"] {
            XCTAssertEqual(names(text), [], text)
        }
    }

    func testAFoundNameIsRedactedWhereverItStandsCapitalised() {
        XCTAssertEqual(names("My neighbour Arthur Bell came. Later Arthur rang; Bell did not."), ["Arthur Bell", "Arthur", "Bell"])
        XCTAssertEqual(names("Dear Will,\nWe will call."), ["Will"], "the lower-case verb stays")
    }

    func testRegisteredPeopleAndAllowListedTermsAreNotReportedHere() {
        let context = RedactionContext(people: [KnownPerson(id: "per-1", role: .relative, fullName: "Joanne Ellis"),
                                                KnownPerson(id: "per-2", role: .staff, fullName: "Alan Price", title: "Dr")],
                                       allowList: ["Sam Carter"])
        let text = "Dr Alan Price met Joanne Ellis and Sam Carter. Hello Sam, Dr Price agreed."
        XCTAssertEqual(names(text, context: context), [])
        let all = found(text, context: context)
        XCTAssertEqual(all.map(\.1), ["Joanne Ellis"], "staff and allowed names stay readable")
        XCTAssertEqual(found(text, context: context, policy: RedactionPolicy(redactStaff: true)).map(\.1), ["Dr Alan Price", "Joanne Ellis", "Dr Price"])
    }

    func testARegisteredFirstNameAloneOnceTheSurnameIsInTheText() {
        let context = RedactionContext(people: [KnownPerson(id: "per-1", role: .relative, fullName: "Joanne Ellis"),
                                                KnownPerson(id: "per-2", role: .staff, fullName: "Helen Brooks")])
        let spans = Redactor(context: context).spans(in: "Mrs Ellis was discharged. Joanne collected her. Helen said sorry.")
        let text = "Mrs Ellis was discharged. Joanne collected her. Helen said sorry."
        XCTAssertEqual(spans.map { String(text[$0.range(in: text)]) }, ["Mrs Ellis", "Joanne"], "Helen is staff: kept")
        XCTAssertEqual(spans.last?.personID, "per-1")
        XCTAssertEqual(spans.last?.kind, .personName)
        XCTAssertEqual(spans.last?.detector, "known-first-name")
        XCTAssertEqual(found("Joanne collected her.", context: context).map(\.1), [], "without the surname the first name alone stays")
        let safe = RedactionContext(people: [KnownPerson(id: "per-1", role: .relative, fullName: "Joanne Ellis", firstNameIsSafe: true)])
        XCTAssertEqual(found("Joanne collected her.", context: safe).map(\.1), ["Joanne"], "with first-name-safe always")
    }

    func testPolicyCanKeepUnregisteredNamesAndReasonsHoldNoText() {
        XCTAssertEqual(names("Dear Priya,", policy: try RedactionPolicy.parse("keep=unregistered-name")), [])
        let spans = Redactor(context: RedactionContext()).spans(in: "my son Tom, Mrs Okafor, Dear Priya,")
        XCTAssertEqual(spans.map(\.detector), ["relation-name", "titled-name", "salutation-name"])
        for span in spans { XCTAssertFalse(["Tom", "Okafor", "Priya"].contains { span.reason.contains($0) }, span.reason) }
    }

    /// "Quen-by" typed with a hyphen inside the line: the whole name goes, not "Quen" with "-by" left readable,
    /// and so does the same word repeated.
    func testAHyphenInsideANameWordKeepsTheRestOfTheWord() {
        XCTAssertEqual(names("Later Mrs Quen-by rang."), ["Mrs Quen-by"])
        let text = "our neighbour Arthur Quen-by came, and Quen-by said no; a well-known follow-up."
        XCTAssertEqual(names(text), ["Arthur Quen-by", "Quen-by"])
        XCTAssertEqual(Redactor(context: RedactionContext()).redact(text) { _ in "[X]" },
                       "our neighbour [X] came, and [X] said no; a well-known follow-up.")
        // Registered as Bartholomew Quenby: another first name with the hyphenated surname still goes whole.
        let context = RedactionContext(people: [KnownPerson(id: "per-1", role: .thirdParty, fullName: "Bartholomew Quenby")])
        XCTAssertEqual(Redactor(context: context).redact("Mr Quen-by and Arthur Quen-by.") { _ in "[X]" }, "[X] and [X].")
    }
}
