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
