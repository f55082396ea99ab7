import Foundation
import XCTest

/// `advocate confirm` and `identity show`: a manager an administrator adds to an organisation with members reads no
/// case until a manager of the organisation confirms it with the fingerprint the person reads from their own file;
/// every other attempt exits 3, is audited and changes nothing. The person first replaces the keys the administrator
/// wrote (`identity renew`).
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
        XCTAssertTrue(listed.stdout.contains("manager (awaiting confirmation)"), listed.stdout)

        let refused = try sandbox.run(["cat", letter, "--as", newcomer])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertEqual(refused.stdout, "")
        XCTAssertTrue(refused.stderr.contains("awaits confirmation by a manager of Norfolk NHS Complaints Advocacy"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("ask Lee Morgan to confirm it"), refused.stderr)
        // A key holder sharing everything it holds gives the newcomer nothing.
        XCTAssertEqual(try sandbox.run(["keys", "share"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["cat", letter, "--as", newcomer]).exitCode, 3)

        try renew(sandbox, newcomer)
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
        try renew(sandbox, newcomer)  // so the fingerprint is what refuses the last attempt, not the missing renewal
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

    /// `identity renew`: a copy of the file the administrator kept opens nothing once the newcomer renewed and was
    /// confirmed; confirming before the renewal, or renewing after the confirmation, exits 3.
    func testTheAdministratorsCopyReadsNothingOnceTheNewcomerRenewedAndWasConfirmed() throws {
        let (sandbox, world, letter, newcomer) = try Self.world()
        let copy = sandbox.path("administrators-copy.identity")
        try FileManager.default.copyItem(atPath: try XCTUnwrap(sandbox.identities[newcomer]), toPath: copy)
        let accounts = try sandbox.asAdmin(["advocate", "list", "--json"]).stdout

        let early = try sandbox.asManager(["advocate", "confirm", "Jo Wells", "--fingerprint", try fingerprint(sandbox, of: newcomer)])
        XCTAssertEqual(early.exitCode, 3, early.stderr)
        XCTAssertTrue(early.stderr.contains("ask them to renew their own identity first"), early.stderr)
        XCTAssertTrue(early.stderr.contains("casevault identity renew"), early.stderr)
        XCTAssertEqual(try sandbox.asAdmin(["advocate", "list", "--json"]).stdout, accounts, "a refused confirmation changed an account")

        let fingerprint = try renew(sandbox, newcomer)
        XCTAssertEqual(try sandbox.asManager(["advocate", "confirm", "Jo Wells", "--fingerprint", fingerprint]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["cat", letter, "--as", newcomer]).stdout, "Dear Ms Ellis")

        let stolen = try sandbox.run(["cat", letter, "--as", newcomer], environment: ["CASEVAULT_KEYS": copy])
        XCTAssertEqual(stolen.exitCode, 3, stolen.stderr)
        XCTAssertEqual(stolen.stdout, "")
        XCTAssertTrue(stolen.stderr.contains("is no longer \(newcomer)'s identity"), stolen.stderr)

        let again = try sandbox.run(["identity", "renew", "--no-passphrase", "--as", newcomer])
        XCTAssertEqual(again.exitCode, 3, again.stderr)
        XCTAssertTrue(again.stderr.contains("does not await confirmation"), again.stderr)
        XCTAssertEqual(try sandbox.run(["cat", letter, "--as", newcomer]).stdout, "Dear Ms Ellis", "the refused renewal left the file working")
        XCTAssertTrue(try world.auditActions(sandbox).contains("account.reissue_identity"))
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)
    }

    /// `identity renew --json`: the new fingerprint (the one `identity show` reads from the new file) and how many keys
    /// were wrapped again, as a number: the vault's own keys every account holds, and no case key yet.
    func testRenewalAsJSONNamesTheNewFingerprintAndCountsTheKeys() throws {
        let (sandbox, _, _, newcomer) = try Self.world()
        let before = try fingerprint(sandbox, of: newcomer)
        let renewed = try sandbox.run(["identity", "renew", "--no-passphrase", "--json", "--as", newcomer])
        XCTAssertEqual(renewed.exitCode, 0, renewed.stderr)
        let object = try sandbox.json(renewed)
        XCTAssertEqual(object["account"] as? String, newcomer)
        let printed = try XCTUnwrap(object["fingerprint"] as? String)
        XCTAssertNotEqual(printed, before, "new keys, a new fingerprint")
        XCTAssertEqual(printed, try fingerprint(sandbox, of: newcomer))
        let count = try XCTUnwrap(object["keys_rewrapped"] as? Int, "a number, not text: \(renewed.stdout)")
        XCTAssertGreaterThan(count, 0)
    }

    /// The newcomer replaces the keys the administrator wrote; returns the fingerprint `identity renew` printed.
    @discardableResult
    func renew(_ sandbox: Sandbox, _ account: String) throws -> String {
        let renewed = try sandbox.run(["identity", "renew", "--no-passphrase", "--as", account])
        XCTAssertEqual(renewed.exitCode, 0, renewed.stderr)
        XCTAssertTrue(renewed.stderr.contains("read this fingerprint to Lee Morgan, a manager of Norfolk NHS Complaints Advocacy, who runs"), renewed.stderr)
        let printed = try XCTUnwrap(renewed.stdout.components(separatedBy: "Fingerprint: ").last?.trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(printed, try fingerprint(sandbox, of: account), "identity renew prints the fingerprint of the file it wrote")
        return printed
    }

    /// The partner organisation's manager (confirmed by its advocate, the organisation having no manager before).
    func partnerManager(_ sandbox: Sandbox, _ world: ConsentWorld) throws -> String {
        let accounts = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sandbox.asAdmin(["advocate", "list", "--json"]).stdout.utf8))
                                     as? [[String: Any]])
        return try XCTUnwrap(accounts.first { $0["name"] as? String == "Robin Hale" }?["id"] as? String)
    }
}
