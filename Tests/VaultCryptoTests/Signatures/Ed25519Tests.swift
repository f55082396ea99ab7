import XCTest
@testable import VaultCrypto

final class Ed25519Tests: XCTestCase {
    struct Group: Decodable {
        struct Key: Decodable { let pk: String; let sk: String? }
        let publicKey: Key
        let tests: [Test]
    }
    struct Test: Decodable {
        let tcId: Int
        let msg, sig: String
        let result: WycheproofResult
    }

    func testWycheproofVectors() throws {
        let file = try loadWycheproof("ed25519_test.json", as: Group.self)
        var tally = VectorTally("ed25519")
        for group in file.testGroups {
            let publicKey = try Ed25519.PublicKey(rawRepresentation: [UInt8](hex: group.publicKey.pk))
            let privateKey = try group.publicKey.sk.map { try Ed25519.PrivateKey(seed: SecureBytes(copying: [UInt8](hex: $0))) }
            if let privateKey { XCTAssertEqual(privateKey.publicKey, publicKey, "public key derived from the seed") }
            for test in group.tests {
                tally.vectors += 1
                let message = [UInt8](hex: test.msg), signature = [UInt8](hex: test.sig)
                let verified = publicKey.isValidSignature(signature, for: message)
                switch test.result {
                case .valid, .acceptable:
                    guard verified else { tally.fail(test.tcId, "valid signature rejected"); continue }
                    // Ed25519 is deterministic: the seed must reproduce the published signature.
                    if let privateKey, try privateKey.signature(for: message) != signature {
                        tally.fail(test.tcId, "signing did not reproduce the signature")
                        continue
                    }
                    tally.passed += 1
                case .invalid:
                    if verified { tally.fail(test.tcId, "invalid signature accepted") } else { tally.passed += 1 }
                }
            }
        }
        XCTAssertEqual(tally.vectors, file.numberOfTests)
        tally.report()
    }

    func testSignVerifyAndTamper() throws {
        let key = try Ed25519.PrivateKey.generate()
        let message = Array("checkpoint 42".utf8)
        var signature = try key.signature(for: message)
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message))
        XCTAssertFalse(key.publicKey.isValidSignature(signature, for: Array("checkpoint 43".utf8)))
        signature[10] ^= 1
        XCTAssertFalse(key.publicKey.isValidSignature(signature, for: message))
        XCTAssertFalse(key.publicKey.isValidSignature(Array(signature.prefix(63)), for: message))
        XCTAssertFalse("\(key)".contains(key.seed.unsafeCopyToArray().hex))
    }
}

final class VerifiedSignaturesTests: XCTestCase {
    /// A remembered success answers only for the same key, signature and message; failures are never remembered.
    func testOnlyExactSuccessesAreRemembered() throws {
        let key = try Ed25519.PrivateKey.generate(), other = try Ed25519.PrivateKey.generate()
        let message = Array("checkpoint 7".utf8)
        let signature = try key.signature(for: message)
        let memo = VerifiedSignatures(capacity: 16)
        let fingerprint = try XCTUnwrap(memo.fingerprint(publicKey: key.publicKey.rawRepresentation, signature: signature, message: message))
        XCTAssertFalse(memo.contains(fingerprint))
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message, remembering: memo))
        XCTAssertTrue(memo.contains(fingerprint), "a verified signature is remembered")
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message, remembering: memo), "and answered again")
        XCTAssertFalse(other.publicKey.isValidSignature(signature, for: message, remembering: memo), "another key's check is not the remembered one")
        XCTAssertFalse(key.publicKey.isValidSignature(signature, for: message + [0], remembering: memo), "nor another message's")
        var forged = signature
        forged[0] ^= 1
        XCTAssertFalse(key.publicKey.isValidSignature(forged, for: message, remembering: memo))
        XCTAssertEqual(memo.count, 1, "a failure is not remembered")
        // The parts are length-prefixed: moving a byte from the key into the signature is another fingerprint.
        XCTAssertNotEqual(memo.fingerprint(publicKey: [1, 2], signature: [3], message: []),
                          memo.fingerprint(publicKey: [1], signature: [2, 3], message: []))
    }

    /// A signature made in this process is remembered as it is made (it is valid by construction).
    func testOwnSignaturesAreRemembered() throws {
        let key = try Ed25519.PrivateKey.generate()
        let message = Array("mark 9".utf8)
        let signature = try key.signature(for: message)
        let fingerprint = try XCTUnwrap(VerifiedSignatures.shared.fingerprint(publicKey: key.publicKey.rawRepresentation,
                                                                               signature: signature, message: message))
        XCTAssertTrue(VerifiedSignatures.shared.contains(fingerprint))
        XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message))
    }

    func testBoundedOldestFirst() throws {
        let memo = VerifiedSignatures(capacity: 3)
        let prints = (0..<5).map { [UInt8]("entry \($0)".utf8) }
        for print in prints { memo.insert(print) }
        XCTAssertEqual(memo.count, 3)
        XCTAssertFalse(memo.contains(prints[0]))
        XCTAssertFalse(memo.contains(prints[1]))
        XCTAssertTrue(prints[2...].allSatisfy(memo.contains))
    }

    /// A key whose bytes are no curve point verifies nothing, and compares by its bytes.
    func testUndecodableKeyVerifiesNothing() throws {
        let notAPoint = try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 0xFF, count: 32))
        XCTAssertFalse(notAPoint.isValidSignature([UInt8](repeating: 0, count: 64), for: []))
        XCTAssertEqual(notAPoint, try Ed25519.PublicKey(rawRepresentation: [UInt8](repeating: 0xFF, count: 32)))
    }
}
