import Redaction
import XCTest

/// The presets and the `keep-client=` clause: the client's own date of birth and NHS number stay, in any of the
/// ways dates are written; anyone else's do not.
final class PolicyPresetTests: XCTestCase {
    private let client = KnownPerson(id: "per-1", role: .client, fullName: "Margaret Ellis", identifiers: ["943 476 5919"], dateOfBirth: "1946-03-14")
    private let husband = KnownPerson(id: "per-2", role: .relative, fullName: "Arthur Ellis", identifiers: ["401 023 2137"], dateOfBirth: "1944-05-02")

    func testTrustMeetingKeepsOnlyTheClientsOwnDetails() throws {
        let policy = try RedactionPolicy.parse("trust-meeting")
        XCTAssertTrue(policy.keepClientName)
        XCTAssertEqual(policy.keptClientDetails, [.dateOfBirth, .nhsNumber])
        let context = RedactionContext(people: [client, husband])
        for kept in ["DOB 14/03/1946", "date of birth: 14th March 1946", "born March 14, 1946", "D.O.B. 1946-03-14", "DOB 14-03-46"] {
            XCTAssertEqual(found(kept, context: context, policy: policy).map(\.1), [], kept)
        }
        let text = "Margaret Ellis (NHS 9434765919, DOB 14/03/1946) and her husband Arthur Ellis (NHS 401 023 2137, DOB 02/05/1944)"
        XCTAssertEqual(found(text, context: context, policy: policy).map(\.1), ["Arthur Ellis", "401 023 2137", "02/05/1944"])
        // The same date for someone else is still a date of birth of someone else only when it is not the client's:
        // a relative born on another day stays redacted in every form.
        XCTAssertEqual(found("born 2 May 1944", context: context, policy: policy).map(\.1), ["2 May 1944"])
    }

    func testTheKeptNameIsNotRedactedAsTheFirstLineOfAnAddress() throws {
        let text = "Margaret Ellis\n12 Orchard Close\nNorwich NR1 3XX\n"
        let context = RedactionContext(people: [client])
        XCTAssertTrue(found(text, context: context).map(\.1).contains { $0.contains("Margaret Ellis") }, "redacted by default")
        let kept = found(text, context: context, policy: try RedactionPolicy.parse("trust-meeting")).map(\.1)
        XCTAssertFalse(kept.contains { $0.contains("Margaret") }, "\(kept)")
        XCTAssertTrue(kept.contains { $0.contains("NR1 3XX") }, "the address itself is still redacted: \(kept)")
    }

    func testThirdPartyRedactsThePatientAndStaff() throws {
        let policy = try RedactionPolicy.parse("third-party")
        XCTAssertFalse(policy.keepClientName)
        XCTAssertTrue(policy.redactStaff)
        let nurse = KnownPerson(id: "per-3", role: .staff, fullName: "Helen Brooks")
        let text = "Margaret Ellis (NHS 943 476 5919, DOB 14/03/1946) was seen by Helen Brooks."
        XCTAssertEqual(found(text, context: RedactionContext(people: [client, nurse]), policy: policy).map(\.1),
                       ["Margaret Ellis", "943 476 5919", "14/03/1946", "Helen Brooks"])
    }

    func testPolicyFilesAndErrors() throws {
        let file = "# for the solicitor\nthird-party\n\nkeep-client=name   # she agreed to be named\n"
        let policy = try RedactionPolicy.parse(file)
        XCTAssertTrue(policy.keepClientName && policy.redactStaff)
        XCTAssertEqual(policy.keptClientDetails, [])
        XCTAssertEqual(try RedactionPolicy.parse("default; keep=client-name"), try RedactionPolicy.parse("keep-client=name"))
        XCTAssertThrowsError(try RedactionPolicy.parse("keep-client=address")) { error in
            XCTAssertEqual(error as? RedactionPolicyError, .unknownClientDetail("address"))
        }
        XCTAssertThrowsError(try RedactionPolicy.parse("trust-meting")) { error in
            XCTAssertTrue(String(describing: error).contains("trust-meeting"))
        }
    }
}
