import XCTest
@testable import VaultCrypto

final class ShareCodeTests: XCTestCase {
    let context = "vault-3f2a/org-7"

    private func sampleShare(length: Int = 32) throws -> Share {
        try Shamir.split(secret: SecureBytes.random(count: length), threshold: 2, shares: 3, context: context)[1]
    }

    func testThirtyTwoByteShareIsThirtyEightWordsAndRoundTrips() throws {
        let share = try sampleShare()
        let words = ShareCode.words(for: share)
        XCTAssertEqual(words.count, 38)
        XCTAssertEqual(try ShareCode.decode(words.joined(separator: " "), context: context), share)
        // As printed (numbered lines), in capitals, with stray punctuation: the same share.
        let printed = ShareCode.printable(words)
        XCTAssertTrue(printed.hasPrefix("  1. \(words[0])"))
        XCTAssertEqual(printed.split(separator: "\n").count, 10)
        XCTAssertEqual(try ShareCode.decode(printed.uppercased() + ".", context: context), share)
    }

    /// Every position, every kind of substitution tried there (50 other words each): the checksum
    /// names exactly that position.
    func testOneWrongWordIsNamedAtEveryPosition() throws {
        let share = try sampleShare()
        let words = ShareCode.words(for: share)
        for position in words.indices {
            for _ in 0..<50 {
                var typed = words
                var replacement = words[position]
                while replacement == words[position] { replacement = shareWordList.randomElement()! }
                typed[position] = replacement
                XCTAssertThrowsError(try ShareCode.decode(typed.joined(separator: " "), context: context)) {
                    XCTAssertEqual($0 as? ShareCodeError, .wrongWord(position: position + 1))
                }
            }
        }
    }

    /// Two or three wrong words are always detected, and two are never blamed on a single word
    /// (minimum distance 4).
    func testTwoOrThreeWrongWordsAreDetected() throws {
        let words = ShareCode.words(for: try sampleShare())
        for wrong in [2, 3] {
            for _ in 0..<3_000 {
                var typed = words
                let positions = Array(words.indices.shuffled().prefix(wrong))
                for p in positions {
                    var replacement = words[p]
                    while replacement == words[p] { replacement = shareWordList.randomElement()! }
                    typed[p] = replacement
                }
                XCTAssertThrowsError(try ShareCode.decode(typed.joined(separator: " "), context: context)) {
                    guard let error = $0 as? ShareCodeError else { return XCTFail("\($0)") }
                    if wrong == 2, case .wrongWord = error { XCTFail("two wrong words \(positions) blamed on one") }
                }
            }
        }
    }

    func testSwappedMissingAndRepeatedWordsAreRefused() throws {
        let words = ShareCode.words(for: try sampleShare())
        for position in 0..<(words.count - 1) where words[position] != words[position + 1] {
            var swapped = words
            swapped.swapAt(position, position + 1)
            XCTAssertThrowsError(try ShareCode.decode(swapped.joined(separator: " "), context: context)) {
                XCTAssertEqual($0 as? ShareCodeError, .severalWrongWords(words: 38, expectedWords: nil))
            }
        }
        // Missing or repeated after the header (the header still says how long the code should be).
        for position in 8..<words.count {
            var missing = words
            missing.remove(at: position)
            XCTAssertThrowsError(try ShareCode.decode(missing.joined(separator: " "), context: context)) {
                XCTAssertEqual($0 as? ShareCodeError, .severalWrongWords(words: 37, expectedWords: 38))
            }
            var repeated = words
            repeated.insert(words[position], at: position)
            XCTAssertThrowsError(try ShareCode.decode(repeated.joined(separator: " "), context: context)) {
                XCTAssertEqual($0 as? ShareCodeError, .severalWrongWords(words: 39, expectedWords: 38))
            }
        }
    }

    func testUnknownWordIsNamedWithAnUnambiguousSuggestion() throws {
        var words = ShareCode.words(for: try sampleShare())
        words[4] = "abandn"
        XCTAssertThrowsError(try ShareCode.decode(words.joined(separator: " "), context: context)) {
            XCTAssertEqual($0 as? ShareCodeError, .unknownWord(position: 5, suggestion: "abandon"))
            XCTAssertFalse("\($0)".contains("abandon"), "the message itself repeats no word of the share")
            XCTAssertEqual(($0 as? ShareCodeError)?.interactiveHint, "did you mean \"abandon\" for word 5?")
        }
        XCTAssertEqual(ShareWords.suggestion(for: "abnadon"), "abandon")   // swapped letters, not the first four
        XCTAssertEqual(ShareWords.suggestion(for: "zooo"), "zoo")
        XCTAssertNil(ShareWords.suggestion(for: "xqzvw"))                   // nothing close
        XCTAssertEqual(ShareWords.suggestion(for: "freind"), "friend")
        XCTAssertNil(ShareWords.suggestion(for: "bax"))                     // "bag", "bar" and "box" are one edit away
    }

    /// 5 000 random 38-word sequences: none passes as a share (a random sequence passes the checksum
    /// with probability 2^-33, then the header's checks).
    func testRandomWordsAreNotAShare() {
        var accepted = 0, blamedOnOneWord = 0
        for _ in 0..<5_000 {
            let words = (0..<38).map { _ in shareWordList.randomElement()! }
            do {
                _ = try ShareCode.decode(words.joined(separator: " "), context: context)
                accepted += 1
            } catch .wrongWord {
                blamedOnOneWord += 1
            } catch {}
        }
        XCTAssertEqual(accepted, 0)
        // A random sequence is one word away from a codeword for about 38·2047/2^33 of them: almost never.
        XCTAssertLessThan(blamedOnOneWord, 5)
    }

    func testShareOfAnotherContextIsRefused() throws {
        let words = ShareCode.words(for: try sampleShare())
        XCTAssertThrowsError(try ShareCode.decode(words.joined(separator: " "), context: "vault-3f2a/org-8")) {
            XCTAssertEqual($0 as? ShareCodeError, .otherContext)
        }
    }

    /// A BIP-39 wallet phrase (24 words at most) is too short; a code checksummed without our
    /// customisation prefix (another scheme's Reed–Solomon words) fails the checksum.
    func testOtherSchemesCodesAreNotShares() throws {
        let phrase = Array(repeating: "abandon", count: 23) + ["art"]
        XCTAssertThrowsError(try ShareCode.decode(phrase.joined(separator: " "), context: context)) {
            XCTAssertEqual($0 as? ShareCodeError, .tooShort(words: 24))
        }
        let valid = ShareCode.words(for: try sampleShare()).map { ShareWords.indexByWord[$0]! }
        let data = Array(valid.dropLast(3))
        let uncustomised = data + ShareChecksum.checksum(for: data, customization: [])
        XCTAssertNotEqual(ShareChecksum.verify(uncustomised), .valid)
        XCTAssertThrowsError(try ShareCode.decode("", context: context)) { XCTAssertEqual($0 as? ShareCodeError, .empty) }
        XCTAssertThrowsError(try ShareCode.decode("abandon ability", context: context)) {
            XCTAssertEqual($0 as? ShareCodeError, .tooShort(words: 2))
        }
    }

    /// A code that passes its checksum but claims a newer format, or an impossible index, is refused.
    func testCraftedCodesWithValidChecksumAreRefused() throws {
        let share = try sampleShare()
        func craft(_ edit: (inout [UInt8]) -> Void) -> String {
            var payload = [UInt8(1)] + share.splitID.bytes + [2, UInt8(share.index), 32]
                + Shamir.bigEndian(share.contextTag) + Shamir.bigEndian(share.secretCheck) + share.value.unsafeCopyToArray()
            edit(&payload)
            var symbols = ShareCode.pack(payload)
            symbols += ShareChecksum.checksum(for: symbols)
            return symbols.map { shareWordList[Int($0)] }.joined(separator: " ")
        }
        XCTAssertEqual(try ShareCode.decode(craft { _ in }, context: context), share)
        XCTAssertThrowsError(try ShareCode.decode(craft { $0[0] = 2 }, context: context)) {
            XCTAssertEqual($0 as? ShareCodeError, .unsupportedVersion(2))
        }
        XCTAssertThrowsError(try ShareCode.decode(craft { $0[6] = 0 }, context: context)) {
            XCTAssertEqual($0 as? ShareCodeError, .malformed)
        }
        XCTAssertThrowsError(try ShareCode.decode(craft { $0[5] = 1 }, context: context)) {
            XCTAssertEqual($0 as? ShareCodeError, .malformed)
        }
    }

    func testWordListIsTheBIP39EnglishList() throws {
        XCTAssertEqual(shareWordList.count, 2048)
        XCTAssertEqual(Set(shareWordList).count, 2048)
        XCTAssertEqual(Set(shareWordList.map { $0.prefix(4) }).count, 2048, "first four letters are unique")
        let file = shareWordList.map { $0 + "\n" }.joined()
        XCTAssertEqual(try HashFunction.sha256.hash(Array(file.utf8)).hexString,
                       "2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda")
    }

    /// α = x generates all 2047 non-zero elements of GF(2^11) mod x^11 + x^2 + 1 (2047 = 23 · 89), which
    /// the checksum's error location relies on; and inverses are right.
    func testChecksumFieldIsPrimitive() {
        XCTAssertEqual(GF2048.power(GF2048.alpha, 2047), 1)
        XCTAssertNotEqual(GF2048.power(GF2048.alpha, 89), 1)
        XCTAssertNotEqual(GF2048.power(GF2048.alpha, 23), 1)
        for a in UInt16(1)...2047 { XCTAssertEqual(GF2048.multiply(a, GF2048.inverse(a)), 1) }
    }
}
