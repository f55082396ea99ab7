import Foundation
import XCTest
@testable import VaultCrypto

final class KeyFileTests: XCTestCase {
    let passphrase = SecureBytes(copying: Array("correct horse battery staple".utf8))

    func testPassphraseRoundTripRotationAndRetire() throws {
        let (file, keys) = try KeyFile.create(vaultID: "vault-a", passphrase: passphrase, createdAt: "2026-01-01T00:00:00Z")
        let decoded = try KeyFile.decode(try file.encoded())
        XCTAssertEqual(decoded, file)
        let unlocked = try decoded.unlock(passphrase: passphrase)
        XCTAssertEqual(try unlocked.masterKey(version: 1), try keys.masterKey(version: 1))
        XCTAssertEqual(unlocked.signingKey.publicKey, keys.signingKey.publicKey)

        let (rotated, rotatedKeys) = try decoded.addingMasterKey(using: unlocked, createdAt: "2026-02-01T00:00:00Z")
        XCTAssertEqual(rotatedKeys.currentMasterVersion, 2)
        let reopened = try KeyFile.decode(try rotated.encoded()).unlock(passphrase: passphrase)
        XCTAssertEqual(try reopened.masterKey(version: 2), try rotatedKeys.masterKey(version: 2))
        XCTAssertNotEqual(try reopened.masterKey(version: 1), try reopened.masterKey(version: 2))
        XCTAssertNotEqual(try reopened.fingerprint(ofMasterVersion: 1), try reopened.fingerprint(ofMasterVersion: 2))

        let retired = try rotated.destroyingMasterKey(version: 1, destroyedAt: "2026-03-01T00:00:00Z")
        XCTAssertEqual(try retired.unlock(passphrase: passphrase).currentMasterVersion, 2)
        XCTAssertThrowsError(try retired.destroyingMasterKey(version: 2, destroyedAt: "t")) { XCTAssertEqual($0 as? KeyFileError, .lastActiveKey(2)) }
    }

    func testWrongPassphraseAndMissingPassphrase() throws {
        let (file, _) = try KeyFile.create(vaultID: "vault-a", passphrase: passphrase, createdAt: "t")
        XCTAssertThrowsError(try file.unlock(passphrase: SecureBytes(copying: Array("wrong".utf8)))) {
            XCTAssertEqual($0 as? KeyFileError, .wrongPassphrase)
        }
        XCTAssertThrowsError(try file.unlock(passphrase: nil)) { XCTAssertEqual($0 as? KeyFileError, .passphraseRequired) }
    }

    func testSealedKeysAreBoundToVaultAndVersion() throws {
        let (file, keys) = try KeyFile.create(vaultID: "vault-a", passphrase: passphrase, createdAt: "t")
        let (rotated, _) = try file.addingMasterKey(using: keys, createdAt: "t2")
        // Swap the sealed bytes of versions 1 and 2: AAD names the version, so both fail.
        var swapped = rotated
        swapped.masterKeys[0].sealedKey = rotated.masterKeys[1].sealedKey
        swapped.masterKeys[0].nonce = rotated.masterKeys[1].nonce
        XCTAssertThrowsError(try swapped.unlock(passphrase: passphrase)) {
            XCTAssertEqual($0 as? KeyFileError, .damaged(what: "master key version 1"))
        }
        // The same file claiming another vault id fails at the passphrase check (bound to the vault id).
        var renamed = file
        renamed.vaultID = "vault-b"
        XCTAssertThrowsError(try renamed.unlock(passphrase: passphrase))
    }

    func testRawKeysAreCheckedAgainstTheirCheckValue() throws {
        let (file, keys) = try KeyFile.create(vaultID: "vault-a", passphrase: nil, createdAt: "t")
        XCTAssertFalse(file.needsPassphrase)
        XCTAssertEqual(try file.unlock(passphrase: nil).masterKey(version: 1), try keys.masterKey(version: 1))
        var damaged = file
        var raw = [UInt8](Data(base64Encoded: file.masterKeys[0].key!)!)
        raw[0] ^= 1
        damaged.masterKeys[0].key = Data(raw).base64EncodedString()
        XCTAssertThrowsError(try damaged.unlock(passphrase: nil)) {
            XCTAssertEqual($0 as? KeyFileError, .damaged(what: "master key version 1"))
        }
    }

    func testDecodeRejectsEmptyGarbageTruncatedAndWeakFiles() throws {
        let (file, _) = try KeyFile.create(vaultID: "vault-a", passphrase: passphrase, createdAt: "t")
        let data = try file.encoded()
        XCTAssertThrowsError(try KeyFile.decode(Data())) { XCTAssertEqual($0 as? KeyFileError, .empty) }
        XCTAssertThrowsError(try KeyFile.decode(data.prefix(100))) { XCTAssertEqual($0 as? KeyFileError, .notJSON) }
        XCTAssertThrowsError(try KeyFile.decode(Data([0xff, 0x00, 0x13]))) { XCTAssertEqual($0 as? KeyFileError, .notJSON) }
        var weak = file
        weak.passphrase?.log2N = 14
        XCTAssertThrowsError(try KeyFile.decode(try weak.encoded())) { XCTAssertEqual($0 as? KeyFileError, .weakOrInvalidKDFParameters) }
        var future = file
        future.formatVersion = 3
        XCTAssertThrowsError(try KeyFile.decode(try future.encoded())) { XCTAssertEqual($0 as? KeyFileError, .unsupportedFormatVersion(3)) }
    }

    func testSecretsNeverAppearInDescriptions() throws {
        let (_, keys) = try KeyFile.create(vaultID: "vault-a", passphrase: nil, createdAt: "t")
        let master = try keys.masterKey(version: 1)
        let hex = master.unsafeCopyToArray().map { String(format: "%02x", $0) }.joined()
        for text in ["\(keys)", "\(master)", String(reflecting: master), "\(keys.signingKey)"] {
            XCTAssertFalse(text.contains(hex))
            XCTAssertTrue(text.contains("redacted"), text)
        }
    }

    func testSecureBytesEqualityIsByContent() throws {
        let a = SecureBytes(copying: [1, 2, 3]), b = SecureBytes(copying: [1, 2, 3]), c = SecureBytes(copying: [1, 2, 4])
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertNotEqual(a, SecureBytes(copying: [1, 2]))
        XCTAssertEqual(a.slice(1..<3), SecureBytes(copying: [2, 3]))
    }
}

final class KeyFileExampleTests: XCTestCase {
    /// keys.example documents the real format: it must decode, and its fake keys must never unlock.
    func testKeysExampleDescribesTheRealFormat() throws {
        let example = try Data(contentsOf: packageRoot.appendingPathComponent("keys.example"))
        let file = try KeyFile.decode(example)
        XCTAssertEqual(file.masterKeys.map(\.version), [1, 2])
        XCTAssertEqual(file.masterKeys.map(\.status), [.destroyed, .active])
        XCTAssertEqual(file.formatVersion, KeyFile.currentFormatVersion)
        XCTAssertEqual(file.auditKey?.algorithm, "hmac-sha256")
        XCTAssertEqual(file.passphrase?.log2N, 17)
        XCTAssertThrowsError(try file.unlock(passphrase: SecureBytes(copying: Array("anything".utf8)))) {
            XCTAssertEqual($0 as? KeyFileError, .wrongPassphrase)
        }
    }

    /// keys.example also shows the identity file: its example must decode as one, and never unlock.
    func testKeysExampleDescribesTheIdentityFile() throws {
        let example = try Data(contentsOf: packageRoot.appendingPathComponent("keys.example"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: example) as? [String: Any])
        let identity = try JSONSerialization.data(withJSONObject: try XCTUnwrap(object["_comment_identity_file_example"]))
        let file = try IdentityFile.decode(identity)
        XCTAssertEqual(file.formatVersion, IdentityFile.currentFormatVersion)
        XCTAssertEqual([file.agreementKey.algorithm, file.signingKey.algorithm], ["x25519", "ed25519"])
        XCTAssertThrowsError(try file.unlock(passphrase: SecureBytes(copying: Array("anything".utf8)))) {
            XCTAssertEqual($0 as? IdentityFileError, .wrongPassphrase)
        }
    }
}
