import XCTest
@testable import VaultCrypto

final class GF256Tests: XCTestCase {
    /// FIPS-197 §4.2 and §4.2.1: {57}·{83} = {c1}, {57}·{13} = {fe}, and the xtime chain of {57}.
    func testFIPS197Products() {
        XCTAssertEqual(GF256.multiply(0x57, 0x83), 0xC1)
        XCTAssertEqual(GF256.multiply(0x83, 0x57), 0xC1)
        XCTAssertEqual(GF256.multiply(0x57, 0x13), 0xFE)
        XCTAssertEqual(GF256.multiply(0x57, 0x02), 0xAE)
        XCTAssertEqual(GF256.multiply(0x57, 0x04), 0x47)
        XCTAssertEqual(GF256.multiply(0x57, 0x08), 0x8E)
        XCTAssertEqual(GF256.multiply(0x57, 0x10), 0x07)
    }

    func testEveryNonZeroElementHasAnInverse() {
        for a in UInt8(1)...255 {
            XCTAssertEqual(GF256.multiply(a, GF256.inverse(a)), 1, "a = \(a)")
        }
        XCTAssertEqual(GF256.inverse(0), 0)
    }

    /// The AES S-box is the inverse followed by an affine map (FIPS-197 §5.1.1); its published entries
    /// (Figure 7) check the inverse against the standard rather than against itself.
    func testInverseReproducesTheAESSBox() {
        func sbox(_ x: UInt8) -> UInt8 {
            let b = GF256.inverse(x)
            func rotl(_ v: UInt8, _ n: UInt8) -> UInt8 { v << n | v >> (8 - n) }
            return b ^ rotl(b, 1) ^ rotl(b, 2) ^ rotl(b, 3) ^ rotl(b, 4) ^ 0x63
        }
        let published: [UInt8: UInt8] = [0x00: 0x63, 0x01: 0x7C, 0x53: 0xED, 0x10: 0xCA, 0x7F: 0xD2, 0xC9: 0xDD, 0xFF: 0x16]
        for (input, output) in published { XCTAssertEqual(sbox(input), output, "S-box(\(input))") }
    }

    /// Against a plain carry-less multiply and long division by 0x11B, for all 65 536 pairs.
    func testMultiplyMatchesSchoolbookForAllPairs() {
        func reference(_ a: UInt8, _ b: UInt8) -> UInt8 {
            var product: UInt16 = 0
            for bit in 0..<8 where b >> bit & 1 == 1 { product ^= UInt16(a) << bit }
            for bit in stride(from: 15, through: 8, by: -1) where product >> bit & 1 == 1 { product ^= 0x11B << (bit - 8) }
            return UInt8(product)
        }
        var mismatches = 0
        for a in 0...255 {
            for b in 0...255 where GF256.multiply(UInt8(a), UInt8(b)) != reference(UInt8(a), UInt8(b)) { mismatches += 1 }
        }
        XCTAssertEqual(mismatches, 0)
    }
}
