/// Shamir's scheme on bare points: each byte of the secret is the constant term of its own random
/// polynomial of degree k − 1 over GF(2^8), and share x holds every polynomial evaluated at x.
///
/// k − 1 points and any candidate secret byte determine exactly one polynomial, so fewer than k shares
/// are equally consistent with every secret (ShamirTests checks this byte by byte). The headers,
/// integrity check and refusals live in `Shamir`; this layer only does the arithmetic.
enum ShamirPolynomial {
    /// The values at x = 1...count. `fill` supplies the coefficients (the CSPRNG outside tests); they are
    /// wiped before returning, whether or not it succeeds.
    static func split(
        secret: SecureBytes, threshold: Int, count: Int,
        fill: (UnsafeMutableRawBufferPointer) throws -> Void = SystemRandom.fill
    ) throws -> [SecureBytes] {
        precondition(threshold >= 1 && threshold <= count && count <= 255, "checked by Shamir.split")
        let length = secret.count
        // coefficients[d * length + i] is the x^(d+1) coefficient of byte i's polynomial.
        let coefficients = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, (threshold - 1) * length), alignment: 16)
        defer {
            secureZero(coefficients)
            coefficients.deallocate()
        }
        coefficients.initializeMemory(as: UInt8.self, repeating: 0)
        if threshold > 1 && length > 0 {
            try fill(UnsafeMutableRawBufferPointer(rebasing: coefficients[0..<((threshold - 1) * length)]))
        }
        return secret.withUnsafeBytes { secretBytes in
            (1...count).map { x in
                SecureBytes(count: length) { out in
                    for i in 0..<length {
                        // Horner from the highest coefficient down to the secret byte.
                        var y: UInt8 = 0
                        var degree = threshold - 1
                        while degree >= 1 {
                            y = GF256.multiply(y, UInt8(x)) ^ coefficients[(degree - 1) * length + i]
                            degree -= 1
                        }
                        out[i] = GF256.multiply(y, UInt8(x)) ^ secretBytes[i]
                    }
                }
            }
        }
    }

    /// The Lagrange interpolation through `points` (distinct x, equal lengths) evaluated at `x`; at 0
    /// it is the secret. The basis weights depend only on the x values, which are public.
    static func interpolate(_ points: [(x: UInt8, y: SecureBytes)], at x: UInt8 = 0) -> SecureBytes {
        precondition(!points.isEmpty, "checked by Shamir.combine")
        let length = points[0].y.count
        let weights: [UInt8] = points.indices.map { i in
            var numerator: UInt8 = 1, denominator: UInt8 = 1
            for j in points.indices where j != i {
                numerator = GF256.multiply(numerator, x ^ points[j].x)
                denominator = GF256.multiply(denominator, points[i].x ^ points[j].x)
            }
            return GF256.divide(numerator, denominator)
        }
        return SecureBytes(count: length) { out in
            for (point, weight) in zip(points, weights) {
                point.y.withUnsafeBytes { y in
                    for i in 0..<length { out[i] ^= GF256.multiply(weight, y[i]) }
                }
            }
        }
    }
}
