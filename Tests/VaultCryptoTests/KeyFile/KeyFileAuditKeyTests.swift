import Audit
import Foundation
import XCTest
@testable import VaultCrypto

/// The audit key as its own key (format 2) and `keys retire` destroying a master version.
final class KeyFileAuditKeyTests: XCTestCase {
    let passphrase = SecureBytes(copying: Array("correct horse battery staple".utf8))
    let event = AuditEvent(time: "2026-01-01T00:00:00Z", actor: "adv-1", action: "document.read", caseID: "case-1",
                           documentID: "doc-1", details: ["bytes": "12"])

    /// What a key file of format 1 looked like: no audit key; the chain's key was HKDF of master version 1.
    func formatOne(_ file: KeyFile) throws -> KeyFile {
        var old = file
        old.formatVersion = 1
        old.auditKey = nil
        return try KeyFile.decode(try old.encoded())
    }

    /// The MACs the audit chain wrote before this change, computed the old way (HKDF label spelled out here, not
    /// taken from the code under test).
    func oldChainMACs(masterVersion1: SecureBytes, vaultID: String) throws -> [[UInt8]] {
        let key = try HKDF.expand(.sha256, pseudoRandomKey: masterVersion1,
                                  info: Array("casevault/audit-key/v1".utf8) + [0] + Array(vaultID.utf8), outputCount: 32)
        let chain = try AuditChain(auditKey: key, vaultID: vaultID)
        let first = try chain.append(event, after: nil)
        return [try chain.genesis, first.entryMAC, try chain.append(event, after: first).entryMAC]
    }

    func chainMACs(_ keys: UnlockedKeys) throws -> [[UInt8]] {
        let chain = try AuditChain(auditKey: keys.auditKey, vaultID: keys.vaultID)
        let first = try chain.append(event, after: nil)
        return [try chain.genesis, first.entryMAC, try chain.append(event, after: first).entryMAC]
    }

    func testAnOldKeyFileGetsItsDerivedAuditKeyStoredAndTheChainMACsStayTheSame() throws {
        let (new, _) = try KeyFile.create(vaultID: "vault-a", passphrase: passphrase, createdAt: "2026-01-01T00:00:00Z")
        let old = try formatOne(new)
        XCTAssertNil(old.auditKey)
        let oldKeys = try old.unlock(passphrase: passphrase)
        let expected = try oldChainMACs(masterVersion1: try oldKeys.masterKey(version: 1), vaultID: "vault-a")
        XCTAssertEqual(try chainMACs(oldKeys), expected, "an old file's chain verifies before migration")

        let migrated = try KeyFile.decode(try old.storingAuditKey(oldKeys).encoded())
        XCTAssertEqual(migrated.formatVersion, 2)
        let stored = try XCTUnwrap(migrated.auditKey)
        XCTAssertEqual(stored.protection, .passphrase, "sealed under the passphrase, like the signing key")
        XCTAssertNil(stored.key)
        XCTAssertNotNil(stored.sealedKey)
        XCTAssertEqual(try chainMACs(try migrated.unlock(passphrase: passphrase)), expected)

        // Rotation does not change it; destroying version 1 does not either: the chain still verifies.
        let (rotated, rotatedKeys) = try migrated.addingMasterKey(using: try migrated.unlock(passphrase: passphrase), createdAt: "t2")
        XCTAssertEqual(rotated.auditKey, migrated.auditKey)
        XCTAssertEqual(try chainMACs(rotatedKeys), expected)
        let destroyed = try KeyFile.decode(try rotated.destroyingMasterKey(version: 1, destroyedAt: "t3").encoded())
        let afterDestroy = try destroyed.unlock(passphrase: passphrase)
        XCTAssertThrowsError(try afterDestroy.masterKey(version: 1)) { XCTAssertEqual($0 as? KeyFileError, .destroyedVersion(1)) }
        XCTAssertEqual(try chainMACs(afterDestroy), expected)
    }

    func testTheReleasedFormatOneFixtureMigratesWithTheSameAuditKey() throws {
        let url = packageRoot.appendingPathComponent("Tests/CLITests/Fixtures/vault-0.1.0/keys.json")
        let old = try KeyFile.decode(try Data(contentsOf: url))
        XCTAssertEqual(old.formatVersion, 1)
        let keys = try old.unlock(passphrase: nil)
        let expected = try oldChainMACs(masterVersion1: try keys.masterKey(version: 1), vaultID: old.vaultID)
        let migrated = try KeyFile.decode(try old.storingAuditKey(keys).encoded())
        XCTAssertEqual(migrated.auditKey?.protection, .raw, "a file without a passphrase stores it raw, like its other keys")
        XCTAssertEqual(try chainMACs(try migrated.unlock(passphrase: nil)), expected)
    }

    func testANewKeyFileHasARandomAuditKeyNotDerivedFromVersionOne() throws {
        let (file, keys) = try KeyFile.create(vaultID: "vault-a", passphrase: nil, createdAt: "t")
        XCTAssertEqual(file.formatVersion, 2)
        XCTAssertEqual(try file.unlock(passphrase: nil).auditKey, keys.auditKey)
        XCTAssertNotEqual(keys.auditKey, try KeyFile.legacyAuditKey(masterKeyVersion1: try keys.masterKey(version: 1), vaultID: "vault-a"))
    }

    func testDestroyRemovesTheKeyMaterialAndKeepsTheEntry() throws {
        let (file, keys) = try KeyFile.create(vaultID: "vault-a", passphrase: nil, createdAt: "t")
        let rawVersion1 = try XCTUnwrap(file.masterKeys[0].key)
        let (rotated, rotatedKeys) = try file.addingMasterKey(using: keys, createdAt: "t2")
        let destroyed = try rotated.destroyingMasterKey(version: 1, destroyedAt: "2026-03-01T00:00:00Z")
        let text = String(decoding: try destroyed.encoded(), as: UTF8.self)
        XCTAssertFalse(text.contains(rawVersion1), "the destroyed key is not in the file any more")
        XCTAssertFalse(text.contains(try XCTUnwrap(file.masterKeys[0].check)))
        let entry = try XCTUnwrap(try KeyFile.decode(try destroyed.encoded()).masterKeys.first { $0.version == 1 })
        XCTAssertEqual(entry.status, .destroyed)
        XCTAssertEqual(entry.destroyedAt, "2026-03-01T00:00:00Z")
        XCTAssertNil(entry.key)
        XCTAssertNil(entry.check)
        let reopened = try KeyFile.decode(try destroyed.encoded()).unlock(passphrase: nil)
        XCTAssertEqual(reopened.destroyedVersions, [1])
        XCTAssertEqual(reopened.masterKeys.keys.sorted(), [2])
        XCTAssertEqual(try reopened.masterKey(version: 2), try rotatedKeys.masterKey(version: 2))
        XCTAssertThrowsError(try destroyed.destroyingMasterKey(version: 1, destroyedAt: "t")) {
            XCTAssertEqual($0 as? KeyFileError, .alreadyDestroyed(1))
        }
        // In memory too: the unlocked keys drop it.
        XCTAssertThrowsError(try rotatedKeys.destroying(1).masterKey(version: 1)) { XCTAssertEqual($0 as? KeyFileError, .destroyedVersion(1)) }
    }

    func testARetiredButKeptVersionOfAnOlderFileIsReadAndCanBeDestroyed() throws {
        let (file, keys) = try KeyFile.create(vaultID: "vault-a", passphrase: nil, createdAt: "t")
        var (rotated, _) = try file.addingMasterKey(using: keys, createdAt: "t2")
        rotated.masterKeys[0].status = .retired
        let old = try formatOne(rotated)
        let oldKeys = try old.unlock(passphrase: nil)
        XCTAssertEqual(oldKeys.retiredVersions, [1])
        XCTAssertEqual(try oldKeys.masterKey(version: 1), try keys.masterKey(version: 1), "a retired version was kept")
        XCTAssertEqual(oldKeys.currentMasterVersion, 2)
        // Destroying needs the audit key stored first: it is derived from version 1 in this file.
        XCTAssertThrowsError(try old.destroyingMasterKey(version: 1, destroyedAt: "t3")) {
            XCTAssertEqual($0 as? KeyFileError, .auditKeyNotStored)
        }
        let migrated = try old.storingAuditKey(oldKeys)
        let destroyed = try migrated.destroyingMasterKey(version: 1, destroyedAt: "t3")
        XCTAssertEqual(destroyed.masterKeys[0].status, .destroyed)
        XCTAssertEqual(try destroyed.unlock(passphrase: nil).auditKey, oldKeys.auditKey)
    }

    func testDecodeRefusesInconsistentFiles() throws {
        let (file, keys) = try KeyFile.create(vaultID: "vault-a", passphrase: nil, createdAt: "t")
        var missing = file
        missing.auditKey = nil
        XCTAssertThrowsError(try KeyFile.decode(try missing.encoded())) { XCTAssertEqual($0 as? KeyFileError, .malformed(field: "audit_key")) }
        // "Destroyed" that still holds its key is not destroyed: refused rather than trusted.
        let (rotated, _) = try file.addingMasterKey(using: keys, createdAt: "t2")
        var halfDestroyed = rotated
        halfDestroyed.masterKeys[0].status = .destroyed
        XCTAssertThrowsError(try KeyFile.decode(try halfDestroyed.encoded())) {
            XCTAssertEqual($0 as? KeyFileError, .malformed(field: "master_keys.1"))
        }
        // Format 1 never had an audit key or a destroyed version.
        var mislabelled = file
        mislabelled.formatVersion = 1
        XCTAssertThrowsError(try KeyFile.decode(try mislabelled.encoded())) {
            XCTAssertEqual($0 as? KeyFileError, .malformed(field: "format_version"))
        }
        // An old file whose version 1 is missing cannot give back its audit key.
        var noVersion1 = try formatOne(rotated)
        noVersion1.masterKeys.removeFirst()
        XCTAssertThrowsError(try noVersion1.unlock(passphrase: nil)) { XCTAssertEqual($0 as? KeyFileError, .auditKeyMissing) }
    }

    func testTheAuditKeyIsBoundToItsSlot() throws {
        let (file, _) = try KeyFile.create(vaultID: "vault-a", passphrase: passphrase, createdAt: "t")
        var swapped = file
        swapped.auditKey?.sealedKey = file.masterKeys[0].sealedKey
        swapped.auditKey?.nonce = file.masterKeys[0].nonce
        XCTAssertThrowsError(try swapped.unlock(passphrase: passphrase)) { XCTAssertEqual($0 as? KeyFileError, .damaged(what: "audit key")) }
    }
}
