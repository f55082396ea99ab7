import Foundation
import VaultModel
import XCTest

final class VaultModelTests: XCTestCase {
    /// Ids are stored and exchanged as the bare text they were before they had types: a vault, an audit log or a
    /// script written earlier reads the same.
    func testATypedIDEncodesAsItsBareText() throws {
        let id = CaseID("case-0123456789abcdef")
        let encoded = try JSONEncoder().encode(["case": id])
        XCTAssertEqual(String(decoding: encoded, as: UTF8.self), #"{"case":"case-0123456789abcdef"}"#)
        let decoded = try JSONDecoder().decode([String: CaseID].self, from: encoded)
        XCTAssertEqual(decoded["case"], id)
        XCTAssertEqual("\(id)", "case-0123456789abcdef")
        XCTAssertEqual(CaseID.raw([id, "case-2"]), ["case-0123456789abcdef", "case-2"])
    }

    func testIDsOfDifferentKindsAreDifferentTypes() {
        // The point of the types: a person's id is not a case's. Only a run-time check of the metatypes is possible
        // here (mixing them is a compile error, which a test cannot contain).
        XCTAssertFalse(CaseID.self == PersonID.self)
        XCTAssertFalse(DocumentID.self == RecordID.self)
        XCTAssertEqual(IDTag.Case.prefix, "case")
        XCTAssertEqual(IDTag.Person.prefix, "per")
        XCTAssertEqual(IDTag.Document.prefix, "doc")
        XCTAssertLessThan(DocumentID("doc-a"), DocumentID("doc-b"))
    }

    /// Examples from the NHS Data Dictionary's modulus-11 rule, worked by hand.
    func testTheNHSNumberCheck() {
        XCTAssertTrue(NHSNumberCheck.isValid([9, 4, 3, 4, 7, 6, 5, 9, 1, 9]))
        XCTAssertFalse(NHSNumberCheck.isValid([9, 4, 3, 4, 7, 6, 5, 9, 1, 8]), "a wrong check digit")
        XCTAssertFalse(NHSNumberCheck.isValid([9, 4, 3, 4, 7, 6, 5, 9, 1]), "nine digits")
        XCTAssertFalse(NHSNumberCheck.isValid([9, 4, 3, 4, 7, 6, 5, 9, 1, 19]), "not a digit")
        // 0000000000: sum 0, check 11 → 0, valid by the rule.
        XCTAssertTrue(NHSNumberCheck.isValid(Array(repeating: 0, count: 10)))
        // First nine 100000001: sum 10·1 + 2·1 = 12, 11 − 1 = 10 → no valid number starts so.
        XCTAssertNil(NHSNumberCheck.checkDigit(forFirstNine: [1, 0, 0, 0, 0, 0, 0, 0, 1]))
        XCTAssertEqual(NHSNumberCheck.checkDigit(forFirstNine: [9, 4, 3, 4, 7, 6, 5, 9, 1]), 9)
        XCTAssertEqual(NHSNumberCheck.digits(of: "943 476 5919"), "9434765919")
        XCTAssertEqual(NHSNumberCheck.digits(of: "943-476-5919"), "9434765919")
        XCTAssertNil(NHSNumberCheck.digits(of: "943 476 5918"))
        XCTAssertNil(NHSNumberCheck.digits(of: "９４３４７６５９１９"), "fullwidth digits are not typed input")
    }

    func testUniquedKeepsTheFirstOrder() {
        XCTAssertEqual(["b", "a", "b", "c", "a"].uniqued(), ["b", "a", "c"])
        XCTAssertEqual([Int]().uniqued(), [])
    }

    func testVocabularyKeepsItsStoredWords() {
        // These words are in vault.db rows and MAC'd audit lines: renaming a case would orphan them.
        XCTAssertEqual(DocumentKind(rawValue: "meeting_notes"), .meetingNotes)
        XCTAssertEqual(DocumentKind.authorityEvidence.rawValue, "authority_evidence")
        XCTAssertEqual(CaseStatus(rawValue: "open"), .open)
        XCTAssertEqual(CaseStatus.allCases.map(\.rawValue), ["open", "closed", "erased"])
        XCTAssertEqual(AccountRole.allCases.map(\.rawValue), ["advocate", "manager", "admin"])
        XCTAssertEqual(AuditOutcome.allCases.map(\.rawValue), ["success", "failure", "refused", "duplicate"])
    }
}
