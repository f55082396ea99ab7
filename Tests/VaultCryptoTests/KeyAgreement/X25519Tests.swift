import XCTest
@testable import VaultCrypto

final class X25519Tests: XCTestCase {
    struct Group: Decodable { let tests: [Test] }
    struct Test: Decodable {
        let tcId: Int
        let `public`, `private`, shared: String
        let result: WycheproofResult
        let flags: [String]
    }

    /// Valid vectors must agree. Acceptable ones are of two kinds: a low-order peer key whose shared secret
    /// is all zeros, which we refuse (RFC 7748 §6.1; no key material), and twist or non-canonical keys, which
    /// we accept and must compute correctly.
    func testWycheproofVectors() throws {
        let file = try loadWycheproof("x25519_test.json", as: Group.self)
        var tally = VectorTally("x25519")
        for test in file.testGroups.flatMap(\.tests) {
            tally.vectors += 1
            let privateKey = try X25519.PrivateKey(rawRepresentation: SecureBytes(copying: [UInt8](hex: test.private)))
            let outcome = Result { try privateKey.sharedSecret(with: try X25519.PublicKey(rawRepresentation: [UInt8](hex: test.public))) }
            let expected = [UInt8](hex: test.shared)
            let refusesZero = test.flags.contains("ZeroSharedSecret")
            switch (test.result, refusesZero) {
            case (.valid, _), (.acceptable, false):
                if case .success(let shared) = outcome, shared.unsafeCopyToArray() == expected {
                    tally.passed += 1
                    if test.result == .acceptable { tally.acceptableNotes["computed", default: 0] += 1 }
                } else {
                    tally.fail(test.tcId, "expected shared secret \(test.result)")
                }
            case (.acceptable, true):
                if case .failure = outcome {
                    tally.passed += 1
                    tally.acceptableNotes["zero shared secrets refused", default: 0] += 1
                } else {
                    tally.fail(test.tcId, "all-zero shared secret was accepted")
                }
            case (.invalid, _):
                if case .failure = outcome { tally.passed += 1 } else { tally.fail(test.tcId, "invalid vector accepted") }
            }
        }
        XCTAssertEqual(tally.vectors, file.numberOfTests)
        tally.report()
    }

    func testAgreementIsSymmetric() throws {
        let alice = try X25519.PrivateKey.generate(), bob = try X25519.PrivateKey.generate()
        XCTAssertEqual(try alice.sharedSecret(with: bob.publicKey), try bob.sharedSecret(with: alice.publicKey))
    }
}
