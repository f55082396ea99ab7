import Foundation
import XCTest

/// `advocate confirm` and `identity show`: a manager an administrator adds to an organisation with members reads no
/// case until a manager of the organisation confirms it with the fingerprint the person reads from their own file;
/// every other attempt exits 3, is audited and changes nothing.
final class AccountConfirmationCommandsTests: XCTestCase {
    /// The consent world (Sam's case with a letter; Lee manages the organisation) and a manager the administrator adds
    /// afterwards, left awaiting confirmation.
    static func world() throws -> (sandbox: Sandbox, world: ConsentWorld, letter: String, newcomer: String) {
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        _ = try world.recordConsent(sandbox, grantee: world.org, actions: "view_documents,ingest_document")
        let letter = try world.ingest(sandbox, "letter.txt", "Dear Ms Ellis")
        sandbox.environment["TEST_NO_AUTO_CONFIRM"] = "1"
        let newcomer = try sandbox.adminID(["advocate", "add", "Jo Wells", "--org", world.org, "--role", "manager"])
        sandbox.environment["TEST_NO_AUTO_CONFIRM"] = nil
        return (sandbox, world, letter, newcomer)
    }

    func fingerprint(_ sandbox: Sandbox, of account: String) throws -> String {
        let shown = try sandbox.run(["identity", "show", "--json"], environment: ["CASEVAULT_KEYS": try XCTUnwrap(sandbox.identities[account])])
        XCTAssertEqual(shown.exitCode, 0, shown.stderr)
        XCTAssertEqual(try sandbox.json(shown)["account"] as? String, account)
        return try XCTUnwrap(try sandbox.json(shown)["fingerprint"] as? String)
    }

    func testTheNewManagerReadsNothingUntilAManagerConfirmsIt() throws {
        let (sandbox, world, letter, newcomer) = try Self.world()
        let listed = try sandbox.asAdmin(["advocate", "list"])
        XCTAssertTrue(listed.stdout.contains("manager (awaiting confirmation by a manager)"), listed.stdout)

        let refused = try sandbox.run(["cat", letter, "--as", newcomer])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertEqual(refused.stdout, "")
        XCTAssertTrue(refused.stderr.contains("awaits confirmation by a manager of Norfolk NHS Complaints Advocacy"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("ask Lee Morgan to confirm it"), refused.stderr)
        // A key holder sharing everything it holds gives the newcomer nothing.
        XCTAssertEqual(try sandbox.run(["keys", "share"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["cat", letter, "--as", newcomer]).exitCode, 3)

        let confirmed = try sandbox.asManager(["advocate", "confirm", "Jo Wells", "--fingerprint", try fingerprint(sandbox, of: newcomer)])
        XCTAssertEqual(confirmed.exitCode, 0, confirmed.stderr)
        let after = try sandbox.run(["cat", letter, "--as", newcomer])
        XCTAssertEqual(after.exitCode, 0, after.stderr)
        XCTAssertEqual(after.stdout, "Dear Ms Ellis")
        XCTAssertTrue(try world.auditActions(sandbox).contains("account.confirm"))
        XCTAssertFalse(try sandbox.asAdmin(["advocate", "list"]).stdout.contains("awaiting"))
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)
    }

    func testEveryoneElseAndAWrongFingerprintExitThreeAndChangeNothing() throws {
        let (sandbox, world, _, newcomer) = try Self.world()
        let right = try fingerprint(sandbox, of: newcomer)
        let attempts: [(actor: String, fingerprint: String)] = [
            (try XCTUnwrap(sandbox.environment["TEST_ADMIN"]), right),   // an administrator
            (world.advocate, right),                                      // an advocate of the organisation
            (try partnerManager(sandbox, world), right),                  // a manager of another organisation
            (newcomer, right),                                            // the account itself
            (try XCTUnwrap(sandbox.environment["TEST_MANAGER"]), try fingerprint(sandbox, of: world.advocate)),  // a wrong fingerprint
        ]
        let confirmations = try world.auditActions(sandbox).filter { $0 == "account.confirm" }.count
        for attempt in attempts {
            let accounts = try sandbox.asAdmin(["advocate", "list", "--json"]).stdout
            let refusals = try world.auditActions(sandbox).filter { $0 == "access.refused" }.count
            let result = try sandbox.run(["advocate", "confirm", newcomer, "--fingerprint", attempt.fingerprint, "--as", attempt.actor])
            XCTAssertEqual(result.exitCode, 3, "\(attempt.actor): \(result.stderr)")
            XCTAssertEqual(try sandbox.asAdmin(["advocate", "list", "--json"]).stdout, accounts, "\(attempt.actor) changed an account")
            XCTAssertEqual(try world.auditActions(sandbox).filter { $0 == "access.refused" }.count, refusals + 1, "\(attempt.actor) not audited")
        }
        XCTAssertEqual(try world.auditActions(sandbox).filter { $0 == "account.confirm" }.count, confirmations)
        // Still no key: not to the old letter, nor to one added now.
        let later = try world.ingest(sandbox, "later.txt", "A later letter")
        XCTAssertEqual(try sandbox.run(["cat", later, "--as", newcomer]).exitCode, 3)
    }

    /// The partner organisation's manager (confirmed by its advocate, the organisation having no manager before).
    func partnerManager(_ sandbox: Sandbox, _ world: ConsentWorld) throws -> String {
        let accounts = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sandbox.asAdmin(["advocate", "list", "--json"]).stdout.utf8))
                                     as? [[String: Any]])
        return try XCTUnwrap(accounts.first { $0["name"] as? String == "Robin Hale" }?["id"] as? String)
    }
}
