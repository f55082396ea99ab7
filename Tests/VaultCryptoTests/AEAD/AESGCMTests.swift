import XCTest
@testable import VaultCrypto

final class AESGCMTests: XCTestCase {
    struct Group: Decodable {
        let ivSize: Int
        let keySize: Int
        let tagSize: Int
        let tests: [Test]
    }

    struct Test: Decodable {
        let tcId: Int
        let key, iv, aad, msg, ct, tag: String
        let result: WycheproofResult
    }

    func testWycheproofVectors() throws {
        let file = try loadWycheproof("aes_gcm_test.json", as: Group.self)
        var tally = VectorTally("aes_gcm")
        for group in file.testGroups {
            for test in group.tests {
                tally.vectors += 1
                let key = SecureBytes(copying: [UInt8](hex: test.key))
                let box = AESGCM.SealedBox(nonce: [UInt8](hex: test.iv), ciphertext: [UInt8](hex: test.ct), tag: [UInt8](hex: test.tag))
                let aad = [UInt8](hex: test.aad)
                // Only AES-256, 96-bit nonces and 128-bit tags are supported: the API must refuse the rest.
                if group.keySize != 256 || group.ivSize != 96 || group.tagSize != 128 {
                    do {
                        _ = try AESGCM.open(box, key: key, authenticating: aad)
                        tally.fail(test.tcId, "unsupported size accepted (key \(group.keySize), iv \(group.ivSize), tag \(group.tagSize))")
                    } catch let error as VaultCryptoError {
                        switch error {
                        case .incorrectKeySize, .incorrectNonceSize, .incorrectTagSize: tally.rejectedUnsupported += 1
                        default: tally.fail(test.tcId, "unsupported size gave \(error)")
                        }
                    }
                    continue
                }
                switch test.result {
                case .valid, .acceptable:
                    do {
                        let plaintext = try AESGCM.open(box, key: key, authenticating: aad)
                        let sealed = try AESGCM.seal([UInt8](hex: test.msg), key: key, nonce: box.nonce, authenticating: aad)
                        if plaintext == [UInt8](hex: test.msg) && sealed == box { tally.passed += 1 } else { tally.fail(test.tcId, "wrong result") }
                    } catch {
                        tally.fail(test.tcId, "valid vector rejected: \(error)")
                    }
                case .invalid:
                    do {
                        _ = try AESGCM.open(box, key: key, authenticating: aad)
                        tally.fail(test.tcId, "invalid vector accepted")
                    } catch VaultCryptoError.authenticationFailure {
                        tally.passed += 1
                    } catch {
                        tally.fail(test.tcId, "invalid vector gave \(error), expected authenticationFailure")
                    }
                }
            }
        }
        XCTAssertEqual(tally.vectors, file.numberOfTests)
        tally.report()
    }

    func testTamperedPartsFailAndLeaveBoxUnchanged() throws {
        let key = try SecureBytes.random(count: 32)
        let aad = Array("case-17|document-4".utf8)
        let box = try AESGCM.seal(Array("Dear PALS team, I am writing about my mother's care.".utf8), key: key, authenticating: aad)
        var mutations: [(String, AESGCM.SealedBox, [UInt8])] = []
        var b = box; b.tag[0] ^= 1; mutations.append(("tag", b, aad))
        b = box; b.ciphertext[3] ^= 0x80; mutations.append(("ciphertext", b, aad))
        b = box; b.nonce[11] ^= 1; mutations.append(("nonce", b, aad))
        mutations.append(("aad", box, Array("case-18|document-4".utf8)))
        for (what, mutated, mutatedAAD) in mutations {
            let before = mutated
            XCTAssertThrowsError(try AESGCM.open(mutated, key: key, authenticating: mutatedAAD), what) { error in
                XCTAssertEqual(error as? VaultCryptoError, .authenticationFailure, what)
            }
            XCTAssertEqual(mutated, before, "\(what): a failed open must not change the box")
        }
        XCTAssertEqual(try AESGCM.open(box, key: key, authenticating: aad), Array("Dear PALS team, I am writing about my mother's care.".utf8))
        XCTAssertThrowsError(try AESGCM.open(box, key: try SecureBytes.random(count: 32), authenticating: aad))
    }

    func testRejectsOtherKeyAndNonceSizes() throws {
        XCTAssertThrowsError(try AESGCM.seal([1, 2, 3], key: try SecureBytes.random(count: 16))) { error in
            XCTAssertEqual(error as? VaultCryptoError, .incorrectKeySize(expected: 32, got: 16))
        }
        XCTAssertThrowsError(try AESGCM.seal([1, 2, 3], key: try SecureBytes.random(count: 32), nonce: [UInt8](repeating: 0, count: 16))) { error in
            XCTAssertEqual(error as? VaultCryptoError, .incorrectNonceSize(expected: 12, got: 16))
        }
    }

    func testRandomNoncesDiffer() throws {
        let key = try SecureBytes.random(count: 32)
        let a = try AESGCM.seal([0, 0, 0], key: key)
        let b = try AESGCM.seal([0, 0, 0], key: key)
        XCTAssertNotEqual(a.nonce, b.nonce)
        XCTAssertNotEqual(a.ciphertext + a.tag, b.ciphertext + b.tag)
    }

    func testOpenSecretAndCombinedRoundTrip() throws {
        let key = try SecureBytes.random(count: 32)
        let secret = try SecureBytes.random(count: 32)
        let box = try AESGCM.seal(secret, key: key, authenticating: [9])
        let reopened = try AESGCM.openSecret(try AESGCM.SealedBox(combined: box.combined), key: key, authenticating: [9])
        XCTAssertEqual(reopened, secret)
        XCTAssertThrowsError(try AESGCM.SealedBox(combined: [1, 2, 3]))
    }
}
