import XCTest
@testable import VaultCrypto

final class HMACTests: XCTestCase {
    struct Group: Decodable {
        let keySize: Int
        let tagSize: Int
        let tests: [Test]
    }
    struct Test: Decodable {
        let tcId: Int
        let key, msg, tag: String
        let result: WycheproofResult
    }

    func testWycheproofVectors() throws {
        let file = try loadWycheproof("hmac_sha256_test.json", as: Group.self)
        var tally = VectorTally("hmac_sha256")
        for group in file.testGroups {
            for test in group.tests {
                tally.vectors += 1
                let key = SecureBytes(copying: [UInt8](hex: test.key))
                let message = [UInt8](hex: test.msg), expected = [UInt8](hex: test.tag)
                let full = try HMACSHA256.authenticationCode(for: message, key: key)
                // Truncated-tag groups compare the leading tagSize bits, in constant time.
                let matches = constantTimeEquals(Array(full.prefix(group.tagSize / 8)), expected)
                switch test.result {
                case .valid, .acceptable:
                    if matches { tally.passed += 1 } else { tally.fail(test.tcId, "valid tag did not match") }
                    if group.tagSize == 256 {
                        XCTAssertTrue(try HMACSHA256.isValidAuthenticationCode(expected, for: message, key: key))
                    }
                case .invalid:
                    if matches { tally.fail(test.tcId, "invalid tag accepted") } else { tally.passed += 1 }
                    if group.tagSize == 256 {
                        XCTAssertFalse(try HMACSHA256.isValidAuthenticationCode(expected, for: message, key: key))
                    }
                }
            }
        }
        XCTAssertEqual(tally.vectors, file.numberOfTests)
        tally.report()
    }

    func testStreamingEqualsOneShot() throws {
        let key = try SecureBytes.random(count: 32)
        let message = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let mac = try HMACSHA256(key: key)
        for piece in stride(from: 0, to: message.count, by: 777) {
            try mac.update(Array(message[piece..<min(piece + 777, message.count)]))
        }
        XCTAssertEqual(try mac.finalize(), try HMACSHA256.authenticationCode(for: message, key: key))
        XCTAssertThrowsError(try mac.finalize(), "a finalized MAC must not be reused")
    }
}

final class SHA2Tests: XCTestCase {
    func testKnownDigests() throws {
        XCTAssertEqual(try HashFunction.sha256.hash(Array("abc".utf8)).hex,
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(try HashFunction.sha512.hash([]).hex,
                       "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e")
    }

    func testStreamingEqualsOneShot() throws {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        let hasher = try StreamingHash(.sha256)
        for piece in stride(from: 0, to: data.count, by: 4099) { try hasher.update(Array(data[piece..<min(piece + 4099, data.count)])) }
        XCTAssertEqual(try hasher.finalize(), try HashFunction.sha256.hash(data))
    }
}
