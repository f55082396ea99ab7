import Consent
import Foundation
import GRDB
import XCTest
@testable import Audit
@testable import VaultCrypto
@testable import VaultCore

/// Issue 17, build 3: every audit event of a vault with identities carries its actor's Ed25519 signature, and
/// `audit verify` names an event attributed to the wrong identity, even when its HMAC chain was re-made with the audit
/// key (which every member holds).
final class SignedAuditTests: XCTestCase {
    typealias World = IdentityVaultTests.World

    func entries(_ vault: Vault) throws -> [ChainedEvent] {
        try vault.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil) }
    }

    func signingKeys(_ vault: Vault) throws -> [String: Ed25519.PublicKey] {
        var keys: [String: Ed25519.PublicKey] = [:]
        for account in try vault.store.read({ try $0.advocates() }) {
            keys[account.id] = try Ed25519.PublicKey(rawRepresentation: Array(try XCTUnwrap(account.signingPublic)))
        }
        return keys
    }

    /// What a member holding the audit key can do with sqlite3: change events from `sequence` on and re-make the MAC
    /// chain after them, so the chain verifies again. Signatures are left as they were (the member cannot make others').
    func rewrite(_ vault: Vault, database: String, from sequence: Int64, _ change: (inout AuditEvent) -> Void) throws {
        let chain = try AuditChain(auditKey: vault.secrets.auditKey, vaultID: vault.info.vaultID)
        let all = try entries(vault)
        var previous: [UInt8]?
        try DatabaseQueue(path: database).write { db in
            for entry in all {
                var event = entry.event
                guard event.sequence >= sequence else {
                    previous = entry.entryMAC
                    continue
                }
                if event.sequence == sequence { change(&event) }
                let prior = try previous ?? chain.genesis
                let mac = try chain.mac(event, previous: prior)
                try db.execute(sql: "UPDATE audit_events SET actor = ?, prev_mac = ?, entry_mac = ? WHERE seq = ?",
                               arguments: [event.actor, Data(prior), Data(mac), event.sequence])
                previous = mac
            }
            // The member holds the vault's signing key too: checkpoints could be re-signed; removing them is simpler.
            try db.execute(sql: "DELETE FROM audit_checkpoints")
        }
    }

    func testEveryEventIsSignedByTheIdentityActing() throws {
        let w = try World()
        try w.populate()
        let vault = try w.open(as: w.sam)
        let keys = try signingKeys(vault)
        let all = try entries(vault)
        XCTAssertGreaterThan(all.count, 10)
        // Sam renewed the identity the administrator wrote before Lee confirmed Sam (populate): Sam's events up to the
        // end of that transaction (its state lines follow it) carry the key the renewal names as the previous one.
        let renewal = try XCTUnwrap(all.firstIndex { $0.event.action == Vault.reissueIdentityAction && $0.event.actor == w.sam })
        let renewalEnd = all[renewal...].prefix { $0.event.sequence == all[renewal].event.sequence || $0.event.action == StateHash.changeAction }
            .last?.event.sequence ?? 0
        let samBefore = try Ed25519.PublicKey(rawRepresentation: Array(try XCTUnwrap(Data(base64Encoded: all[renewal].event.details["previous_signing_key"] ?? ""))))
        for entry in all {
            let actor = try XCTUnwrap(entry.event.actor, "event \(entry.event.sequence)")
            let key = actor == w.sam && entry.event.sequence <= renewalEnd ? samBefore : try XCTUnwrap(keys[actor])
            XCTAssertEqual(entry.signature?.count, 64, "event \(entry.event.sequence) (\(entry.event.action))")
            XCTAssertTrue(vault.auditChain.hasValidSignature(entry, by: key), "event \(entry.event.sequence)")
            // The signature is bound to its place: the same event elsewhere, or in another vault, does not verify.
            var moved = entry
            moved.event.sequence += 1
            XCTAssertFalse(vault.auditChain.hasValidSignature(moved, by: key))
        }
        XCTAssertEqual(Set(all.compactMap(\.event.actor)), [w.admin, w.sam, w.lee], "Sam's, Lee's (who confirmed Sam) and the administrator's own events")
        XCTAssertTrue(try vault.verifyAudit(external: nil).ok)
        XCTAssertTrue(try w.open(as: w.alex).verifyAudit(external: nil).ok, "any member verifies")
    }

    /// Alex checks the vault (a `vault.verify` event by Alex), then rewrites that event to name Sam and re-makes the MAC
    /// chain with the audit key every member holds. The chain verifies; the signature names the lie.
    func testAnEventRewrittenToAnotherIdentityIsNamed() throws {
        let w = try World()
        try w.populate()
        _ = try w.open(as: w.alex).verify(readData: false, repair: false)
        let vault = try w.open(as: w.sam)
        let refused = try XCTUnwrap(try entries(vault).last { $0.event.actor == w.alex })
        let sequence = refused.event.sequence
        try rewrite(vault, database: w.root + "/vault.db", from: sequence) { $0.actor = w.sam }

        let tampered = try entries(vault)
        XCTAssertEqual(tampered.first { $0.event.sequence == sequence }?.event.actor, w.sam)
        XCTAssertNil(try AuditVerifier(chain: vault.auditChain).verify(tampered, checkpoints: [], vaultPublicKey: vault.secrets.signingKey.publicKey),
                     "the HMAC chain alone no longer notices")
        let result = try w.open(as: w.lee).verifyAudit(external: nil)
        XCTAssertFalse(result.ok)
        XCTAssertEqual(result.breakKind, "misattributed_entry")
        XCTAssertTrue(result.message?.hasPrefix("event \(sequence) says it was done by \(w.sam) but is not signed by their identity") == true,
                      result.message ?? "")
        let report = try w.open(as: w.lee).verify(readData: false, repair: false, record: false)
        XCTAssertTrue(report.problems.contains { $0.kind == "audit_log" && $0.id == "misattributed_entry" }, "\(report.problems)")
    }

    func testARemovedSignatureIsDetected() throws {
        let w = try World()
        try w.populate()
        let vault = try w.open(as: w.sam)
        let ingest = try XCTUnwrap(try entries(vault).last { $0.event.action == "document.ingest" })
        try DatabaseQueue(path: w.root + "/vault.db").write {
            try $0.execute(sql: "UPDATE audit_events SET signature = NULL WHERE seq = ?", arguments: [ingest.event.sequence])
        }
        let result = try vault.verifyAudit(external: nil)
        XCTAssertEqual(result.breakKind, "unsigned_entry")
        XCTAssertEqual(result.message?.hasPrefix("event \(ingest.event.sequence) says it was done by \(w.sam) but carries no signature"), true,
                       result.message ?? "")
        // An event naming no one, or someone without an identity, is not believed either.
        try rewrite(vault, database: w.root + "/vault.db", from: ingest.event.sequence) { $0.actor = nil }
        XCTAssertEqual(try vault.verifyAudit(external: nil).breakKind, "unattributed_entry")
    }

    /// A key-file vault migrated to identities: what it wrote before the migration is unsigned by design and accepted;
    /// everything after must be signed, and a rewrite of an earlier (unsigned) event still breaks the later signatures,
    /// which cover the chain before them.
    func testAMigratedVaultIsSignedFromItsMigrationOn() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        _ = try t.ingest(caseID, [try t.file("letter.txt", Array("Dear Ms Ellis".utf8))])
        XCTAssertTrue(try entries(t.vault).allSatisfy { $0.signature == nil }, "a key-file vault signs nothing")
        XCTAssertTrue(try t.vault.verifyAudit(external: nil).ok)
        let advocate = try XCTUnwrap(t.advocateID)
        let migration = try t.asManager().migrateToIdentities(passphrase: nil)
        let path = t.directory.appendingPathComponent("sam.identity").path
        try VaultSetup.writeNewIdentity(try XCTUnwrap(migration.identities.first { $0.accountID == advocate }?.file), to: path)
        func open() throws -> Vault {
            let vault = try Vault(try VaultSetup.open(paths: VaultPaths(root: t.paths.root, keyFile: path)) { throw IdentityFileError.passphraseRequired })
            vault.acknowledged = RuleID.allCases
            return vault
        }
        let migratedAt = try XCTUnwrap(try entries(open()).first { $0.event.action == "vault.migrate_identities" }?.event.sequence)
        _ = try open().ingest(caseID: caseID, files: [Vault.IngestFile(path: try t.file("later.txt", Array("After the migration".utf8)))],
                              options: .init())
        let all = try entries(open())
        XCTAssertTrue(all.filter { $0.event.sequence <= migratedAt }.allSatisfy { $0.signature == nil })
        let after = all.filter { $0.event.sequence > migratedAt && $0.signature != nil }
        XCTAssertFalse(after.isEmpty)
        XCTAssertTrue(after.allSatisfy { $0.event.actor == advocate })
        XCTAssertTrue(try open().verifyAudit(external: nil).ok, "the unsigned events before the migration are accepted")

        let firstSigned = try XCTUnwrap(after.first).event.sequence
        let backup = t.directory.path + "/pristine.db"
        try open().store.backup(to: backup)
        // A signature removed after the migration is caught.
        try DatabaseQueue(path: t.paths.root + "/vault.db").write {
            try $0.execute(sql: "UPDATE audit_events SET signature = NULL WHERE seq = ?", arguments: [firstSigned])
        }
        XCTAssertEqual(try open().verifyAudit(external: nil).breakKind, "unsigned_entry")
        try DatabaseQueue(path: t.paths.root + "/vault.db").write { db in
            try db.execute(sql: "ATTACH DATABASE ? AS pristine", arguments: [backup])
            try db.execute(sql: "DELETE FROM audit_events; INSERT INTO audit_events SELECT * FROM pristine.audit_events")
        }
        XCTAssertTrue(try open().verifyAudit(external: nil).ok, "pristine again")
        // An event from before the migration, re-attributed and re-MACed: it needs no signature, but the first signed
        // event after it covers the chain it followed, so it names the rewrite.
        let early = try XCTUnwrap(all.first { $0.event.action == "document.ingest" }).event.sequence
        try rewrite(try open(), database: t.paths.root + "/vault.db", from: early) { $0.actor = t.administratorID }
        let result = try open().verifyAudit(external: nil)
        XCTAssertEqual(result.breakKind, "misattributed_entry")
        XCTAssertEqual(result.message?.hasPrefix("event \(firstSigned) "), true, result.message ?? "")
    }

    /// Lee re-issues Sam's forgotten identity: Sam's earlier events were signed with the old key and still verify (the
    /// re-issue event keeps it); an event after the re-issue signed with the old key (a stolen old file) does not.
    func testAReissuedIdentitysEarlierEventsStillVerify() throws {
        let w = try World()
        try w.populate()
        let oldKey = try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: w.identities[w.sam]!))).unlock(passphrase: nil).signingKey
        let reissued = try w.open(as: w.lee).reissueIdentity(accountID: AccountID(w.sam), organisationID: OrganisationID(w.org1),
                                                            recoveryKey: try XCTUnwrap(w.recovery[w.org1]), passphrase: nil)
        let newPath = w.directory.appendingPathComponent("sam-new.identity").path
        try VaultSetup.writeNewIdentity(reissued.identity, to: newPath)
        w.identities[w.sam] = newPath
        let sam = try w.open(as: w.sam)
        _ = try sam.ingest(caseID: w.caseID, files: [Vault.IngestFile(path: try w.input("new.txt", "After the re-issue"))], options: .init())
        let all = try entries(sam)
        // The last: Sam's own renewal before confirmation (populate) is a re-issue event too.
        let reissue = try XCTUnwrap(all.last { $0.event.action == "account.reissue_identity" })
        XCTAssertEqual(reissue.event.details["previous_signing_key"], Data(oldKey.publicKey.rawRepresentation).base64EncodedString())
        XCTAssertTrue(all.contains { $0.event.actor == w.sam && $0.event.sequence < reissue.event.sequence })
        XCTAssertTrue(all.contains { $0.event.actor == w.sam && $0.event.sequence > reissue.event.sequence })
        XCTAssertTrue(try sam.verifyAudit(external: nil).ok, "old events by the old key, new ones by the new key")

        // Sam's old identity file, signing an event after the re-issue: refused.
        let forger = try AuditChain(auditKey: sam.secrets.auditKey, vaultID: sam.info.vaultID, signer: AuditSigner(accountID: w.sam, key: oldKey))
        let forged = try forger.append(AuditEvent(time: try XCTUnwrap(all.last).event.time, actor: w.sam, action: "document.read", caseID: w.caseID.rawValue),
                                       after: all.last)
        try sam.store.write { tx in try tx.append(forged) }
        let result = try w.open(as: w.lee).verifyAudit(external: nil)
        XCTAssertEqual(result.breakKind, "misattributed_entry")
        XCTAssertEqual(result.message?.hasPrefix("event \(forged.event.sequence) says it was done by \(w.sam)"), true, result.message ?? "")
    }

    /// The administrator re-issues their own identity: that transaction is still signed with the old key (the process
    /// holds no other), and verifies; what the new identity writes afterwards verifies with the new key.
    func testReissuingOnesOwnIdentityKeepsTheLogVerifiable() throws {
        let w = try World()
        try w.populate()
        let reissued = try w.open(as: w.admin).reissueIdentity(accountID: AccountID(w.admin), organisationID: OrganisationID(w.org1),
                                                              recoveryKey: try XCTUnwrap(w.recovery[w.org1]), passphrase: nil)
        let newPath = w.directory.appendingPathComponent("admin-new.identity").path
        try VaultSetup.writeNewIdentity(reissued.identity, to: newPath)
        w.identities[w.admin] = newPath
        _ = try w.addOrganisation("Essex Advocacy")
        let all = try entries(try w.open(as: w.admin))
        // The last: Sam's own renewal before confirmation (populate) is a re-issue event too.
        let reissue = try XCTUnwrap(all.last { $0.event.action == "account.reissue_identity" }).event.sequence
        XCTAssertTrue(all.contains { $0.event.actor == w.admin && $0.event.action == "state.change" && $0.event.sequence > reissue })
        let result = try w.open(as: w.sam).verifyAudit(external: nil)
        XCTAssertTrue(result.ok, result.message ?? "")
    }

    /// The signer only signs events naming it: a signature says who acted.
    func testAChainRefusesToSignAnEventNamingSomeoneElse() throws {
        let chain = try AuditChain(auditKey: try SecureBytes.random(count: 32), vaultID: "vault-1",
                                   signer: AuditSigner(accountID: "adv-1", key: try Ed25519.PrivateKey.generate()))
        XCTAssertThrowsError(try chain.append(AuditEvent(time: "t", actor: "adv-2", action: "document.read"), after: nil)) {
            XCTAssertEqual($0 as? AuditSignatureError, .actorIsNotSigner(actor: "adv-2", signer: "adv-1"))
        }
    }
}
