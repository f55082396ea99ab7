import XCTest
@testable import VaultCrypto

final class HKDFTests: XCTestCase {
    struct Group: Decodable { let tests: [Test] }
    struct Test: Decodable {
        let tcId: Int
        let ikm, salt, info, okm: String
        let size: Int
        let result: WycheproofResult
    }

    func testWycheproofSHA256() throws { try runVectors("hkdf_sha256_test.json", .sha256, name: "hkdf_sha256") }
    func testWycheproofSHA512() throws { try runVectors("hkdf_sha512_test.json", .sha512, name: "hkdf_sha512") }

    private func runVectors(_ fileName: String, _ hash: HashFunction, name: String) throws {
        let file = try loadWycheproof(fileName, as: Group.self)
        var tally = VectorTally(name)
        for test in file.testGroups.flatMap(\.tests) {
            tally.vectors += 1
            let ikm = SecureBytes(copying: [UInt8](hex: test.ikm))
            let salt = [UInt8](hex: test.salt), info = [UInt8](hex: test.info)
            switch test.result {
            case .valid, .acceptable:
                do {
                    let okm = try HKDF.deriveKey(hash, inputKeyMaterial: ikm, salt: salt, info: info, outputCount: test.size)
                    // The two-step path must agree with the one-shot one.
                    let prk = try HKDF.extract(hash, inputKeyMaterial: ikm, salt: salt)
                    let twoStep = try HKDF.expand(hash, pseudoRandomKey: prk, info: info, outputCount: test.size)
                    if okm.unsafeCopyToArray() == [UInt8](hex: test.okm) && twoStep == okm { tally.passed += 1 } else { tally.fail(test.tcId, "wrong okm") }
                } catch {
                    tally.fail(test.tcId, "valid vector rejected: \(error)")
                }
            case .invalid:
                do {
                    _ = try HKDF.deriveKey(hash, inputKeyMaterial: ikm, salt: salt, info: info, outputCount: test.size)
                    tally.fail(test.tcId, "invalid vector accepted")
                } catch {
                    tally.passed += 1
                }
            }
        }
        XCTAssertEqual(tally.vectors, file.numberOfTests)
        tally.report()
    }

    /// RFC 5869 appendix A, test case 1.
    func testRFC5869Case1() throws {
        let ikm = SecureBytes(copying: [UInt8](repeating: 0x0b, count: 22))
        let salt = [UInt8](hex: "000102030405060708090a0b0c")
        let info = [UInt8](hex: "f0f1f2f3f4f5f6f7f8f9")
        let prk = try HKDF.extract(.sha256, inputKeyMaterial: ikm, salt: salt)
        XCTAssertEqual(prk.unsafeCopyToArray().hex, "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
        let okm = try HKDF.expand(.sha256, pseudoRandomKey: prk, info: info, outputCount: 42)
        XCTAssertEqual(okm.unsafeCopyToArray().hex,
                       "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    }

    func testRejectsOverlongOutput() {
        XCTAssertThrowsError(try HKDF.expand(.sha256, pseudoRandomKey: SecureBytes(copying: [1]), info: [], outputCount: 255 * 32 + 1))
    }
}

final class ScryptTests: XCTestCase {
    /// RFC 7914 §12, first two vectors (the larger ones take seconds and add nothing).
    func testRFC7914Vectors() throws {
        let first = try Scrypt.deriveKey(passphrase: SecureBytes(copying: []), salt: [], parameters: .init(log2N: 4, r: 1, p: 1), outputCount: 64)
        XCTAssertEqual(first.unsafeCopyToArray().hex,
                       "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906")
        let second = try Scrypt.deriveKey(passphrase: SecureBytes(copying: Array("password".utf8)), salt: Array("NaCl".utf8),
                                          parameters: .init(log2N: 10, r: 8, p: 16), outputCount: 64)
        XCTAssertEqual(second.unsafeCopyToArray().hex,
                       "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640")
    }

    func testRejectsOutOfRangeParameters() {
        XCTAssertThrowsError(try Scrypt.deriveKey(passphrase: SecureBytes(copying: [1]), salt: [1], parameters: .init(log2N: 0, r: 8, p: 1), outputCount: 32))
    }
}
