import Consent
import Foundation
import XCTest

/// CONSENT-RULES.md §2, R-CAP-2 clarified 2026-12-02: an assessment counts for the complaint only when its
/// decision is `conduct NHS complaint` or contains the word "complaint" (case-insensitive).
final class CapacityDecisionTests: XCTestCase {
    func testDecisionsAboutTheComplaintCountWhateverTheirPhrasing() {
        for decision in ["conduct NHS complaint", "making a complaint", "the complaint", "Complaint about NHS care",
                         "COMPLAINT", "whether to pursue the complaint's next stage", "decisions about NHS complaints",
                         "NHS-complaint (trust-X)"] {
            XCTAssertTrue(CapacityAssessment.isAboutComplaint(decision), decision)
        }
    }

    func testOtherDecisionsDoNotCount() {
        for decision in ["manage property and finances", "where to live", "consent to medical treatment", "complainant's finances",
                         "complain", "", "  "] {
            XCTAssertFalse(CapacityAssessment.isAboutComplaint(decision), decision)
        }
        XCTAssertFalse(CapacityAssessment.isAboutComplaint(nil), "an assessment with no decision recorded cannot be shown to be about the complaint")
    }

    /// Assessments for other decisions are listed as notes: visible, but they decide nothing.
    func testSetAsideAssessmentsAreListedAsNotesThatDecideNothing() throws {
        let scenarios = try Scenario.load(Scenario.scenarioFile)
        let scenario = try XCTUnwrap(scenarios.first { $0.id == "S-99" })
        let decision = ConsentEngine().evaluate(scenario.input.request, facts: scenario.input.facts)
        XCTAssertEqual(decision.outcome, .allow)
        XCTAssertEqual(decision.ruleIDs, [.con1, .lpa1])
        let notes = decision.findings.filter(\.isNote)
        XCTAssertEqual(notes.count, 1, "\(decision.findings)")
        XCTAssertEqual(notes.first?.rule, .cap2)
        XCTAssertTrue(notes.first?.text.contains("2025-02-20") ?? false)
        XCTAssertFalse(notes.first?.text.contains("finances") ?? true, "the decision text is not repeated in the note")
        XCTAssertFalse(decision.explanation.contains { $0.contains("2025-02-20") }, "a note is not part of the explanation")

        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(decision.json().utf8)) as? [String: Any])
        let findings = try XCTUnwrap(object["findings"] as? [[String: Any]])
        let note = try XCTUnwrap(findings.first { $0["note"] as? Bool == true })
        XCTAssertEqual(note["decision"] as? String, "note")
        let decoded = try JSONDecoder().decode(Finding.self, from: JSONSerialization.data(withJSONObject: note))
        XCTAssertTrue(decoded.isNote)
    }
}
