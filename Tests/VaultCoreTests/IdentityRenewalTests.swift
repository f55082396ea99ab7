import Consent
import Foundation
import GRDB
import XCTest
@testable import VaultCrypto
@testable import VaultCore
import VaultStorage

/// The administrator writes a newcomer's identity file, so it could keep a copy whose fingerprint matches. The newcomer
/// replaces the key pair before a manager may confirm them: the copy then opens nothing, and a copy that renews first
/// is caught by the fingerprint the newcomer reads out.
final class IdentityRenewalTests: XCTestCase {
    typealias World = IdentityVaultTests.World

    /// The populated world (Lee manages org1, Sam is on its case with one letter), a manager the administrator adds
    /// to org1 afterwards (awaiting confirmation), and the copy of its identity file the administrator kept.
    func world() throws -> (w: World, newcomer: String, copy: String) {
        let w = try World()
        try w.populate()
        let newcomer = try w.addAccount("Jo Wells", org: w.org1, role: .manager, confirm: false)
        let copy = w.directory.appendingPathComponent("administrators-copy.identity").path
        try FileManager.default.copyItem(atPath: try XCTUnwrap(w.identities[newcomer]), toPath: copy)
        return (w, newcomer, copy)
    }

    func fingerprint(_ path: String) throws -> String {
        try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: path))).fingerprint
    }

    func openWith(_ w: World, file: String) throws -> Vault {
        try Vault(try VaultSetup.open(paths: VaultPaths(root: w.root, keyFile: file)) { throw IdentityFileError.passphraseRequired })
    }

    func testTheAdministratorsCopyOpensNothingOnceTheNewcomerRenewedAndWasConfirmed() throws {
        let (w, newcomer, copy) = try world()
        let old = try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: copy))).unlock(passphrase: nil)
        // An event the newcomer signs with the old key (a refusal), which must still verify after the renewal.
        XCTAssertThrowsError(try w.open(as: newcomer).plaintext(documentID: w.letter))
        let renewed = try w.renew(newcomer)
        XCTAssertEqual(renewed.fingerprint, try fingerprint(try XCTUnwrap(w.identities[newcomer])))
        XCTAssertNotEqual(renewed.fingerprint, try fingerprint(copy))
        XCTAssertEqual(renewed.keysRewrapped, KeyHierarchy.memberScopes.count)
        XCTAssertFalse(FileManager.default.fileExists(atPath: VaultSetup.renewedIdentityPath(for: try XCTUnwrap(w.identities[newcomer]))))
        let confirmed = try w.open(as: w.lee).confirmAccount(AccountID(newcomer), fingerprint: renewed.fingerprint)
        XCTAssertEqual(confirmed.casesShared, [w.caseID.rawValue])
        XCTAssertEqual(try w.open(as: newcomer).plaintext(documentID: w.letter), Array("Dear Ms Ellis, your mother's care".utf8))

        XCTAssertThrowsError(try openWith(w, file: copy)) { error in
            guard case AccessError.identityReplaced(let account) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(account, newcomer)
        }
        // Straight from vault.db: no key wrapped to the account, the case key among them, opens with the copy's key.
        let lee = try w.open(as: w.lee)
        let wrappers = try lee.store.read { tx in try tx.wrappers() }.filter { $0.wrapperKind == "identity" && $0.wrapperID == newcomer }
        XCTAssertTrue(wrappers.contains { $0.scope == KeyHierarchy.caseScope(w.caseID.rawValue) }, "\(wrappers.map(\.scope))")
        for wrapper in wrappers {
            XCTAssertThrowsError(try lee.hierarchy.open(wrapper, with: old.agreementKey, kind: .identity, holder: newcomer), wrapper.scope)
        }
        // The renewal is audited, and every event (the newcomer's old-key refusal too) still verifies.
        let events = try w.open(as: w.admin).auditLog(caseID: nil, since: nil, actor: newcomer)
        XCTAssertEqual(events.last { $0.action == Vault.reissueIdentityAction }?.details["renewed_by"], "holder")
        XCTAssertTrue(events.contains { $0.action == "access.refused" })
        XCTAssertTrue(try lee.verifyAudit(external: nil).ok)
        XCTAssertEqual(try lee.verify(readData: true, repair: false, record: false).problems.map(\.kind), [])
    }

    func testAManagerCannotConfirmBeforeTheRenewalAndNothingChanges() throws {
        let (w, newcomer, copy) = try world()
        let before = try rows(w)
        XCTAssertThrowsError(try w.open(as: w.lee).confirmAccount(AccountID(newcomer), fingerprint: try fingerprint(copy))) { error in
            guard case AccessError.refused(.accountConfirm, _, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.text.contains("ask them to renew their own identity first, then to read you its new fingerprint"), reason.text)
        }
        XCTAssertEqual(try rows(w), before)
        XCTAssertThrowsError(try openWith(w, file: copy).plaintext(documentID: w.letter))
    }

    func testOnlyAnAccountAwaitingConfirmationRenewsItsIdentity() throws {
        let (w, newcomer, _) = try world()
        try w.confirmAsManager(newcomer)  // renews, then Lee confirms
        for account in [newcomer, w.sam, w.admin] {
            let before = try rows(w)
            XCTAssertThrowsError(try w.renew(account), account) { error in
                guard case AccessError.refused(.identityRenew, _, _, _) = error else { return XCTFail("\(account): \(error)") }
            }
            XCTAssertEqual(try rows(w), before, account)
            XCTAssertFalse(FileManager.default.fileExists(atPath: VaultSetup.renewedIdentityPath(for: try XCTUnwrap(w.identities[account]))))
        }
        XCTAssertEqual(try w.open(as: newcomer).plaintext(documentID: w.letter), Array("Dear Ms Ellis, your mother's care".utf8))
    }

    /// The administrator's copy renews before the newcomer does: the newcomer's own fingerprint is then not the vault's,
    /// so the manager's confirmation with it fails, and the newcomer's own renewal is refused as a replaced identity.
    func testARenewalByTheAdministratorsCopyFirstIsCaughtByTheNewcomersFingerprint() throws {
        let (w, newcomer, copy) = try world()
        let stolen = try w.renew(newcomer, file: copy)
        let own = try fingerprint(try XCTUnwrap(w.identities[newcomer]))
        XCTAssertNotEqual(own, stolen.fingerprint)
        XCTAssertThrowsError(try w.open(as: w.lee).confirmAccount(AccountID(newcomer), fingerprint: own)) { error in
            guard case AccessError.refused(.accountConfirm, _, _, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.text.contains("is not the one of this account's identity"), reason.text)
        }
        XCTAssertThrowsError(try w.renew(newcomer)) {
            guard case AccessError.identityReplaced = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(try w.open(as: w.admin).advocates().first { $0.id == newcomer }?.awaitingConfirmation, true)
    }

    /// The accounts (keys, marks) and the key wrappers, straight from vault.db.
    func rows(_ w: World) throws -> [String] {
        try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try String.fetchAll(db, sql: "SELECT id || ':' || IFNULL(awaiting_confirmation_since, '-') || ':' || IFNULL(identity_renewed_at, '-') "
                                + "|| ':' || IFNULL(hex(agreement_public), '-') FROM advocates ORDER BY id")
                + String.fetchAll(db, sql: "SELECT scope || '/' || version || '/' || wrapper_id || '/' || hex(sealed) FROM key_wrappers ORDER BY 1")
        }
    }

    /// Over a team server the person's computer makes the key pairs and sends only their public halves: the vault
    /// wraps every key to them, the new private keys (never given to the vault) open them, and the old file opens nothing.
    func testARenewalToPublicKeysMadeElsewhereRewrapsEverythingToThem() throws {
        let (w, newcomer, copy) = try world()
        let path = try XCTUnwrap(w.identities[newcomer])
        let vaultID = try w.open(as: w.admin).info.vaultID
        let (file, made) = try IdentityFile.create(vaultID: vaultID, accountID: newcomer, passphrase: nil, createdAt: "2026-12-07T10:00:00Z")
        // The keys it already has are no renewal: refused, nothing changed.
        let old = try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: copy)))
        XCTAssertThrowsError(try w.open(as: newcomer).renewOwnIdentity(agreementPublic: try old.agreementPublicKey, signingPublic: try old.signingPublicKey)) {
            XCTAssertTrue("\($0)".contains("a renewal needs new key pairs"), "\($0)")
        }
        let renewed = try w.open(as: newcomer).renewOwnIdentity(agreementPublic: made.agreementKey.publicKey, signingPublic: made.signingKey.publicKey)
        XCTAssertEqual(renewed.fingerprint, try file.fingerprint)
        XCTAssertEqual(renewed.keysRewrapped, KeyHierarchy.memberScopes.count)
        XCTAssertThrowsError(try openWith(w, file: path), "the file the administrator wrote is replaced")
        try VaultSetup.replaceIdentity(file, at: path)
        _ = try w.open(as: w.lee).confirmAccount(AccountID(newcomer), fingerprint: renewed.fingerprint)
        let renewedVault = try openWith(w, file: path)
        renewedVault.acknowledged = RuleID.allCases
        XCTAssertEqual(try renewedVault.plaintext(documentID: w.letter), Array("Dear Ms Ellis, your mother's care".utf8))
    }
}
