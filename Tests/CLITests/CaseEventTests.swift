import Foundation
import XCTest

/// `case event` goes through the core's `recordCaseEvents`: the core checks the dates against what is already
/// recorded (an acknowledgement before the day the body received the complaint is refused, and nothing changes),
/// and the deadlines follow the recorded dates.
final class CaseEventTests: XCTestCase {
    func testAnAcknowledgementBeforeAnEarlierRecordedComplaintDateIsRefusedAndChangesNothing() throws {
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        XCTAssertEqual(try sandbox.run(["case", "event", world.caseID, "--complaint-date", "2025-03-10"]).exitCode, 0)
        let before = try sandbox.run(["case", "show", world.caseID, "--json"]).stdout

        // The complaint date was recorded by an earlier command: the check is on the case as it would stand.
        let early = try sandbox.run(["case", "event", world.caseID, "--acknowledged-on", "2025-03-05"])
        XCTAssertNotEqual(early.exitCode, 0)
        XCTAssertTrue(early.stderr.contains("2025-03-05 is before the day the body received the complaint (2025-03-10)"), early.stderr)
        XCTAssertFalse(early.stderr.contains("--"), "the core's message names no option: \(early.stderr)")
        XCTAssertEqual(try sandbox.run(["case", "show", world.caseID, "--json"]).stdout, before, "nothing changed")

        let onTime = try sandbox.run(["case", "event", world.caseID, "--acknowledged-on", "2025-03-12", "--json"])
        XCTAssertEqual(onTime.exitCode, 0, onTime.stderr)
        XCTAssertTrue(onTime.stdout.contains("2025-03-12"), onTime.stdout)
        // Another organisation's advocate may not record events on the case (case.change).
        let partner = try sandbox.run(["case", "event", world.caseID, "--final-response-on", "2025-05-01"],
                                      environment: ["CASEVAULT_ADVOCATE": world.partner])
        XCTAssertEqual(partner.exitCode, 3, partner.stderr)
    }
}
