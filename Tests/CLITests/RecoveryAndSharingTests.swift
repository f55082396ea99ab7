import Foundation
import VaultCrypto
import XCTest

/// Issue 17: a manager added after a case was opened gets its key from someone who holds it (`keys share`), and an
/// organisation's recovery key is replaced from its current shares (`recovery split`), after which old codes open nothing.
final class RecoveryAndSharingTests: XCTestCase {
    /// A manager added later awaits confirmation and holds no key, whoever shares; confirmed by a manager of the
    /// organisation, it is given the keys the manager holds at once, and `keys share` then finds no one missing.
    func testAManagerAddedLaterGetsTheKeyWhenConfirmed() throws {
        let (sandbox, world, letter, newManager) = try AccountConfirmationCommandsTests.world()

        let before = try sandbox.run(["cat", letter, "--as", newManager])
        XCTAssertEqual(before.exitCode, 3, before.stderr)
        XCTAssertEqual(before.stdout, "")
        XCTAssertTrue(before.stderr.contains("awaits confirmation"), "the refusal says how to fix it: \(before.stderr)")
        // Someone who holds no key to the case cannot share it; a holder sharing gives the newcomer nothing yet.
        let outsider = try sandbox.run(["keys", "share", "--case", world.caseID, "--as", world.partner])
        XCTAssertEqual(outsider.exitCode, 3, outsider.stderr)
        XCTAssertEqual(try sandbox.run(["keys", "share"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["cat", letter, "--as", newManager]).exitCode, 3, "still no key")

        let sharedBefore = try world.auditActions(sandbox).filter { $0 == "case.keys_shared" }.count
        try sandbox.confirmAsManager(newManager)
        let after = try sandbox.run(["cat", letter, "--as", newManager])
        XCTAssertEqual(after.exitCode, 0, after.stderr)
        XCTAssertEqual(after.stdout, "Dear Ms Ellis")
        // Nothing missing any more: nothing recorded.
        let again = try sandbox.run(["keys", "share"])
        XCTAssertEqual(again.exitCode, 0, again.stderr)
        XCTAssertTrue(again.stdout.contains("nothing was changed"), again.stdout)
        XCTAssertEqual(try world.auditActions(sandbox).filter { $0 == "case.keys_shared" }.count, sharedBefore + 1, "the confirmation shared it")
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)
    }

    func testRecoverySplitReplacesTheKeyAndOldCodesOpenNothing() throws {
        let sandbox = try Sandbox()
        let (org, oldCodes) = try sandbox.organisationWithRecoveryCodes()
        let sam = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        let manager = try sandbox.adminID(["advocate", "add", "Lee Morgan", "--org", org, "--role", "manager"])
        sandbox.environment["CASEVAULT_ADVOCATE"] = sam
        let client = try ConsentWorld.id(sandbox, ["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14"])
        let caseID = try ConsentWorld.id(sandbox, ["case", "open", "--client", client, "--org", org, "--advocate", sam, "--nhs-body", "trust-X"])
        try Data("I agree. Signed M. Ellis\n".utf8).write(to: URL(fileURLWithPath: sandbox.path("form.txt")))
        _ = try ConsentWorld.id(sandbox, ["consent", "record", "--case", caseID, "--person", client, "--kind", "written_consent", "--grantee", org,
                                          "--actions", "view_documents,ingest_document", "--form", "form.txt", "--signed-on", VaultCommandsTests.yesterday])
        try Data("My complaint about the ward".utf8).write(to: URL(fileURLWithPath: sandbox.path("note.txt")))
        let ingested = try sandbox.run(["ingest", "--case", caseID, "note.txt", "--json"])
        XCTAssertEqual(ingested.exitCode, 0, ingested.stderr)
        let document = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(ingested.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)

        // One current code is not enough; nothing changes.
        let tooFew = try sandbox.run(["recovery", "split", "--org", org, "--as", manager], stdin: Data((oldCodes[0] + "\n").utf8))
        XCTAssertEqual(tooFew.exitCode, 1, tooFew.stderr)
        // An advocate (not a manager) may not replace it.
        let advocate = try sandbox.run(["recovery", "split", "--org", org, "--as", sam], stdin: Data((oldCodes[0] + "\n\n" + oldCodes[1] + "\n").utf8))
        XCTAssertEqual(advocate.exitCode, 3, advocate.stderr)

        let split = try sandbox.run(["recovery", "split", "--org", org, "--shares", "4", "--threshold", "3", "--as", manager, "--json"],
                                    stdin: Data((oldCodes[0] + "\n\n" + oldCodes[2] + "\n").utf8))
        XCTAssertEqual(split.exitCode, 0, split.stderr)
        let newCodes = try XCTUnwrap(try sandbox.json(split)["recovery_shares"] as? [String])
        XCTAssertEqual(newCodes.count, 4)
        XCTAssertGreaterThan(try XCTUnwrap(try sandbox.json(split)["keys"] as? Int), 0)
        XCTAssertTrue(Set(newCodes).isDisjoint(with: oldCodes))

        // The old codes rebuild a key that is not the organisation's any more: refused, nothing re-issued.
        let stale = try sandbox.run(["recovery", "restore", "--org", org, "--account", sam, "--identity-out", "stale.identity", "--no-passphrase", "--as", manager],
                                    stdin: Data((oldCodes[1] + "\n\n" + oldCodes[2] + "\n").utf8))
        XCTAssertEqual(stale.exitCode, 1, stale.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("stale.identity")))
        // Two of the new codes are below the new threshold of three.
        let twoNew = try sandbox.run(["recovery", "restore", "--org", org, "--account", sam, "--identity-out", "sam-new.identity", "--no-passphrase", "--as", manager],
                                     stdin: Data((newCodes[0] + "\n\n" + newCodes[3] + "\n").utf8))
        XCTAssertEqual(twoNew.exitCode, 1, twoNew.stderr)
        // Sam had turned login codes on, with a secret sealed to the identity being replaced.
        let enrolled = try sandbox.run(["totp", "enable", "--json"])
        let secret = try XCTUnwrap(try sandbox.json(enrolled)["secret"] as? String, enrolled.stderr)
        XCTAssertEqual(try sandbox.run(["totp", "confirm", try TOTPCommandsTests.currentCode(secret)]).exitCode, 0)
        // Three new codes re-issue Sam, whose new identity reads the case: the moved wrappers open.
        let restored = try sandbox.run(["recovery", "restore", "--org", org, "--account", sam, "--identity-out", "sam-new.identity", "--no-passphrase", "--as", manager],
                                       stdin: Data((newCodes[0] + "\n\n" + newCodes[1] + "\n\n" + newCodes[3] + "\n").utf8))
        XCTAssertEqual(restored.exitCode, 0, restored.stderr)
        XCTAssertTrue(restored.stdout.contains("login codes were turned off") && restored.stdout.contains("totp enable"), restored.stdout)
        let status = try sandbox.run(["totp", "status", "--json"], environment: ["CASEVAULT_KEYS": sandbox.path("sam-new.identity"), "CASEVAULT_ADVOCATE": ""])
        XCTAssertEqual(try sandbox.json(status)["state"] as? String, "none", "the new identity enrols afresh: \(status.stderr)")
        let read = try sandbox.run(["cat", document], environment: ["CASEVAULT_KEYS": sandbox.path("sam-new.identity"), "CASEVAULT_ADVOCATE": ""])
        XCTAssertEqual(read.exitCode, 0, read.stderr)
        XCTAssertEqual(read.stdout, "My complaint about the ward")
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--json", "--as", manager]))["ok"] as? Bool, true)
    }

    /// A manager added after the organisation's directory key was made holds none while it awaits confirmation: it may
    /// not remove a member, even with the trustees' share codes, and nothing changes; once confirmed (and so given the
    /// key) it removes with the share codes (the path a manager without the key takes; EntitlementKeysTests covers
    /// the refusal naming who holds it).
    func testAManagerWithoutTheDirectoryKeyRemovesAMemberWithTheRecoveryShares() throws {
        let sandbox = try Sandbox()
        let (org, codes) = try sandbox.organisationWithRecoveryCodes()
        let sam = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        sandbox.environment["CASEVAULT_ADVOCATE"] = sam
        _ = try ConsentWorld.id(sandbox, ["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14"])
        let kim = try sandbox.adminID(["advocate", "add", "Kim Hale", "--org", org])
        sandbox.environment["TEST_NO_AUTO_CONFIRM"] = "1"
        let pat = try sandbox.adminID(["advocate", "add", "Pat Green", "--org", org, "--role", "manager"])
        sandbox.environment["TEST_NO_AUTO_CONFIRM"] = nil

        for extra in [[], ["--recovery-shares"]] {
            let refused = try sandbox.run(["advocate", "remove", kim, "--yes", "--as", pat] + extra, stdin: Data((codes[0] + "\n\n" + codes[2] + "\n").utf8))
            XCTAssertEqual(refused.exitCode, 3, refused.stderr)
            XCTAssertTrue(refused.stderr.contains("Sam Carter") && refused.stderr.contains("awaits confirmation"), refused.stderr)
            XCTAssertTrue(refused.stderr.contains("nothing was done"), refused.stderr)
            let stillThere = try sandbox.run(["advocate", "list", "--json", "--as", sam])
            XCTAssertEqual(stillThere.exitCode, 0, stillThere.stderr)
            XCTAssertFalse(stillThere.stdout.contains("removed_at"), "Kim was not removed: \(stillThere.stdout)")
        }
        try sandbox.confirmAsManager(pat)

        let removed = try sandbox.run(["advocate", "remove", kim, "--yes", "--recovery-shares", "--as", pat, "--json"],
                                      stdin: Data((codes[0] + "\n\n" + codes[2] + "\n").utf8))
        XCTAssertEqual(removed.exitCode, 0, removed.stderr)
        XCTAssertEqual(try sandbox.json(removed)["id"] as? String, kim)
        XCTAssertTrue(try auditActions(sandbox, as: pat).contains("organisation.directory_rekey"))
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)
    }

    private func auditActions(_ sandbox: Sandbox, as account: String) throws -> [String] {
        let log = try sandbox.run(["audit", "log", "--json", "--as", account])
        return (try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
    }
}

extension Sandbox {
    /// A new vault with identities and one organisation, "Norfolk Advocacy", with the recovery share codes `org add`
    /// printed (2 of 3).
    func organisationWithRecoveryCodes() throws -> (org: String, codes: [String]) {
        environment["CASEVAULT_VAULT"] = path("vault")
        try initVault()
        let added = try asAdmin(["org", "add", "Norfolk Advocacy", "--json"])
        return (try XCTUnwrap(try json(added)["id"] as? String), try XCTUnwrap(try json(added)["recovery_shares"] as? [String]))
    }
}
