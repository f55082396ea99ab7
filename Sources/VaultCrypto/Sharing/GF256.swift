/// Arithmetic in GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1 (0x11B), FIPS-197 §4.
///
/// Shamir shares are secret, so nothing here branches on or indexes memory by a value: the usual
/// log/exp tables would leak the bytes being multiplied through the cache. Multiplication is
/// shift-and-xor with masks (eight fixed rounds), and the inverse is a^254 by a fixed chain of
/// squarings and multiplications (a^255 = 1 for a ≠ 0, so a^254 = a^-1; it gives 0 for 0).
enum GF256 {
    /// Addition and subtraction are both XOR.
    @inline(__always)
    static func add(_ a: UInt8, _ b: UInt8) -> UInt8 { a ^ b }

    /// Product modulo 0x11B, in the same eight steps whatever the operands.
    @inline(__always)
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a, b = b, product: UInt8 = 0
        for _ in 0..<8 {
            // 0 &- (b & 1) is 0x00 or 0xFF: adds a when b's low bit is set, without a branch.
            product ^= a & (0 &- (b & 1))
            // xtime (FIPS-197 §4.2.1): multiply by x and reduce by 0x1B when the top bit falls out.
            let carry = a >> 7
            a = (a << 1) ^ (0x1B & (0 &- carry))
            b >>= 1
        }
        return product
    }

    /// a^-1, or 0 for 0, as a^254 = a^(2+4+8+16+32+64+128).
    static func inverse(_ a: UInt8) -> UInt8 {
        let a2 = multiply(a, a)          // a^2
        var power = a2                   // a^(2^i), i = 1...7
        var result = a2
        for _ in 2...7 {
            power = multiply(power, power)
            result = multiply(result, power)
        }
        return result
    }

    static func divide(_ a: UInt8, _ b: UInt8) -> UInt8 {
        multiply(a, inverse(b))
    }
}
