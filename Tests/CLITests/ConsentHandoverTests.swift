import Foundation
import XCTest

/// Issue 19: `consent confirm-handover` records the R-CON-7 confirmation once, so the colleague no longer needs
/// `--acknowledge R-CON-7`; it is refused outside the case (vault unchanged) and for another organisation.
final class ConsentHandoverTests: XCTestCase {
    func testAConfirmedHandoverEndsTheAcknowledgementForThatColleague() throws {
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        let consent = try world.recordConsent(sandbox, grantee: world.advocate, actions: "view_documents,ingest_document")
        _ = try world.ingest(sandbox, "notes.md", "notes\n")

        let before = try sandbox.run(["list", "--case", world.caseID, "--as", world.colleague])
        XCTAssertEqual(before.exitCode, 3, before.stderr)
        XCTAssertTrue(before.stderr.contains("--acknowledge R-CON-7"), before.stderr)

        // Refused to someone outside the case; nothing recorded.
        let shown = try sandbox.run(["consent", "show", consent, "--json"]).stdout
        let outsider = try sandbox.run(["consent", "confirm-handover", consent, "--to", world.colleague, "--as", world.partner])
        XCTAssertEqual(outsider.exitCode, 3, outsider.stderr)
        XCTAssertEqual(try sandbox.run(["consent", "show", consent, "--json"]).stdout, shown)
        // Another organisation is a transfer (R-CON-8), not a handover.
        let partner = try sandbox.run(["consent", "confirm-handover", consent, "--to", world.partner])
        XCTAssertEqual(partner.exitCode, 1, partner.stderr)
        XCTAssertTrue(partner.stderr.contains("R-CON-8"), partner.stderr)
        XCTAssertEqual(try sandbox.run(["consent", "confirm-handover", consent, "--to", "Priya Shah", "--date", "2999-01-01"]).exitCode, 64)

        let confirmed = try sandbox.run(["consent", "confirm-handover", consent, "--to", "Priya Shah", "--date", VaultCommandsTests.yesterday])
        XCTAssertEqual(confirmed.exitCode, 0, confirmed.stderr)
        // Taking the case over, the colleague is assigned to it, and so holds its key.
        XCTAssertEqual(try sandbox.run(["case", "assign", world.caseID, world.colleague]).exitCode, 0)
        let after = try sandbox.run(["list", "--case", world.caseID, "--as", world.colleague])
        XCTAssertEqual(after.exitCode, 0, after.stderr)
        XCTAssertFalse(after.stderr.contains("R-CON-7"), "no warning, no acknowledgement: \(after.stderr)")
        XCTAssertTrue(after.stdout.contains("notes.md"), after.stdout)

        let again = try sandbox.run(["consent", "confirm-handover", consent, "--to", world.colleague])
        XCTAssertEqual(again.exitCode, 1)
        XCTAssertTrue(again.stderr.contains("already confirmed"), again.stderr)
        let history = try sandbox.run(["consent", "show", consent, "--history"]).stdout
        XCTAssertTrue(history.contains("handover to \(world.colleague) from \(VaultCommandsTests.yesterday) confirmed (recorded by \(world.advocate))"), history)
        XCTAssertTrue(try sandbox.run(["consent", "show", consent]).stdout.contains("Priya Shah"))
        XCTAssertTrue(try world.auditActions(sandbox).contains("consent.handover"))
        try world.assertVerifies(sandbox)
    }
}
