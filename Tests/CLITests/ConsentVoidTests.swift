import Foundation
import XCTest

/// Issue 19: `consent void` marks a recording mistake. It is refused to anyone outside the case, leaves the vault
/// unchanged when refused, keeps the record with its history, and no decision rests on a voided consent.
final class ConsentVoidTests: XCTestCase {
    func testVoidedConsentNoLongerCountsAndKeepsItsHistory() throws {
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        let consent = try world.recordConsent(sandbox, grantee: world.org, actions: "view_documents,ingest_document")
        _ = try world.ingest(sandbox, "letter.txt", "Dear Complaints Team,\n")
        XCTAssertEqual(try sandbox.run(["list", "--case", world.caseID]).exitCode, 0)

        // Refused to an advocate of another organisation (exit 3), and nothing changes.
        let before = try sandbox.run(["consent", "show", consent, "--json"]).stdout
        let outsider = try sandbox.run(["consent", "void", consent, "--reason", "typo", "--yes", "--as", world.partner])
        XCTAssertEqual(outsider.exitCode, 3, outsider.stderr)
        XCTAssertEqual(try sandbox.run(["consent", "show", consent, "--json"]).stdout, before)
        XCTAssertFalse(try world.auditActions(sandbox).contains("consent.void"))
        XCTAssertEqual(try sandbox.run(["consent", "void", consent, "--yes"]).exitCode, 64, "a reason is required")

        let voided = try sandbox.run(["consent", "void", consent, "--reason", "recorded on the wrong case", "--yes"])
        XCTAssertEqual(voided.exitCode, 0, voided.stderr)
        // No decision rests on it any more: reading is refused as if it had never been recorded.
        let refused = try sandbox.run(["list", "--case", world.caseID])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("R-CON-1"), refused.stderr)
        XCTAssertTrue(try sandbox.run(["consent", "list", "--case", world.caseID]).stdout.contains("voided"))
        let history = try sandbox.run(["consent", "show", consent, "--history"])
        XCTAssertTrue(history.stdout.contains("recorded by \(world.advocate)"), history.stdout)
        XCTAssertTrue(history.stdout.contains("voided by \(world.advocate): recorded on the wrong case"), history.stdout)
        XCTAssertTrue(try world.auditActions(sandbox).contains("consent.void"))
        let log = try sandbox.asManager(["audit", "log", "--json"]).stdout
        XCTAssertFalse(log.contains("wrong case"), "the reason stays sealed")
        let again = try sandbox.run(["consent", "void", consent, "--reason", "again", "--yes"])
        XCTAssertEqual(again.exitCode, 1)
        XCTAssertTrue(again.stderr.contains("already voided"), again.stderr)
        try world.assertVerifies(sandbox)
    }

    func testVoidingAWithdrawnConsentExplainsTheDifference() throws {
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        let consent = try world.recordConsent(sandbox, grantee: world.org, actions: "view_documents")
        XCTAssertEqual(try sandbox.run(["consent", "withdraw", consent, "--received-by", "phone", "--yes"]).exitCode, 0)
        let before = try sandbox.run(["consent", "show", consent, "--json"]).stdout
        let result = try sandbox.run(["consent", "void", consent, "--reason", "typo", "--yes"])
        XCTAssertEqual(result.exitCode, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("was withdrawn by the person"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Voiding is only for a consent that was recorded by mistake"), result.stderr)
        XCTAssertEqual(try sandbox.run(["consent", "show", consent, "--json"]).stdout, before, "nothing changed")
        let history = try sandbox.run(["consent", "show", consent, "--history"]).stdout
        XCTAssertTrue(history.contains("withdrawal from") && history.contains("received by phone"), history)
        XCTAssertFalse(history.contains("voided"), history)
    }
}
