import Foundation
import XCTest

/// Issue 19: each case gets a reference per organisation (PREFIX-YYYY-NNNN) that works wherever a case id does, the
/// prefix is set by the organisation, and the NHS body's own reference is recorded sealed and shown by `case show`.
final class CaseReferenceTests: XCTestCase {
    func testReferencesAreGivenUsableAndTheirReferenceIsSealed() throws {
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        let year = String(ISO8601DateFormatter().string(from: Date()).prefix(4))
        let first = try XCTUnwrap(try sandbox.json(try sandbox.run(["case", "show", world.caseID, "--json"]))["reference"] as? String)
        XCTAssertEqual(first, "NCA-\(year)-0001", "the prefix is made from the organisation's name")
        let second = try ConsentWorld.id(sandbox, ["case", "open", "--client", world.client, "--org", world.org, "--advocate", world.advocate])
        XCTAssertEqual(try sandbox.json(try sandbox.run(["case", "show", second, "--json"]))["reference"] as? String, "NCA-\(year)-0002")
        XCTAssertTrue(try sandbox.run(["case", "list"]).stdout.contains("NCA-\(year)-0002"))

        // The reference (in any letter case) works where the id does.
        XCTAssertEqual(try sandbox.run(["note", "add", "--case", first.lowercased(), "Phoned the ward."]).exitCode, 0)
        XCTAssertTrue(try sandbox.run(["note", "list", "--case", world.caseID]).stdout.contains("Phoned the ward."))
        XCTAssertEqual(try sandbox.run(["case", "event", first, "--acknowledged-on", "2025-03-05"]).exitCode, 0)
        _ = try world.recordConsent(sandbox, grantee: world.org, actions: "view_documents,check_deadlines")
        XCTAssertEqual(try sandbox.run(["consent", "list", "--case", first]).exitCode, 0)
        // Listings show the reference in place of the id (the consent's form is the case's one document).
        XCTAssertTrue(try sandbox.run(["list", "--case", first]).stdout.contains(first))
        let deadlines = try sandbox.run(["deadlines", "--case", first])
        XCTAssertEqual(deadlines.exitCode, 0, deadlines.stderr)
        XCTAssertTrue(deadlines.stdout.contains(first), deadlines.stdout)
        let unknown = try sandbox.run(["case", "show", "NCA-1999-0042"])
        XCTAssertEqual(unknown.exitCode, 1)
        XCTAssertTrue(unknown.stderr.contains("no case has the id or reference 'NCA-1999-0042'"), unknown.stderr)

        // The prefix: set by an administrator or the organisation's own manager, never by another organisation.
        XCTAssertEqual(try sandbox.run(["org", "update", "Partner Advocacy", "--case-prefix", "PA"]).exitCode, 3, "an advocate of another organisation")
        XCTAssertEqual(try sandbox.run(["org", "update", "Partner Advocacy", "--case-prefix", "p"], environment: ["CASEVAULT_ADVOCATE": world.partnerManager]).exitCode, 1)
        let set = try sandbox.run(["org", "update", "Partner Advocacy", "--case-prefix", "pas"], environment: ["CASEVAULT_ADVOCATE": world.partnerManager])
        XCTAssertEqual(set.exitCode, 0, set.stderr)
        sandbox.environment["CASEVAULT_ADVOCATE"] = world.partner
        let partnerClient = try ConsentWorld.id(sandbox, ["person", "add", "--name", "Joan Platt", "--dob", "1950-01-02"])
        let partnerCase = try ConsentWorld.id(sandbox, ["case", "open", "--client", partnerClient, "--org", world.partnerOrg, "--advocate", world.partner])
        XCTAssertEqual(try sandbox.json(try sandbox.run(["case", "show", partnerCase, "--json"]))["reference"] as? String, "PAS-\(year)-0001")
        sandbox.environment["CASEVAULT_ADVOCATE"] = world.advocate

        // The NHS body's reference: refused outside the case (nothing changes), sealed on disk, shown by case show.
        let before = try sandbox.run(["case", "show", first, "--json"]).stdout
        XCTAssertEqual(try sandbox.run(["case", "update", first, "--their-reference", "CMP/2025/0917", "--as", world.partner]).exitCode, 3)
        XCTAssertEqual(try sandbox.run(["case", "show", first, "--json"]).stdout, before)
        let updated = try sandbox.run(["case", "update", first, "--their-reference", "CMP/2025/0917"])
        XCTAssertEqual(updated.exitCode, 0, updated.stderr)
        XCTAssertTrue(try sandbox.run(["case", "show", first]).stdout.contains("CMP/2025/0917"))
        for path in DocumentRemoveTests.files(under: sandbox.path("vault")) {
            XCTAssertNil(FileManager.default.contents(atPath: path)?.range(of: Data("CMP/2025/0917".utf8)), "\(path) holds the reference in clear")
        }
        XCTAssertFalse(try sandbox.asManager(["audit", "log", "--json"]).stdout.contains("CMP/2025"))
        try world.assertVerifies(sandbox)
    }

    /// A case can be named by its client: one case is found, two are listed to choose from, and a name typed by
    /// someone who may not read the case finds nothing (the same message as a name no one has).
    func testACaseCanBeNamedByItsClientAndAmbiguityListsTheReferences() throws {
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        let reference = try XCTUnwrap(try sandbox.json(try sandbox.run(["case", "show", world.caseID, "--json"]))["reference"] as? String)
        let byName = try sandbox.run(["note", "add", "--case", "Mrs Ellis", "Phoned the ward."])
        XCTAssertEqual(byName.exitCode, 0, byName.stderr)
        XCTAssertTrue(try sandbox.run(["note", "list", "--case", world.caseID]).stdout.contains("Phoned the ward."))
        XCTAssertEqual(try sandbox.json(try sandbox.run(["case", "show", "margaret ellis", "--json"]))["id"] as? String, world.caseID)

        // Someone who may not read her case: told nothing more than about a name no one has.
        let outsider = try sandbox.run(["case", "show", "Margaret Ellis"], environment: ["CASEVAULT_ADVOCATE": world.partner])
        let nobody = try sandbox.run(["case", "show", "Nobody Atall"], environment: ["CASEVAULT_ADVOCATE": world.partner])
        XCTAssertEqual(outsider.exitCode, 1, outsider.stderr)
        XCTAssertEqual(outsider.stderr.replacingOccurrences(of: "Margaret Ellis", with: "X"), nobody.stderr.replacingOccurrences(of: "Nobody Atall", with: "X"))
        XCTAssertFalse(outsider.stderr.contains(reference), outsider.stderr)

        // A second case for her: the name no longer picks one, and both references are offered; nothing is written.
        let second = try ConsentWorld.id(sandbox, ["case", "open", "--client", world.client, "--org", world.org, "--advocate", world.advocate])
        let secondReference = try XCTUnwrap(try sandbox.json(try sandbox.run(["case", "show", second, "--json"]))["reference"] as? String)
        let ambiguous = try sandbox.run(["note", "add", "--case", "Margaret Ellis", "Second note."])
        XCTAssertEqual(ambiguous.exitCode, 1, ambiguous.stderr)
        XCTAssertTrue(ambiguous.stderr.contains("matches 2 cases") && ambiguous.stderr.contains(reference) && ambiguous.stderr.contains(secondReference),
                      ambiguous.stderr)
        for caseID in [world.caseID, second] {
            XCTAssertFalse(try sandbox.run(["note", "list", "--case", caseID]).stdout.contains("Second note."))
        }
        try world.assertVerifies(sandbox)
    }
}
