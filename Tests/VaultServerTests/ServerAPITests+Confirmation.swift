import Foundation
import VaultClient
import VaultCrypto
import XCTest
@testable import VaultServer
@testable import VaultCore

/// A newcomer renews their identity and a manager confirms them over the API: the new keys are made on the person's
/// computer and only their public halves travel; every refusal is a 403 that changes nothing.
extension ServerAPITests {
    func testANewcomerRenewsWithPublicKeysOnlyAndReadsTheLetterOnlyOnceAManagerConfirmedIt() async throws {
        let w = try await world()
        let newcomer = try w.addNewcomer("Morwenna Tregear", org: w.org1)
        let path = try XCTUnwrap(w.identities[newcomer])
        let oldToken = try await w.token(newcomer)
        let letter = "/api/v1/documents/\(w.letter)/content?acknowledge=R-CON-9"
        let before = try await w.request("GET", letter, token: oldToken)
        XCTAssertEqual(before.status, 403, before.text)
        XCTAssertEqual(before.json["error"] as? String, "awaiting_confirmation")
        XCTAssertTrue(before.text.contains("ask Lee Morgan to confirm it"), before.text)

        // The new identity, made here as the CLI makes it on the person's computer.
        let passphrase = SecureBytes(copying: Array("Morwenna's own new passphrase".utf8))
        let (file, made) = try IdentityFile.create(vaultID: w.open(as: w.admin).info.vaultID, accountID: newcomer, passphrase: passphrase,
                                                   createdAt: "2026-12-07T10:00:00Z")
        let newFingerprint = try file.fingerprint
        // The client's body is the two public halves and nothing else.
        let body = try VaultAPI.renewalBody(agreementPublic: try file.agreementPublicKey, signingPublic: try file.signingPublicKey)
        let sent = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(body)) as? [String: String])
        XCTAssertEqual(sent, ["agreement_public": Data(made.agreementKey.publicKey.rawRepresentation).base64EncodedString(),
                              "signing_public": Data(made.signingKey.publicKey.rawRepresentation).base64EncodedString()])
        let stored = try w.open(as: w.admin).identityFingerprint(of: AccountID(newcomer))
        // The route takes nothing else: a body that also carries a private key is refused unread, and nothing changes.
        var withPrivate = sent
        withPrivate["agreement_private"] = Data(made.agreementKey.rawRepresentation.withUnsafeBytes { Array($0) }).base64EncodedString()
        let refusedBody = try await w.request("POST", "/api/v1/identity/renew", token: oldToken, json: withPrivate)
        XCTAssertEqual(refusedBody.status, 400, refusedBody.text)
        XCTAssertTrue(refusedBody.text.contains("private keys never leave the person's computer"), refusedBody.text)
        XCTAssertEqual(try w.open(as: w.admin).identityFingerprint(of: AccountID(newcomer)), stored)

        let renewed = try await w.request("POST", "/api/v1/identity/renew", token: oldToken, json: sent)
        XCTAssertEqual(renewed.status, 200, renewed.text)
        XCTAssertEqual(renewed.json["fingerprint"] as? String, newFingerprint)
        XCTAssertEqual(renewed.json["confirmers"] as? [String], ["Lee Morgan"])
        XCTAssertEqual(renewed.json["confirmed_by"] as? String, "manager")
        XCTAssertEqual(renewed.json["session_ended"] as? Bool, true)
        XCTAssertEqual(try w.open(as: w.admin).identityFingerprint(of: AccountID(newcomer)), newFingerprint)
        let ended = try await w.request("GET", "/api/v1/cases", token: oldToken)
        XCTAssertEqual(ended.status, 401, "the session of the replaced identity has ended")
        let oldLogin = try await w.login(newcomer)
        XCTAssertEqual(oldLogin.status, 401, "the file the administrator wrote opens nothing")
        try VaultSetup.replaceIdentity(file, at: path)
        w.passphrases[newcomer] = "Morwenna's own new passphrase"
        let token = try await w.token(newcomer)
        let stillRefused = try await w.request("GET", letter, token: token)
        XCTAssertEqual(stillRefused.status, 403, "renewed but not yet confirmed")

        // A wrong fingerprint, an advocate of the organisation, and the account itself: 403, nothing changed.
        let lee = try await w.token(w.lee)
        let sam = try await w.token(w.sam)
        let samsFingerprint = try w.open(as: w.admin).identityFingerprint(of: AccountID(w.sam))
        for (who, bearer, fingerprint, code) in [("Lee, wrong fingerprint", lee, samsFingerprint, "refused"), ("Sam", sam, newFingerprint, "refused"),
                                                 ("the newcomer", token, newFingerprint, "awaiting_confirmation")] {
            let refused = try await w.request("POST", "/api/v1/accounts/\(newcomer)/confirm", token: bearer, json: ["fingerprint": fingerprint])
            XCTAssertEqual(refused.status, 403, "\(who): \(refused.text)")
            XCTAssertEqual(refused.json["error"] as? String, code, who)
            if code == "refused" { XCTAssertEqual((refused.json["decision"] as? [String: Any])?["operation"] as? String, "account.confirm", who) }
            XCTAssertEqual(try w.open(as: w.admin).advocates().first { $0.id == newcomer }?.awaitingConfirmation, true, who)
        }
        // Lee, by the person's name and the fingerprint as read out (spaced, upper case).
        let spoken = newFingerprint.uppercased().replacingOccurrences(of: ":", with: " ")
        let confirmed = try await w.request("POST", "/api/v1/accounts/Morwenna%20Tregear/confirm", token: lee, json: ["fingerprint": spoken])
        XCTAssertEqual(confirmed.status, 200, confirmed.text)
        XCTAssertEqual(confirmed.json["id"] as? String, newcomer)
        XCTAssertTrue((confirmed.json["cases_shared"] as? [String] ?? []).contains(w.caseID), confirmed.text)
        let read = try await w.request("GET", letter, token: token)
        XCTAssertEqual(read.status, 200, read.text)
        XCTAssertEqual(read.body, Data(ServerTestWorld.letterText.utf8))
        let events = try w.open(as: w.admin).auditLog(caseID: nil, since: nil, actor: newcomer).map(\.action)
        XCTAssertTrue(events.contains(Vault.reissueIdentityAction), "\(events)")
        XCTAssertTrue(try w.open(as: w.admin).auditLog(caseID: nil, since: nil, actor: w.lee).contains { $0.action == "account.confirm" })
    }
}
