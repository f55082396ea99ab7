import Consent
import Foundation
import GRDB
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Issue 17: in a vault with identities an advocate not entitled to a case cannot decrypt it, even with the vault
/// folder and their own identity, reading the database directly.
final class IdentityVaultTests: XCTestCase {
    /// A vault with identities: two organisations, an advocate in each, a manager in the first, a client and a case of
    /// the first organisation with one letter. Identity files live beside the vault, one per person.
    final class World {
        let directory: URL
        let root: String
        var identities: [String: String] = [:]
        let admin: String
        var org1 = "", org2 = "", sam = "", alex = "", lee = ""
        var caseID: CaseID = "", letter: DocumentID = ""
        var recovery: [String: X25519.PrivateKey] = [:]

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-identity-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            root = directory.appendingPathComponent("vault").path
            let adminPath = directory.appendingPathComponent("admin.identity").path
            let opened = try VaultSetup.initializeWithIdentity(paths: VaultPaths(root: root, keyFile: adminPath), passphrase: nil, now: Date())
            let first = try Vault(opened)
            admin = try first.addAdvocate(name: "Vault administrator", organisationID: nil, role: .admin)
            identities[admin] = adminPath
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func open(as account: String) throws -> Vault {
            let vault = try Vault(try VaultSetup.open(paths: VaultPaths(root: root, keyFile: identities[account]!)) {
                throw IdentityFileError.passphraseRequired
            })
            vault.acknowledged = RuleID.allCases
            return vault
        }

        /// `confirm`: an account added to an organisation with members awaits confirmation; have a manager of it
        /// confirm it at once, as the tests that only need a colleague do (false for the tests of confirmation).
        func addAccount(_ name: String, org: String?, role: AccountRole = .advocate, confirm: Bool = true) throws -> String {
            let made = try open(as: admin).addAccount(name: name, organisationID: org.map { OrganisationID($0) }, role: role, identityPassphrase: nil)
            let path = directory.appendingPathComponent("\(made.id).identity").path
            try VaultSetup.writeNewIdentity(try XCTUnwrap(made.identity), to: path)
            identities[made.id] = path
            if confirm, made.awaitsConfirmation { try confirmAsManager(made.id) }
            return made.id
        }

        /// Confirms `account` as the first confirmed manager (else member) of its organisation, with the fingerprint
        /// of the identity file the person was given.
        func confirmAsManager(_ account: String) throws {
            let accounts = try open(as: admin).advocates()
            let organisation = try XCTUnwrap(accounts.first { $0.id == account }?.organisation)
            let holders = accounts.filter { $0.organisation == organisation && $0.removedAt == nil && !$0.awaitingConfirmation && $0.id != account }
            let managers = holders.filter { $0.role == .manager }
            let confirmer = try XCTUnwrap((managers.isEmpty ? holders : managers).first { identities[$0.id] != nil }?.id)
            try renew(account)
            let fingerprint = try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: identities[account]!))).fingerprint
            _ = try open(as: confirmer).confirmAccount(AccountID(account), fingerprint: fingerprint)
        }

        /// The newcomer replaces the key pair the administrator wrote, as `identity renew` does: the new file is written
        /// beside the old one in the renewal's transaction and takes its place after the commit.
        @discardableResult
        func renew(_ account: String, file: String? = nil) throws -> Vault.RenewedIdentity {
            let path = file ?? identities[account]!
            let vault = try Vault(try VaultSetup.open(paths: VaultPaths(root: root, keyFile: path)) { throw IdentityFileError.passphraseRequired })
            let renewed = try vault.renewOwnIdentity(passphrase: nil) { try VaultSetup.writeNewIdentity($0, to: VaultSetup.renewedIdentityPath(for: path)) }
            try VaultSetup.installRenewedIdentity(at: path)
            return renewed
        }

        func addOrganisation(_ name: String) throws -> String {
            let key = try X25519.PrivateKey.generate()
            let id = try open(as: admin).addOrganisation(name: name, recoveryKey: key.publicKey).id
            recovery[id] = key
            return id
        }

        func input(_ name: String, _ bytes: String) throws -> String {
            let url = directory.appendingPathComponent("inputs/\(name)")
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes.utf8).write(to: url)
            return url.path
        }

        /// Everything above, up to one stored letter on Sam's case.
        func populate() throws {
            org1 = try addOrganisation("Norfolk NHS Complaints Advocacy")
            org2 = try addOrganisation("Suffolk Advocacy")
            lee = try addAccount("Lee Morgan", org: org1, role: .manager)
            sam = try addAccount("Sam Carter", org: org1)
            alex = try addAccount("Alex Reid", org: org2)
            let vault = try open(as: sam)
            let client = try vault.addPerson(.init(name: "Margaret Ellis", dob: "1946-03-14"))
            caseID = try vault.openCase(.init(clientID: client, organisationID: OrganisationID(org1), advocateIDs: [AccountID(sam)], nhsBody: "trust-X"))
            var consent = Vault.AuthorityInput(caseID: caseID, personID: client, kind: .verbalConsent, granteeID: org1,
                                               actions: ConsentAction.allCases, today: vault.today())
            consent.recordedBy = sam
            consent.recordedOn = vault.today()
            _ = try vault.recordAuthority(consent)
            let results = try vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: try input("letter.txt", "Dear Ms Ellis, your mother's care"))],
                                           options: .init())
            guard case .stored(let id, _) = results.first?.outcome else { return XCTFail("not stored") }
            letter = id
        }

        func privateKey(of account: String) throws -> X25519.PrivateKey {
            try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: identities[account]!))).unlock(passphrase: nil).agreementKey
        }
    }

    func testAnAdvocateOfAnotherOrganisationCannotDecryptTheCaseEvenFromTheDatabase() throws {
        let w = try World()
        try w.populate()
        XCTAssertEqual(try w.open(as: w.sam).plaintext(documentID: w.letter), Array("Dear Ms Ellis, your mother's care".utf8))
        XCTAssertEqual(try w.open(as: w.lee).plaintext(documentID: w.letter).count, 33, "the organisation's manager holds the key")
        // Alex: refused by the rules, and below them, by the keys.
        XCTAssertThrowsError(try w.open(as: w.alex).plaintext(documentID: w.letter))
        let alex = try w.open(as: w.alex)
        let caseScope = KeyHierarchy.caseScope(w.caseID.rawValue)
        XCTAssertThrowsError(try alex.store.read { tx in try alex.dataKey(scope: caseScope, version: 1, in: tx) }) {
            guard case VaultError.keyNotHeld = $0 else { return XCTFail("\($0)") }
        }
        // The administrator holds no case key either.
        let admin = try w.open(as: w.admin)
        XCTAssertThrowsError(try admin.store.read { tx in try admin.dataKey(scope: caseScope, version: 1, in: tx) })

        // Straight from the SQLite file: every wrapper, opened with Alex's private key under the AAD its own row names.
        let key = try w.privateKey(of: w.alex)
        let hierarchy = KeyHierarchy(vaultID: alex.info.vaultID, unlock: alex.hierarchy.unlock)
        let rows = try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try Row.fetchAll(db, sql: "SELECT scope, version, wrapper_kind, wrapper_id, sealed FROM key_wrappers")
        }
        var opened: [String] = []
        for row in rows {
            let wrapper = KeyWrapperRecord(scope: row["scope"], version: row["version"], wrapperKind: row["wrapper_kind"], wrapperID: row["wrapper_id"],
                                           sealed: row["sealed"], createdAt: "")
            // Every holder label, not just the row's: a wrapper made for someone else must not open under any of them.
            for kind in [KeyRecipient.Kind.identity, .recovery] {
                for holder in [wrapper.wrapperID, w.alex] {
                    if (try? hierarchy.open(wrapper, with: key, kind: kind, holder: holder)) != nil { opened.append(wrapper.scope) }
                }
            }
        }
        XCTAssertFalse(rows.isEmpty)
        XCTAssertEqual(Set(opened), Set(KeyHierarchy.memberScopes), "Alex opens only the vault's member keys, never a case key")
        XCTAssertFalse(rows.contains { $0["scope"] == caseScope && $0["wrapper_id"] == w.admin }, "no case wrapper for the administrator")
        XCTAssertEqual(Set(rows.filter { $0["scope"] == caseScope }.map { $0["wrapper_id"] as String }), [w.sam, w.lee, w.org1])
    }

    /// The case's working records (notes, reminders, redaction terms, bundle logs) are sealed under the case key, not the
    /// metadata key every account holds: Alex, with the metadata key his identity opens, opens none of them straight
    /// from the file, while Sam reads them; the rows follow the key when it is rotated.
    func testTheCasesRecordsAreSealedUnderItsKeyNotTheSharedMetadataKey() throws {
        let w = try World()
        try w.populate()
        let sam = try w.open(as: w.sam)
        _ = try sam.addRedactionTerms(caseID: w.caseID, organisationID: nil, terms: ["Dr Okafor"], allow: [])
        _ = try sam.addNote(caseID: w.caseID, text: "Her son says the ward sister was rude")
        let alex = try w.open(as: w.alex)
        let metadataKey = try alex.store.read { try alex.metadataFieldKey($0) }
        let caseOnly = "record_type NOT IN ('authority', 'case_parties')"
        let rows = try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try Row.fetchAll(db, sql: "SELECT id, record_type, case_id, sealed FROM consent_records WHERE case_id = ? AND \(caseOnly)",
                             arguments: [w.caseID.rawValue])
        }
        XCTAssertEqual(Set(rows.map { $0["record_type"] as String }), ["redaction_terms", "case_note", "document_listing"])
        for row in rows {
            let sealed: Data = row["sealed"]
            XCTAssertTrue(sealed.starts(with: Data("cvr3".utf8)), "\(row["record_type"] as String) is under the case key")
            // Every way the metadata key could have sealed it: none opens.
            for offset in [0, 4, 8] where sealed.count > offset {
                XCTAssertThrowsError(try KeyHierarchy.open(Data(sealed.dropFirst(offset)), fieldKey: metadataKey, table: "consent_records",
                                                           column: row["record_type"], rowID: row["id"]))
            }
        }
        XCTAssertThrowsError(try alex.redactionTerms(caseID: w.caseID), "refused: no key to the case")
        XCTAssertThrowsError(try alex.notes(caseID: w.caseID))
        XCTAssertEqual(try sam.notes(caseID: w.caseID).map(\.text), ["Her son says the ward sister was rude"])
        XCTAssertEqual(try sam.redactionTerms(caseID: w.caseID).caseTerms.terms, ["Dr Okafor"])
        XCTAssertFalse(try alex.cases().contains { $0.id == w.caseID })

        // Rotation re-seals them under the new version (the old one is deleted), and they still read.
        _ = try sam.rekeyCase(w.caseID)
        let after = try w.open(as: w.sam)
        XCTAssertEqual(try after.redactionTerms(caseID: w.caseID).caseTerms.terms, ["Dr Okafor"])
        let versions = try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try Data.fetchAll(db, sql: "SELECT sealed FROM consent_records WHERE case_id = ? AND \(caseOnly)", arguments: [w.caseID.rawValue])
        }.map { Array($0.prefix(8).suffix(4)) }
        XCTAssertEqual(Set(versions), [[0, 0, 0, 2]], "every row under key version 2")
        XCTAssertTrue(try after.verify(readData: true, repair: false).ok)
    }

    func testUnassignedAdvocateCannotReadWhatIsAddedAfterwards() throws {
        let w = try World()
        try w.populate()
        let kim = try w.addAccount("Kim Hale", org: w.org1)
        try w.open(as: w.sam).assignAdvocate(caseID: w.caseID, advocateID: AccountID(kim))
        XCTAssertEqual(try w.open(as: kim).plaintext(documentID: w.letter).count, 33, "assigning shares the key")
        try w.open(as: w.sam).unassignAdvocate(caseID: w.caseID, advocateID: AccountID(kim))
        let sam = try w.open(as: w.sam)
        let results = try sam.ingest(caseID: w.caseID, files: [Vault.IngestFile(path: try w.input("later.txt", "Added after Kim left"))], options: .init())
        guard case .stored(let later, _) = results.first?.outcome else { return XCTFail("not stored") }
        XCTAssertEqual(try sam.plaintext(documentID: later), Array("Added after Kim left".utf8))
        // The rotation removed every wrapper Kim had: neither the new letter nor the old one opens with Kim's identity.
        let kimVault = try w.open(as: kim)
        for document in [later, w.letter] {
            XCTAssertThrowsError(try kimVault.store.read { tx in
                try kimVault.dataKey(scope: KeyHierarchy.caseScope(w.caseID.rawValue), version: try XCTUnwrap(tx.document(document.rawValue)).caseKeyVersion, in: tx)
            })
        }
        let versions = try sam.store.read { try $0.dataKeyVersions(scope: KeyHierarchy.caseScope(w.caseID.rawValue)) }
        XCTAssertEqual(versions, [2], "assigning keeps version 1; unassigning rotates to 2 and destroys version 1")
    }

    func testTheIdentityDecidesWhoIsActing() throws {
        let w = try World()
        try w.populate()
        XCTAssertThrowsError(try Vault(try VaultSetup.open(paths: VaultPaths(root: w.root, keyFile: w.identities[w.alex]!)) {
            throw IdentityFileError.passphraseRequired
        }, actor: w.sam)) {
            guard case AccessError.notYourIdentity(let asked, let identity) = $0 else { return XCTFail("\($0)") }
            XCTAssertEqual([asked, identity], [w.sam, w.alex])
        }
        // An identity file made for Sam's account id but not registered by the vault: refused as soon as it acts.
        let (forged, _) = try IdentityFile.create(vaultID: try w.open(as: w.sam).info.vaultID, accountID: w.sam, passphrase: nil,
                                                  createdAt: "2026-12-06T00:00:00Z")
        let forgedPath = w.directory.appendingPathComponent("forged.identity").path
        try VaultSetup.writeNewIdentity(forged, to: forgedPath)
        w.identities["forged"] = forgedPath
        XCTAssertThrowsError(try w.open(as: "forged").documents(caseID: w.caseID))
    }

    /// The organisation's recovery key (rebuilt from trustees' shares in practice) opens every case key of the
    /// organisation and the vault's own keys, and nothing of another organisation.
    func testRecoveryKeyOpensItsOrganisationsCaseKeys() throws {
        let w = try World()
        try w.populate()
        let vault = try w.open(as: w.sam)
        let wrappers = try vault.store.read { try $0.wrappers() }
        let ownCase = try XCTUnwrap(wrappers.first { $0.scope == KeyHierarchy.caseScope(w.caseID.rawValue) && $0.wrapperKind == "recovery" })
        XCTAssertNoThrow(try vault.hierarchy.open(ownCase, with: try XCTUnwrap(w.recovery[w.org1]), kind: .recovery, holder: w.org1))
        XCTAssertThrowsError(try vault.hierarchy.open(ownCase, with: try XCTUnwrap(w.recovery[w.org2]), kind: .recovery, holder: w.org2))
    }

    /// `verify` with one person's identity: their own wrappers open, everyone else's are checked for shape and holder,
    /// and documents of cases they hold no key to are checked from their ciphertext. A clean vault is clean for all.
    func testVerifyWithAnIdentityChecksWhatItCan() throws {
        let w = try World()
        try w.populate()
        let asSam = try w.open(as: w.sam).verify(readData: true, repair: false, record: false)
        XCTAssertTrue(asSam.ok, "\(asSam.problems)")
        XCTAssertEqual(asSam.documentsCheckedWithoutKey, 0)
        XCTAssertGreaterThan(asSam.bytesDecrypted, 0)
        let asAlex = try w.open(as: w.alex).verify(readData: true, repair: false, record: false)
        XCTAssertTrue(asAlex.ok, "\(asAlex.problems)")
        XCTAssertEqual(asAlex.documentsCheckedWithoutKey, asAlex.documentsChecked)
        XCTAssertEqual(asAlex.bytesDecrypted, 0)
        // A blob changed on disk is still caught without its key.
        let path = try w.open(as: w.alex).blobs.path(for: w.letter.rawValue)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes[bytes.count / 2] ^= 1
        try bytes.write(to: URL(fileURLWithPath: path))
        XCTAssertTrue(try w.open(as: w.alex).verify(readData: false, repair: false, record: false).problems.contains { $0.id == w.letter.rawValue })
    }

    /// A vault of the previous kind (one key file) becomes one with identities: every account gets an identity, each
    /// organisation a recovery key, the audit log keeps verifying, and the old key file opens nothing.
    func testMigrationFromAKeyFileVault() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let letter = t.storedID(try t.ingest(caseID, [try t.file("letter.txt", Array("Dear Ms Ellis".utf8))])[0])
        let advocate = try XCTUnwrap(t.advocateID)
        let migration = try t.asManager().migrateToIdentities(passphrase: nil)
        let accounts = try t.vault.store.read { try $0.advocates() }
        XCTAssertEqual(Set(migration.identities.map(\.accountID)), Set(accounts.map(\.id)))
        XCTAssertEqual(migration.recoveryKeys.count, 1)
        XCTAssertTrue(try t.vault.store.read { try $0.wrappers() }.allSatisfy { $0.wrapperKind != "master" })
        XCTAssertThrowsError(try t.reopen(as: advocate)) { XCTAssertEqual("\($0)", "\(VaultError.migratedToIdentities)") }

        let file = try XCTUnwrap(migration.identities.first { $0.accountID == advocate }?.file)
        let path = t.directory.appendingPathComponent("sam.identity").path
        try VaultSetup.writeNewIdentity(file, to: path)
        let vault = try Vault(try VaultSetup.open(paths: VaultPaths(root: t.paths.root, keyFile: path)) { throw IdentityFileError.passphraseRequired })
        vault.acknowledged = RuleID.allCases
        XCTAssertEqual(try vault.plaintext(documentID: letter), Array("Dear Ms Ellis".utf8))
        XCTAssertTrue(try vault.verifyAudit(external: nil).ok)
        let report = try vault.verify(readData: true, repair: false, record: false)
        XCTAssertTrue(report.ok, "\(report.problems)")
        // The administrator's identity opens the directory but no case.
        let adminFile = try XCTUnwrap(migration.identities.first { $0.accountID == t.administratorID }?.file)
        let adminPath = t.directory.appendingPathComponent("admin.identity").path
        try VaultSetup.writeNewIdentity(adminFile, to: adminPath)
        let admin = try Vault(try VaultSetup.open(paths: VaultPaths(root: t.paths.root, keyFile: adminPath)) { throw IdentityFileError.passphraseRequired })
        XCTAssertFalse(try admin.advocates().isEmpty)
        XCTAssertThrowsError(try admin.store.read { tx in try admin.dataKey(scope: KeyHierarchy.caseScope(caseID.rawValue), version: 1, in: tx) })
    }

    /// Sam forgot their passphrase: Lee (manager) re-issues Sam's identity with the organisation's recovery key, rebuilt
    /// from 2 of 3 trustees' share codes. The new identity reads the case; the old file is refused.
    func testRecoveryReissuesAForgottenIdentity() throws {
        let w = try World()
        try w.populate()
        let context = "test-context"
        let shares = try Shamir.split(secret: try XCTUnwrap(w.recovery[w.org1]).rawRepresentation, threshold: 2, shares: 3, context: context)
        let codes = shares.map { ShareCode.printable(ShareCode.words(for: $0)) }
        let rebuilt = try Shamir.combine([try ShareCode.decode(codes[0], context: context), try ShareCode.decode(codes[2], context: context)],
                                         context: context)
        let key = try X25519.PrivateKey(rawRepresentation: rebuilt)
        let oldPath = try XCTUnwrap(w.identities[w.sam])
        XCTAssertThrowsError(try w.open(as: w.alex).reissueIdentity(accountID: AccountID(w.sam), organisationID: OrganisationID(w.org1), recoveryKey: key, passphrase: nil))
        let reissued = try w.open(as: w.lee).reissueIdentity(accountID: AccountID(w.sam), organisationID: OrganisationID(w.org1), recoveryKey: key, passphrase: nil)
        XCTAssertEqual(reissued.keysRewrapped, 5, "the case key, the organisation's directory key and the three member keys")
        let newPath = w.directory.appendingPathComponent("sam-new.identity").path
        try VaultSetup.writeNewIdentity(reissued.identity, to: newPath)
        w.identities[w.sam] = newPath
        XCTAssertEqual(try w.open(as: w.sam).plaintext(documentID: w.letter).count, 33)
        w.identities["old"] = oldPath
        XCTAssertThrowsError(try w.open(as: "old").documents(caseID: w.caseID))
        // Another organisation's recovery key cannot re-issue Sam.
        XCTAssertThrowsError(try w.open(as: w.lee).reissueIdentity(accountID: AccountID(w.sam), organisationID: OrganisationID(w.org1),
                                                                   recoveryKey: try XCTUnwrap(w.recovery[w.org2]), passphrase: nil))
        XCTAssertFalse(reissued.loginCodesReset, "Sam had no login codes")
    }

    /// Sam had login codes on: their secret was sealed to the forgotten identity, which no one can open. The re-issue
    /// removes the enrolment in its own transaction, audited as a reset, so the new identity logs in and enrols again
    /// (left in place, every login of the new identity would fail until a manager reset it).
    func testARecoveryReissueResetsLoginCodesSealedToTheOldIdentity() throws {
        let w = try World()
        try w.populate()
        let secret = try XCTUnwrap(Base32.decode(try w.open(as: w.sam).enrolTOTP().secretBase32))
        let totp = TOTP()
        try w.open(as: w.sam).confirmTOTP(code: try totp.code(secret: secret, step: totp.step(at: Int64(Date().timeIntervalSince1970))))
        XCTAssertFalse(try w.open(as: w.sam).checkTOTPAtLogin(code: nil), "on: a login without a code is refused")

        let reissued = try w.open(as: w.lee).reissueIdentity(accountID: AccountID(w.sam), organisationID: OrganisationID(w.org1),
                                                             recoveryKey: try XCTUnwrap(w.recovery[w.org1]), passphrase: nil)
        XCTAssertTrue(reissued.loginCodesReset)
        let newPath = w.directory.appendingPathComponent("sam-new.identity").path
        try VaultSetup.writeNewIdentity(reissued.identity, to: newPath)
        w.identities[w.sam] = newPath
        XCTAssertEqual(try w.open(as: w.sam).totpState(), .none)
        XCTAssertTrue(try w.open(as: w.sam).checkTOTPAtLogin(code: nil), "the new identity logs in with its passphrase")
        XCTAssertNoThrow(try w.open(as: w.sam).enrolTOTP(), "and sets codes up again")
        let reset = try w.open(as: w.lee).auditLog(caseID: nil, since: nil, actor: w.lee).last { $0.action == "account.totp_reset" }
        XCTAssertEqual(reset?.details["advocate"], w.sam)
        XCTAssertEqual(reset?.details["by"], "account.reissue_identity")
    }
}
