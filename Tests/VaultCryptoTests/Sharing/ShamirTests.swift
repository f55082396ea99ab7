import XCTest
@testable import VaultCrypto

final class ShamirTests: XCTestCase {
    let context = "vault-3f2a/org-7"

    func testEveryKSubsetRecoversAndEveryKMinusOneSubsetFails() throws {
        for (k, n) in [(2, 3), (3, 5), (5, 5)] {
            let secret = try SecureBytes.random(count: 32)
            let shares = try Shamir.split(secret: secret, threshold: k, shares: n, context: context)
            XCTAssertEqual(shares.count, n)
            var recovered = 0
            for subset in subsets(of: Array(shares.indices), size: k) {
                let combined = try Shamir.combine(subset.map { shares[$0] }, context: context)
                XCTAssertEqual(combined, secret, "(\(k), \(n)) subset \(subset)")
                recovered += 1
            }
            XCTAssertEqual(recovered, binomial(n, k))
            var refused = 0
            for subset in subsets(of: Array(shares.indices), size: k - 1) {
                let given = subset.map { shares[$0] }
                XCTAssertThrowsError(try Shamir.combine(given, context: context)) {
                    XCTAssertEqual($0 as? ShamirError, .tooFewShares(have: k - 1, need: k))
                }
                // Even with headers rewritten to claim k − 1 suffice, the recombined bytes are not the
                // secret, and the check refuses them instead of returning them.
                let forged = given.map {
                    Share(splitID: $0.splitID, threshold: k - 1 < 2 ? 2 : k - 1, index: $0.index,
                          contextTag: $0.contextTag, secretCheck: $0.secretCheck, value: $0.value)
                }
                if k - 1 >= 2 {
                    XCTAssertThrowsError(try Shamir.combine(forged, context: context)) {
                        XCTAssertEqual($0 as? ShamirError, .integrityCheckFailed)
                    }
                } else {
                    XCTAssertNotEqual(ShamirPolynomial.interpolate(given.map { (UInt8($0.index), $0.value) }), secret)
                }
                refused += 1
            }
            XCTAssertEqual(refused, binomial(n, k - 1))
            // More than k shares also recover it.
            XCTAssertEqual(try Shamir.combine(shares.reversed(), context: context), secret)
        }
    }

    func testThousandRandomSplitsRoundTripThroughShareCodes() throws {
        for round in 0..<1000 {
            let length = Int.random(in: 16...64)
            let n = Int.random(in: 2...7), k = Int.random(in: 2...n)
            let secret = try SecureBytes.random(count: length)
            let shares = try Shamir.split(secret: secret, threshold: k, shares: n, context: context)
            let chosen = Array(shares.shuffled().prefix(k))
            let typed = try chosen.map { try ShareCode.decode(ShareCode.words(for: $0).joined(separator: " "), context: context) }
            XCTAssertEqual(typed, chosen, "round \(round)")
            XCTAssertEqual(try Shamir.combine(typed, context: context), secret, "round \(round): \(k) of \(n), \(length) bytes")
        }
    }

    /// With k = 2 one share is f(1) = s + a. Whatever that byte is, each of the 256 candidate secret
    /// bytes s is consistent with exactly one value of the second share (a = f(1) − s is determined, so
    /// f(2) is), and the map from second share to secret is a bijection: the first share alone rules
    /// nothing out, so it is independent of the secret.
    func testOneShareOfTwoIsConsistentWithEverySecretByte() {
        for first in 0...255 {
            var secretsSeen = Set<UInt8>()
            for second in 0...255 {
                let points: [(x: UInt8, y: SecureBytes)] = [
                    (1, SecureBytes(copying: [UInt8(first)])), (2, SecureBytes(copying: [UInt8(second)])),
                ]
                secretsSeen.insert(ShamirPolynomial.interpolate(points).unsafeCopyToArray()[0])
            }
            XCTAssertEqual(secretsSeen.count, 256, "first share byte \(first)")
        }
        // The same from the split's side: for each secret byte, the 256 coefficients a give 256 distinct
        // first shares f(1) = s + a·1, so each first-share value arises from exactly one a.
        for secret in 0...255 {
            let firstShares = Set((0...255).map { a in GF256.multiply(UInt8(a), 1) ^ UInt8(secret) })
            XCTAssertEqual(firstShares.count, 256, "secret byte \(secret)")
        }
    }

    /// The real split (CSPRNG coefficients): the first share's first byte is uniform whatever the secret.
    /// 25 600 splits of a secret starting 0x00 and of one starting 0xFF; a chi-square test of each
    /// histogram against uniform (255 degrees of freedom; 1e-4 tail at about 361).
    func testFirstShareIsUniformWhateverTheSecret() throws {
        for leading: UInt8 in [0x00, 0xFF] {
            var histogram = [Int](repeating: 0, count: 256)
            let secret = SecureBytes(copying: [leading] + [UInt8](repeating: 0x5A, count: 15))
            let rounds = 25_600
            for _ in 0..<rounds {
                let values = try ShamirPolynomial.split(secret: secret, threshold: 2, count: 2)
                histogram[Int(values[0].unsafeCopyToArray()[0])] += 1
            }
            let expected = Double(rounds) / 256
            let chiSquare = histogram.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
            XCTAssertLessThan(chiSquare, 361, "secret byte \(leading): share byte not uniform (chi-square \(chiSquare))")
        }
    }

    func testRefusals() throws {
        let secret = try SecureBytes.random(count: 32)
        for (k, n) in [(1, 3), (4, 3), (2, 256), (0, 0)] {
            XCTAssertThrowsError(try Shamir.split(secret: secret, threshold: k, shares: n, context: context)) {
                XCTAssertEqual($0 as? ShamirError, .invalidThreshold(threshold: k, shares: n))
            }
        }
        XCTAssertThrowsError(try Shamir.split(secret: SecureBytes(copying: [UInt8](repeating: 1, count: 15)), threshold: 2, shares: 3, context: context)) {
            XCTAssertEqual($0 as? ShamirError, .invalidSecretLength(15))
        }
        XCTAssertThrowsError(try Shamir.combine([], context: context)) { XCTAssertEqual($0 as? ShamirError, .noShares) }

        let shares = try Shamir.split(secret: secret, threshold: 2, shares: 3, context: context)
        XCTAssertThrowsError(try Shamir.combine([shares[1], shares[1]], context: context)) {
            XCTAssertEqual($0 as? ShamirError, .duplicateShare(index: 2))
        }
        let other = try Shamir.split(secret: secret, threshold: 2, shares: 3, context: context)
        XCTAssertNotEqual(other[0].splitID, shares[0].splitID)
        XCTAssertThrowsError(try Shamir.combine([shares[0], other[1]], context: context)) {
            XCTAssertEqual($0 as? ShamirError, .differentSplits(shares[0].splitID, other[1].splitID))
        }
        XCTAssertThrowsError(try Shamir.combine(Array(shares[0...1]), context: "vault-3f2a/org-8")) {
            XCTAssertEqual($0 as? ShamirError, .otherContext(index: 1))
        }
        let shorter = Share(splitID: shares[1].splitID, threshold: 2, index: 2, contextTag: shares[1].contextTag,
                            secretCheck: shares[1].secretCheck, value: shares[1].value.slice(0..<31))
        XCTAssertThrowsError(try Shamir.combine([shares[0], shorter], context: context)) {
            XCTAssertEqual($0 as? ShamirError, .inconsistentShares(index: 2))
        }
    }

    /// One changed byte in one share, or a damaged extra share, fails closed instead of yielding a wrong key.
    func testDamagedShareFailsTheIntegrityCheck() throws {
        let secret = try SecureBytes.random(count: 32)
        let shares = try Shamir.split(secret: secret, threshold: 2, shares: 3, context: context)
        var bytes = shares[2].value.unsafeCopyToArray()
        bytes[17] ^= 0x01
        let damaged = Share(splitID: shares[2].splitID, threshold: 2, index: 3, contextTag: shares[2].contextTag,
                            secretCheck: shares[2].secretCheck, value: SecureBytes(copying: bytes))
        for given in [[shares[0], damaged], [shares[0], shares[1], damaged]] {
            XCTAssertThrowsError(try Shamir.combine(given, context: context)) {
                XCTAssertEqual($0 as? ShamirError, .integrityCheckFailed)
            }
        }
    }

    func testDescriptionsShowNoShareValue() throws {
        let secret = SecureBytes(copying: [UInt8](repeating: 0xAB, count: 32))
        let share = try Shamir.split(secret: secret, threshold: 2, shares: 2, context: context)[0]
        let hex = share.value.unsafeCopyToArray().hexString
        XCTAssertFalse(share.description.contains(hex.prefix(8)))
        XCTAssertTrue(share.description.contains(share.splitID.description))
    }

    private func subsets(of items: [Int], size: Int) -> [[Int]] {
        guard size > 0 else { return [[]] }
        guard items.count >= size else { return [] }
        let head = items[0], rest = Array(items.dropFirst())
        return subsets(of: rest, size: size - 1).map { [head] + $0 } + subsets(of: rest, size: size)
    }

    private func binomial(_ n: Int, _ k: Int) -> Int {
        (0..<k).reduce(1) { $0 * (n - $1) / ($1 + 1) }
    }
}
