/// Shamir's secret sharing over GF(2^8) for keys held by trustees: `split` makes n shares of which any
/// k recover the secret, and fewer than k say nothing about it; `combine` puts k or more back together.
///
/// Every share carries the split's random id, k, its index, a tag of the caller's context (the vault and
/// organisation it belongs to) and a 4-byte check of the secret: HMAC-SHA-256 keyed by the secret over
/// the split's header. `combine` refuses shares of different splits or contexts by name, and recomputes
/// the check on what it recombined, so a damaged share, a forged header or too few shares fail closed
/// (with a 2^-32 chance of a miss) instead of returning a wrong key.
///
/// The check is the one place the scheme is not information-theoretically secret: a trustee could
/// confirm a guess of the secret with it. That is harmless for random keys, which is why secrets shorter
/// than 16 bytes are refused.
public enum Shamir {
    public static let minimumSecretLength = 16
    public static let maximumShares = 255

    public static func split(secret: SecureBytes, threshold: Int, shares count: Int, context: String) throws(ShamirError) -> [Share] {
        guard threshold >= 2, threshold <= count, count <= maximumShares else {
            throw .invalidThreshold(threshold: threshold, shares: count)
        }
        guard secret.count >= minimumSecretLength, secret.count <= 255 else { throw .invalidSecretLength(secret.count) }
        let values: [SecureBytes]
        let splitID: ShareSplitID
        do {
            splitID = ShareSplitID(bytes: try SystemRandom.bytes(count: 4))
            values = try ShamirPolynomial.split(secret: secret, threshold: threshold, count: count)
        } catch {
            throw .randomGenerationFailed
        }
        let contextTag = Share.contextTag(for: context)
        let check = try secretCheck(secret, splitID: splitID, threshold: threshold, contextTag: contextTag)
        return values.enumerated().map { offset, value in
            Share(splitID: splitID, threshold: threshold, index: offset + 1, contextTag: contextTag, secretCheck: check, value: value)
        }
    }

    /// The secret, from at least `threshold` shares of one split made for `context`.
    public static func combine(_ shares: [Share], context: String) throws(ShamirError) -> SecureBytes {
        guard let first = shares.first else { throw .noShares }
        let contextTag = Share.contextTag(for: context)
        var seen = Set<Int>()
        for share in shares {
            guard share.splitID == first.splitID else { throw .differentSplits(first.splitID, share.splitID) }
            guard share.contextTag == contextTag else { throw .otherContext(index: share.index) }
            guard share.threshold == first.threshold, share.secretCheck == first.secretCheck,
                  share.value.count == first.value.count, (1...255).contains(share.index),
                  (2...255).contains(share.threshold) else { throw .inconsistentShares(index: share.index) }
            guard seen.insert(share.index).inserted else { throw .duplicateShare(index: share.index) }
        }
        guard shares.count >= first.threshold else { throw .tooFewShares(have: shares.count, need: first.threshold) }
        // All the shares given, not just k: an extra share that does not lie on the same polynomials
        // changes the result, and the check then refuses it rather than letting it pass unnoticed.
        let secret = ShamirPolynomial.interpolate(shares.map { (x: UInt8($0.index), y: $0.value) })
        let check = try secretCheck(secret, splitID: first.splitID, threshold: first.threshold, contextTag: contextTag)
        // The check is 4 bytes from a MAC; compared in constant time like any tag.
        guard constantTimeEquals(bigEndian(check), bigEndian(first.secretCheck)) else { throw .integrityCheckFailed }
        return secret
    }

    static func secretCheck(
        _ secret: SecureBytes, splitID: ShareSplitID, threshold: Int, contextTag: UInt32
    ) throws(ShamirError) -> UInt32 {
        var message = Array("casevault share check v1\n".utf8)
        message += splitID.bytes + [UInt8(threshold), UInt8(truncatingIfNeeded: secret.count)] + bigEndian(contextTag)
        do {
            let tag = try HMACSHA256.authenticationCode(for: message, key: secret)
            return UInt32(tag[0]) << 24 | UInt32(tag[1]) << 16 | UInt32(tag[2]) << 8 | UInt32(tag[3])
        } catch {
            throw .cryptographyFailed
        }
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }
}
