import XCTest
@testable import VaultCrypto

final class CobblestoneVectorTests: XCTestCase {
    struct Group: Decodable { let tests: [Test] }
    struct Test: Decodable {
        let tcId: Int
        let comment: String
        let key, ctx, ct: String
        let aeadKey, baseNonce: String?
        let msgLength: Int?
        let msgSha512: String?
        let result: WycheproofResult
        let flags: [String]
    }

    /// Every vector through all three ways in (whole message, streaming in odd-sized pieces, random
    /// access). Valid ones must decrypt to the published length and SHA-512 and re-encrypt to the same
    /// bytes under the same salt; invalid ones must fail in every path.
    func testWycheproofVectors() throws {
        let file = try loadWycheproof("c2sp_chunked_encryption_aes_256_gcm_test.json", as: Group.self)
        var tally = VectorTally("c2sp_chunked_encryption_aes_256_gcm")
        for test in file.testGroups.flatMap(\.tests) {
            tally.vectors += 1
            let key = SecureBytes(copying: [UInt8](hex: test.key))
            let context = [UInt8](hex: test.ctx)
            let ciphertext = try zlibInflate([UInt8](hex: test.ct))

            if let aeadKey = test.aeadKey, let baseNonce = test.baseNonce, ciphertext.count >= Cobblestone256.saltSize {
                let derived = try ciphertext.withUnsafeBytes {
                    try Cobblestone256.deriveKeys(inputKey: key, salt: UnsafeRawBufferPointer(rebasing: $0[0..<24]), context: context)
                }
                if derived.key.unsafeCopyToArray().hex != aeadKey || derived.baseNonce.hex != baseNonce {
                    tally.fail(test.tcId, "derived key or base nonce differs from the vector")
                    continue
                }
            }

            let whole = Result { try Cobblestone256.open(ciphertext, key: key, context: context) }
            let streamed = Result { try streamDecrypt(ciphertext, key: key, context: context, pieceSize: 1000 + test.tcId) }
            let random = Result { () throws -> [UInt8] in
                let reader = try CobblestoneReader(source: ArraySource(ciphertext), key: key, context: context)
                return try reader.read(offset: 0, count: Int(reader.plaintextSize))
            }
            switch test.result {
            case .valid, .acceptable:
                guard case .success(let plaintext) = whole, case .success(let s) = streamed, case .success(let r) = random else {
                    tally.fail(test.tcId, "valid vector rejected (\(test.comment))")
                    continue
                }
                guard plaintext.count == test.msgLength, try HashFunction.sha512.hash(plaintext).hex == test.msgSha512,
                      s == plaintext, r == plaintext else {
                    tally.fail(test.tcId, "wrong plaintext")
                    continue
                }
                let resealed = try Cobblestone256.seal(plaintext, key: key, context: context, salt: Array(ciphertext.prefix(24)))
                guard resealed == ciphertext else { tally.fail(test.tcId, "re-encryption differs"); continue }
                tally.passed += 1
            case .invalid:
                let failures = [whole, streamed, random].filter { if case .failure = $0 { true } else { false } }.count
                if failures == 3 { tally.passed += 1 } else { tally.fail(test.tcId, "invalid vector accepted by \(3 - failures) path(s) (\(test.comment))") }
                if test.flags.contains("InvalidKeySize") {
                    XCTAssertThrowsError(try Cobblestone256.open(ciphertext, key: key, context: context)) { error in
                        guard case VaultCryptoError.incorrectKeySize = error else { return XCTFail("tcId \(test.tcId): \(error)") }
                    }
                }
                if test.flags.contains("WrongKey") || test.flags.contains("WrongContext") {
                    XCTAssertThrowsError(try Cobblestone256.open(ciphertext, key: key, context: context)) { error in
                        XCTAssertEqual(error as? VaultCryptoError, .commitmentMismatch, "tcId \(test.tcId)")
                    }
                }
            }
        }
        XCTAssertEqual(tally.vectors, file.numberOfTests)
        tally.report()
    }
}

/// Decrypts by pushing `pieceSize`-byte slices through the streaming decryptor.
func streamDecrypt(_ ciphertext: [UInt8], key: SecureBytes, context: [UInt8], pieceSize: Int) throws -> [UInt8] {
    let decryptor = try CobblestoneDecryptor(key: key, context: context)
    var out: [UInt8] = []
    try ciphertext.withUnsafeBytes { all in
        var offset = 0
        while offset < all.count {
            let end = min(offset + pieceSize, all.count)
            try decryptor.update(UnsafeRawBufferPointer(rebasing: all[offset..<end])) { out.append(contentsOf: $0) }
            offset = end
        }
    }
    try decryptor.finish { out.append(contentsOf: $0) }
    return out
}
