import Foundation
import XCTest
@testable import VaultCrypto

/// A person's identity file: their X25519 and Ed25519 keys, under their own passphrase, bound to vault and account.
final class IdentityFileTests: XCTestCase {
    let vault = "11111111-2222-4333-8444-555555555555"
    let created = "2026-12-06T09:00:00Z"

    func testPassphraseProtectedIdentityRoundTripsAndRefusesTheWrongPassphrase() throws {
        let passphrase = SecureBytes(copying: Array("correct horse battery staple".utf8))
        let (file, unlocked) = try IdentityFile.create(vaultID: vault, accountID: "adv-1", passphrase: passphrase, createdAt: created)
        let data = try file.encoded()
        let text = String(decoding: data, as: UTF8.self)
        // No private key in the file: neither the X25519 key nor the Ed25519 seed appears in base64.
        XCTAssertFalse(text.contains(Data(unlocked.agreementKey.rawRepresentation.unsafeCopyToArray()).base64EncodedString()))
        XCTAssertFalse(text.contains(Data(unlocked.signingKey.seed.unsafeCopyToArray()).base64EncodedString()))
        XCTAssertTrue(file.needsPassphrase)
        let read = try IdentityFile.decode(data)
        XCTAssertEqual(read, file)
        let reopened = try read.unlock(passphrase: passphrase)
        XCTAssertEqual(reopened.agreementKey.rawRepresentation, unlocked.agreementKey.rawRepresentation)
        XCTAssertEqual(reopened.signingKey.publicKey, unlocked.signingKey.publicKey)
        XCTAssertEqual(try read.agreementPublicKey, unlocked.agreementKey.publicKey)
        XCTAssertThrowsError(try read.unlock(passphrase: SecureBytes(copying: Array("wrong".utf8)))) {
            XCTAssertEqual($0 as? IdentityFileError, .wrongPassphrase)
        }
        XCTAssertThrowsError(try read.unlock(passphrase: nil)) { XCTAssertEqual($0 as? IdentityFileError, .passphraseRequired) }
    }

    /// Changing the passphrase keeps the keys (wrappers made to them stay valid) and the old passphrase stops working.
    func testChangingThePassphraseKeepsTheKeys() throws {
        let old = SecureBytes(copying: Array("first passphrase".utf8)), new = SecureBytes(copying: Array("second passphrase".utf8))
        let (file, unlocked) = try IdentityFile.create(vaultID: vault, accountID: "adv-1", passphrase: old, createdAt: created)
        let changed = try file.changingPassphrase(unlocked, to: new)
        XCTAssertNotEqual(changed.passphrase?.salt, file.passphrase?.salt)
        XCTAssertEqual(try changed.unlock(passphrase: new).agreementKey.publicKey, unlocked.agreementKey.publicKey)
        XCTAssertThrowsError(try changed.unlock(passphrase: old)) { XCTAssertEqual($0 as? IdentityFileError, .wrongPassphrase) }
        let (_, someoneElse) = try IdentityFile.create(vaultID: vault, accountID: "adv-2", passphrase: nil, createdAt: created)
        XCTAssertThrowsError(try file.changingPassphrase(someoneElse, to: new)) { XCTAssertEqual($0 as? IdentityFileError, .notThisIdentity) }
    }

    /// An identity relabelled as another account or vault does not open: the AAD and the passphrase labels name both.
    func testRelabelledIdentityDoesNotOpen() throws {
        let passphrase = SecureBytes(copying: Array("passphrase".utf8))
        let (file, _) = try IdentityFile.create(vaultID: vault, accountID: "adv-1", passphrase: passphrase, createdAt: created)
        var otherAccount = file
        otherAccount.accountID = "adv-2"
        XCTAssertThrowsError(try otherAccount.unlock(passphrase: passphrase)) { XCTAssertEqual($0 as? IdentityFileError, .wrongPassphrase) }
        let (raw, _) = try IdentityFile.create(vaultID: vault, accountID: "adv-1", passphrase: nil, createdAt: created)
        var rawRelabelled = raw
        rawRelabelled.vaultID = "99999999-2222-4333-8444-555555555555"
        XCTAssertThrowsError(try rawRelabelled.unlock(passphrase: nil)) {
            XCTAssertEqual($0 as? IdentityFileError, .damaged(what: "agreement key"))
        }
        // Someone else's public key pasted over this file's: the private key no longer matches it.
        let (other, _) = try IdentityFile.create(vaultID: vault, accountID: "adv-1", passphrase: nil, createdAt: created)
        var swapped = raw
        swapped.signingKey.publicKey = other.signingKey.publicKey
        XCTAssertThrowsError(try swapped.unlock(passphrase: nil)) {
            XCTAssertEqual($0 as? IdentityFileError, .damaged(what: "signing key's public half"))
        }
    }

    func testDamagedAndForeignFilesAreNamed() throws {
        let (file, _) = try IdentityFile.create(vaultID: vault, accountID: "adv-1", passphrase: nil, createdAt: created)
        let data = try file.encoded()
        XCTAssertThrowsError(try IdentityFile.decode(Data())) { XCTAssertEqual($0 as? IdentityFileError, .empty) }
        XCTAssertThrowsError(try IdentityFile.decode(data.prefix(data.count / 2))) { XCTAssertEqual($0 as? IdentityFileError, .notJSON) }
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["agreement_key"] = nil
        XCTAssertThrowsError(try IdentityFile.decode(try JSONSerialization.data(withJSONObject: object))) {
            XCTAssertEqual($0 as? IdentityFileError, .malformed(field: "agreement_key"))
        }
        let (keyFile, _) = try KeyFile.create(vaultID: vault, passphrase: nil, createdAt: created)
        XCTAssertThrowsError(try IdentityFile.decode(try keyFile.encoded())) { XCTAssertEqual($0 as? IdentityFileError, .isVaultKeyFile) }
        var weak = file
        weak.passphrase = KeyFile.PassphraseSettings(kdf: "scrypt", salt: "AAAA", log2N: 10, r: 8, p: 1, check: "AAAA")
        XCTAssertThrowsError(try IdentityFile.decode(try weak.encoded())) {
            XCTAssertEqual($0 as? IdentityFileError, .weakOrInvalidKDFParameters)
        }
        var flipped = file
        flipped.agreementKey.key = Data(repeating: 7, count: 32).base64EncodedString()
        XCTAssertThrowsError(try flipped.unlock(passphrase: nil)) { XCTAssertEqual($0 as? IdentityFileError, .damaged(what: "agreement key")) }
    }

    func testDescriptionsHideKeys() throws {
        let (_, unlocked) = try IdentityFile.create(vaultID: vault, accountID: "adv-1", passphrase: nil, createdAt: created)
        XCTAssertFalse("\(unlocked)".contains(unlocked.agreementKey.rawRepresentation.unsafeCopyToArray().hexString))
        XCTAssertTrue("\(unlocked)".contains("<redacted>"))
    }
}
