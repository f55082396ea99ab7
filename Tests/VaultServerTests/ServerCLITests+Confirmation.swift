import Foundation
import VaultClient
import VaultCrypto
import XCTest
@testable import VaultCore

/// `identity renew` and `advocate confirm` with the real binary against the server: the same words and exit codes as
/// on a local vault, the new keys made on the person's computer, and a renewal whose answer was lost finished with
/// the waiting file's keys.
extension ServerCLITests {
    func testANewcomerRenewsOverTheServerAndAManagerConfirmsThemAsLocally() async throws {
        let w = try await world()
        let newcomer = try w.addNewcomer("Noor Hadi", org: w.org1)
        let path = try XCTUnwrap(w.identities[newcomer])
        let desk = try Desk(w, as: newcomer)
        desk.environment["CASEVAULT_SERVER"] = url(w)
        try await login(w, desk)
        let copy = desk.path("letter.txt")
        let refused = try await cli(desk, ["cat", w.letter, "-o", copy, "--acknowledge", "R-CON-9"])
        XCTAssertEqual(refused.code, 3, refused.err)
        XCTAssertTrue(refused.err.contains("awaits confirmation by a manager of Norfolk NHS Complaints Advocacy"), refused.err)

        let renew = try await cli(desk, ["identity", "renew"], environment: ["CASEVAULT_NEW_PASSPHRASE": "Noor's own new passphrase"])
        XCTAssertEqual(renew.code, 0, renew.err)
        let fingerprint = try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: path))).fingerprint
        XCTAssertEqual(renew.out, "Renewed \(path): new keys, which only this file holds.\nFingerprint: \(fingerprint)\n")
        XCTAssertTrue(renew.err.contains("Next: read this fingerprint to Lee Morgan, a manager of Norfolk NHS Complaints Advocacy, who runs "
                                         + "'casevault advocate confirm <your name> --fingerprint \(fingerprint)'"), renew.err)
        XCTAssertEqual(try mode(path), 0o600)
        XCTAssertFalse(FileManager.default.fileExists(atPath: VaultSetup.renewedIdentityPath(for: path)))
        XCTAssertEqual(try w.open(as: w.admin).identityFingerprint(of: AccountID(newcomer)), fingerprint)
        // Logged in again with the new file: the session acts (and is still refused, now by the rules, not as ended).
        let stillRefused = try await cli(desk, ["cat", w.letter, "-o", copy, "--acknowledge", "R-CON-9"])
        XCTAssertEqual(stillRefused.code, 3, stillRefused.err)

        let leeDesk = try Desk(w, as: w.lee)
        leeDesk.environment["CASEVAULT_SERVER"] = url(w)
        try await login(w, leeDesk)
        let samsFingerprint = try w.open(as: w.admin).identityFingerprint(of: AccountID(w.sam))
        let wrong = try await cli(leeDesk, ["advocate", "confirm", "Noor Hadi", "--fingerprint", samsFingerprint])
        XCTAssertEqual(wrong.code, 3, wrong.err)
        XCTAssertTrue(wrong.err.contains("the fingerprint given is not the one of this account's identity"), wrong.err)
        XCTAssertEqual(try w.open(as: w.admin).advocates().first { $0.id == newcomer }?.awaitingConfirmation, true)
        let confirmed = try await cli(leeDesk, ["advocate", "confirm", "Noor Hadi", "--fingerprint", fingerprint])
        XCTAssertEqual(confirmed.code, 0, confirmed.err)
        XCTAssertTrue(confirmed.out.hasPrefix("Confirmed \(newcomer): shared the keys of ") && confirmed.out.hasSuffix(" case(s) and the organisation's directory key\n"),
                      confirmed.out)
        let read = try await cli(desk, ["cat", w.letter, "-o", copy, "--acknowledge", "R-CON-9"])
        XCTAssertEqual(read.code, 0, read.err)
        XCTAssertEqual(try String(contentsOfFile: copy, encoding: .utf8), ServerTestWorld.letterText)

        // A confirmed account renews only by recovery: the server's refusal, exit 3, and no new file left behind.
        let samDesk = try Desk(w, as: w.sam)
        samDesk.environment["CASEVAULT_SERVER"] = url(w)
        try await login(w, samDesk)
        let samPath = try XCTUnwrap(w.identities[w.sam])
        let samBefore = try Data(contentsOf: URL(fileURLWithPath: samPath))
        let notAwaiting = try await cli(samDesk, ["identity", "renew"], environment: ["CASEVAULT_NEW_PASSPHRASE": "Sam's other passphrase"])
        XCTAssertEqual(notAwaiting.code, 3, notAwaiting.err)
        XCTAssertTrue(notAwaiting.err.contains("does not await confirmation"), notAwaiting.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: VaultSetup.renewedIdentityPath(for: samPath)))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: samPath)), samBefore)
    }

    /// The server took the new keys but the answer never arrived: the old file opens nothing now, the waiting one
    /// does, and running the command again puts it in place (no second key pair is made).
    func testARenewalWhoseAnswerWasLostIsFinishedWithTheWaitingFilesKeys() async throws {
        let w = try await world()
        let newcomer = try w.addNewcomer("Ines Ward", org: w.org1, role: .advocate)
        let path = try XCTUnwrap(w.identities[newcomer])
        let desk = try Desk(w, as: newcomer)
        desk.environment["CASEVAULT_SERVER"] = url(w)
        try await login(w, desk)
        let passphrase = "Ines's own new passphrase"
        let (file, _) = try IdentityFile.create(vaultID: try w.open(as: w.admin).info.vaultID, accountID: newcomer,
                                                passphrase: SecureBytes(copying: Array(passphrase.utf8)), createdAt: "2026-12-07T10:00:00Z")
        try VaultSetup.writeNewIdentity(file, to: VaultSetup.renewedIdentityPath(for: path))
        let body = try VaultAPI.renewalBody(agreementPublic: try file.agreementPublicKey, signingPublic: try file.signingPublicKey)
        let taken = try await w.request("POST", "/api/v1/identity/renew", token: try token(desk), json: try JSONSerialization.jsonObject(with: Data(body)))
        XCTAssertEqual(taken.status, 200, taken.text)

        let again = try await cli(desk, ["identity", "renew"], environment: ["CASEVAULT_NEW_PASSPHRASE": passphrase])
        XCTAssertEqual(again.code, 0, again.err)
        XCTAssertTrue(again.err.contains("Finishing an earlier renewal whose answer did not arrive"), again.err)
        XCTAssertTrue(again.out.hasSuffix("Fingerprint: \(try file.fingerprint)\n"), again.out)
        XCTAssertEqual(try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: path))), file)
        XCTAssertFalse(FileManager.default.fileExists(atPath: VaultSetup.renewedIdentityPath(for: path)))
        XCTAssertEqual(try mode(path), 0o600)
        // Logged in with it: the next command acts as the account (the rules refuse it, exit 3, not a lost session, 4).
        let next = try await cli(desk, ["case", "list"])
        XCTAssertEqual(next.code, 3, next.err)
        XCTAssertTrue(next.err.contains("awaits confirmation"), next.err)
    }
}
