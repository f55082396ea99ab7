import VaultCrypto
import XCTest

/// RFC 6238 appendix B (8 digits, 30 s steps) for SHA-1, which authenticator apps use, and the SHA-256/512 rows with
/// their longer seeds; RFC 4648 §10 for base32.
final class TOTPTests: XCTestCase {
    static let seedSHA1 = Array("12345678901234567890".utf8)
    static let seedSHA256 = Array("12345678901234567890123456789012".utf8)
    static let seedSHA512 = Array("1234567890123456789012345678901234567890123456789012345678901234".utf8)

    /// (time, SHA-1, SHA-256, SHA-512), appendix B's table.
    static let vectors: [(Int64, String, String, String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    func testRFC6238AppendixBVectors() throws {
        for (time, sha1, sha256, sha512) in Self.vectors {
            let t1 = TOTP(digest: .sha1, digits: 8)
            XCTAssertEqual(try t1.code(secret: SecureBytes(copying: Self.seedSHA1), step: t1.step(at: time)), sha1, "SHA-1 at \(time)")
            let t256 = TOTP(digest: .sha256, digits: 8)
            XCTAssertEqual(try t256.code(secret: SecureBytes(copying: Self.seedSHA256), step: t256.step(at: time)), sha256, "SHA-256 at \(time)")
            let t512 = TOTP(digest: .sha512, digits: 8)
            XCTAssertEqual(try t512.code(secret: SecureBytes(copying: Self.seedSHA512), step: t512.step(at: time)), sha512, "SHA-512 at \(time)")
        }
    }

    /// The default (what apps show): the last six digits of the eight-digit SHA-1 code, as RFC 4226's truncation gives.
    func testSixDigitCodesAreTheLastSixOfTheEight() throws {
        let secret = SecureBytes(copying: Self.seedSHA1)
        for (time, sha1, _, _) in Self.vectors {
            let totp = TOTP()
            XCTAssertEqual(try totp.code(secret: secret, step: totp.step(at: time)), String(sha1.suffix(6)))
        }
    }

    func testOneStepEitherSideIsAcceptedAndNothingFurther() throws {
        let totp = TOTP()
        let secret = try SecureBytes.random(count: TOTP.secretSize)
        let now: Int64 = 1_765_000_015
        let step = totp.step(at: now)
        for offset in Int64(-1)...1 {
            XCTAssertEqual(try totp.matchingStep(try totp.code(secret: secret, step: step + offset), secret: secret, at: now), step + offset)
        }
        for offset: Int64 in [-3, -2, 2, 3] {
            let code = try totp.code(secret: secret, step: step + offset)
            // A far code may collide with a near one by chance (1 in 10^6 per step); only a real mismatch counts.
            let near = try (-1...1).map { try totp.code(secret: secret, step: step + Int64($0)) }
            if !near.contains(code) { XCTAssertNil(try totp.matchingStep(code, secret: secret, at: now), "offset \(offset)") }
        }
        let current = try totp.code(secret: secret, step: step)
        XCTAssertEqual(try totp.matchingStep(String(current.prefix(3)) + " " + String(current.suffix(3)), secret: secret, at: now), step,
                       "spaces as apps show them are ignored")
        XCTAssertNil(try totp.matchingStep(current + "0", secret: secret, at: now))
        XCTAssertNil(try totp.matchingStep("", secret: secret, at: now))
        XCTAssertNil(try totp.matchingStep("12345a", secret: secret, at: now))
        let other = try SecureBytes.random(count: TOTP.secretSize)
        let otherCode = try totp.code(secret: other, step: step)
        if otherCode != current { XCTAssertNil(try totp.matchingStep(otherCode, secret: secret, at: now), "another secret's code") }
    }

    func testBase32RFC4648VectorsAndRoundTrip() throws {
        let vectors = [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")]
        for (plain, encoded) in vectors {
            XCTAssertEqual(Base32.encode(SecureBytes(copying: Array(plain.utf8))), encoded)
            XCTAssertEqual(Base32.decode(encoded)?.unsafeCopyToArray(), Array(plain.utf8))
        }
        XCTAssertEqual(Base32.decode("mzxw 6ytb oi======")?.unsafeCopyToArray(), Array("foobar".utf8), "lower case, spaces, padding")
        XCTAssertNil(Base32.decode("MZXW1"), "1 is not base32")
        let secret = try SecureBytes.random(count: TOTP.secretSize)
        XCTAssertEqual(Base32.decode(Base32.encode(secret))?.unsafeCopyToArray(), secret.unsafeCopyToArray())
    }

    func testTheOtpauthURIHasWhatAppsRead() throws {
        let secret = SecureBytes(copying: Self.seedSHA1)
        let uri = TOTP().uri(secret: secret, issuer: "casevault", label: "adv-0123 x")
        XCTAssertEqual(uri, "otpauth://totp/casevault:adv-0123%20x?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=casevault&algorithm=SHA1&digits=6&period=30")
    }
}
