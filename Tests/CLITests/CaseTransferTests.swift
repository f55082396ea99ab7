import Foundation
import XCTest

/// Issue 19: a transfer without a dead end. The partner's refusal names a command that works, the agreement is given
/// in one step (or added later by the same command), the old organisation loses access, `case show` lists the
/// history, and the case can come back the same way.
final class CaseTransferTests: XCTestCase {
    func testTransferFromRefusalToWorkingAccessAndBack() throws {
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        _ = try world.recordConsent(sandbox, grantee: world.org, actions: "view_documents,ingest_document")
        let letter = try world.ingest(sandbox, "letter.txt", "Dear Complaints Team,\n")
        let caseID = world.caseID

        // The partner is refused, and told which command would work and who runs it.
        let refused = try sandbox.run(["list", "--case", caseID, "--as", world.partner])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("R-CON-8"), refused.stderr)
        // The case as people quote it: its reference, not its id.
        let reference = try XCTUnwrap(try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))["reference"] as? String)
        XCTAssertTrue(refused.stderr.contains("casevault case transfer \(reference) --to \(world.partnerOrg) --consented"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("on case \(reference); nothing was done"), refused.stderr)
        XCTAssertFalse(refused.stderr.contains(caseID), refused.stderr)

        // Refusals change nothing: no agreement stated (a script), or someone outside the case.
        let shown = try sandbox.run(["case", "show", caseID, "--json"]).stdout
        XCTAssertEqual(try sandbox.run(["case", "transfer", caseID, "--to", "Partner Advocacy"]).exitCode, 64)
        XCTAssertEqual(try sandbox.run(["case", "transfer", caseID, "--to", "Partner Advocacy", "--consented", "--as", world.partner]).exitCode, 3)
        XCTAssertEqual(try sandbox.run(["case", "show", caseID, "--json"]).stdout, shown)

        // Transferred before the person agreed: the partner is still refused, and the output says what to run.
        let early = try sandbox.run(["case", "transfer", caseID, "--to", "Partner Advocacy", "--without-consent"])
        XCTAssertEqual(early.exitCode, 0, early.stderr)
        XCTAssertTrue(early.stderr.contains("when they agree, run: casevault case transfer \(caseID) --to \(world.partnerOrg) --consented"), early.stderr)
        XCTAssertEqual(try sandbox.run(["list", "--case", caseID, "--as", world.partner]).exitCode, 3)
        // Already there: the message says what is true and what to run.
        let again = try sandbox.run(["case", "transfer", caseID, "--to", "Partner Advocacy", "--without-consent", "--as", world.partnerManager])
        XCTAssertEqual(again.exitCode, 1, again.stderr)
        XCTAssertTrue(again.stderr.contains("is already with \(world.partnerOrg)") && again.stderr.contains("without the person's agreement"), again.stderr)
        XCTAssertTrue(again.stderr.contains("casevault case transfer \(caseID) --to \(world.partnerOrg) --consented"), again.stderr)

        // The signed agreement, in one step, with the partner's advocate assigned: the partner reads.
        try Data("I agree to my case moving to Partner Advocacy. M. Ellis\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("agreement.txt")))
        let agreed = try sandbox.run(["case", "transfer", caseID, "--to", "Partner Advocacy", "--consent-form", "agreement.txt",
                                      "--advocate", "Alex Reid", "--as", world.partnerManager])
        XCTAssertEqual(agreed.exitCode, 0, agreed.stderr)
        XCTAssertTrue(agreed.stdout.contains("already with") && agreed.stdout.contains("agreement"), agreed.stdout)
        let documents = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sandbox.run(["list", "--case", caseID, "--json", "--as", world.partner]).stdout.utf8)) as? [[String: Any]])
        let agreementDocument = try XCTUnwrap(documents.first { $0["name"] as? String == "agreement.txt" }?["id"] as? String)
        let kept = try sandbox.run(["document", "remove", agreementDocument, "--reason", "tidy", "--yes", "--as", world.partnerManager])
        XCTAssertEqual(kept.exitCode, 1, kept.stderr)
        XCTAssertTrue(kept.stderr.contains("signed agreement to a transfer"), kept.stderr)
        let reading = try sandbox.run(["cat", letter, "--as", world.partner])
        XCTAssertEqual(reading.exitCode, 0, reading.stderr)
        XCTAssertEqual(reading.stdout, "Dear Complaints Team,\n")
        let twice = try sandbox.run(["case", "transfer", caseID, "--to", "Partner Advocacy", "--consented", "--as", world.partnerManager])
        XCTAssertEqual(twice.exitCode, 1)
        XCTAssertTrue(twice.stderr.contains("with the person's agreement); nothing was changed"), twice.stderr)

        // The organisation the case left has lost it: its advocate and its manager are refused.
        let old = try sandbox.run(["cat", letter])
        XCTAssertEqual(old.exitCode, 3, old.stderr)
        XCTAssertTrue(old.stderr.contains("no longer acts on it"), old.stderr)
        XCTAssertEqual(try sandbox.asManager(["list", "--case", caseID]).exitCode, 3)

        // History: both steps, in order.
        let history = try sandbox.run(["case", "show", caseID, "--as", world.partner])
        XCTAssertEqual(history.exitCode, 0, history.stderr)
        let lines = history.stdout.split(separator: "\n").filter { $0.contains(" -> ") }
        XCTAssertEqual(lines.count, 2, history.stdout)
        XCTAssertTrue(lines.first?.hasSuffix("without the person's agreement") ?? false, history.stdout)
        XCTAssertTrue(lines.last?.hasSuffix("with the person's agreement") ?? false, history.stdout)

        // And back: the partner returns it with the person's agreement; the first organisation works again, the partner no longer.
        let back = try sandbox.run(["case", "transfer", caseID, "--to", world.org, "--consented", "--advocate", "Sam Carter", "--as", world.partner])
        XCTAssertEqual(back.exitCode, 0, back.stderr)
        XCTAssertEqual(try sandbox.run(["cat", letter]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["cat", letter, "--as", world.partner]).exitCode, 3)
        XCTAssertEqual(try world.auditActions(sandbox).filter { $0 == "case.transfer" }.count, 3)
        let listed = try XCTUnwrap(try sandbox.json(try sandbox.run(["case", "show", caseID, "--json"]))["transfers"] as? [[String: Any]])
        XCTAssertEqual(listed.compactMap { $0["consented"] as? Bool }, [false, true, true])
        XCTAssertEqual(listed.last?["to_org"] as? String, world.org)
        try world.assertVerifies(sandbox)
    }
}
