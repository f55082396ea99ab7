/// The three checksum words at the end of a share code: a Reed–Solomon code over GF(2^11), one symbol
/// per word, whose codewords vanish at α, α^2 and α^3.
///
/// Why this rather than a hash: the code has minimum distance 4, which guarantees that any 1, 2 or 3
/// wrong words are detected (a truncated hash only makes a miss unlikely), and that a single wrong
/// word is located exactly: its syndromes are e·X, e·X^2, e·X^3 with X = α^position, so X = S2/S1 names
/// the word, and no pattern of two wrong words can look like one (that would need two codewords at
/// distance 3). Three or more wrong words are still detected unless they happen to form another
/// codeword (2^-33 for random damage), but may be reported as a single wrong word. Swapped, missing or
/// repeated words are caught the same way. Which word to write instead is deliberately not given: the
/// trustee re-reads their paper copy.
///
/// A fixed customisation prefix ("casevault share v1", one symbol per character, not printed) is
/// part of every codeword, as SLIP-39 does with "shamir", so a code from another scheme using the same
/// word list (a BIP-39 wallet phrase) is not accepted as a share.
enum ShareChecksum {
    static let wordCount = 3
    static let customization: [UInt16] = Array("casevault share v1".utf8).map(UInt16.init)

    enum Verdict: Equatable {
        case valid
        /// 0-based position among the words given (data and checksum words).
        case oneWrongWord(position: Int)
        case severalWrongWords
    }

    /// The checksum words for `data` (11-bit symbols).
    static func checksum(for data: [UInt16], customization: [UInt16] = ShareChecksum.customization) -> [UInt16] {
        // Systematic encoding: the remainder of (prefix ‖ data)·x^3 divided by g(x) = (x−α)(x−α²)(x−α³).
        var remainder: [UInt16] = [0, 0, 0]
        for symbol in [customization, data].joined() {
            let feedback = symbol ^ remainder[0]
            remainder[0] = remainder[1] ^ GF2048.multiply(feedback, generator[1])
            remainder[1] = remainder[2] ^ GF2048.multiply(feedback, generator[2])
            remainder[2] = GF2048.multiply(feedback, generator[3])
        }
        return remainder
    }

    static func verify(_ words: [UInt16]) -> Verdict {
        let syndromes = (1...3).map { i in evaluate([customization, words].joined(), at: GF2048.power(GF2048.alpha, i)) }
        if syndromes.allSatisfy({ $0 == 0 }) { return .valid }
        let (s1, s2, s3) = (syndromes[0], syndromes[1], syndromes[2])
        // One error of value e at degree d: S_i = e·X^i with X = α^d, so S2² = S1·S3 and X = S2/S1.
        guard s1 != 0, s2 != 0, s3 != 0, GF2048.multiply(s2, s2) == GF2048.multiply(s1, s3) else {
            return .severalWrongWords
        }
        let locator = GF2048.multiply(s2, GF2048.inverse(s1))
        // Degrees 0..<words.count are the printed words, last word at degree 0; a degree inside the
        // (fixed, never wrong) prefix means the damage is not a single word.
        var power: UInt16 = 1
        for degree in 0..<words.count {
            if power == locator { return .oneWrongWord(position: words.count - 1 - degree) }
            power = GF2048.multiply(power, GF2048.alpha)
        }
        return .severalWrongWords
    }

    /// Coefficients of g(x) = (x − α)(x − α²)(x − α³), highest first (generator[0] = 1).
    static let generator: [UInt16] = {
        var g: [UInt16] = [1]
        for i in 1...3 {
            let root = GF2048.power(GF2048.alpha, i)
            var next = [UInt16](repeating: 0, count: g.count + 1)
            for (j, c) in g.enumerated() {
                next[j] ^= c
                next[j + 1] ^= GF2048.multiply(c, root)
            }
            g = next
        }
        return g
    }()

    /// The polynomial with coefficients `symbols` (highest degree first) at `x`, by Horner's rule.
    static func evaluate(_ symbols: some Sequence<UInt16>, at x: UInt16) -> UInt16 {
        symbols.reduce(0) { GF2048.multiply($0, x) ^ $1 }
    }
}

/// GF(2^11) modulo the primitive trinomial x^11 + x^2 + 1, for the checksum words. Multiplication is
/// shift-and-xor without tables, like GF256 (the symbols carry share material).
enum GF2048 {
    static let modulus: UInt32 = 0x805
    static let alpha: UInt16 = 2
    static let order = 2047

    static func multiply(_ a: UInt16, _ b: UInt16) -> UInt16 {
        var a = UInt32(a), b = UInt32(b), product: UInt32 = 0
        for _ in 0..<11 {
            product ^= a & (0 &- (b & 1))
            a <<= 1
            a ^= modulus & (0 &- (a >> 11))
            b >>= 1
        }
        return UInt16(product)
    }

    static func power(_ base: UInt16, _ exponent: Int) -> UInt16 {
        var result: UInt16 = 1
        for _ in 0..<exponent { result = multiply(result, base) }
        return result
    }

    /// a^(2^11 − 2) = a^-1 for a ≠ 0.
    static func inverse(_ a: UInt16) -> UInt16 {
        var result: UInt16 = 1, square = a
        var exponent = order - 1
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, square) }
            square = multiply(square, square)
            exponent >>= 1
        }
        return result
    }
}
