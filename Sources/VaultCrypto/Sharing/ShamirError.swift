/// Why a split or a recombination was refused. Messages name shares by split id and index, never
/// their contents or the secret, and say what to do next.
public enum ShamirError: Error, Equatable, Sendable, CustomStringConvertible {
    /// k and n must satisfy 2 ≤ k ≤ n ≤ 255.
    case invalidThreshold(threshold: Int, shares: Int)
    /// Only secrets of 16...255 bytes (keys) are split: see `Shamir.minimumSecretLength`.
    case invalidSecretLength(Int)
    case noShares
    case tooFewShares(have: Int, need: Int)
    /// Two shares with the same index were given (the same share twice, or a copy).
    case duplicateShare(index: Int)
    case differentSplits(ShareSplitID, ShareSplitID)
    /// The share was made for another context (another vault or organisation).
    case otherContext(index: Int)
    /// Shares of one split that disagree on their header or length: one of them is damaged or forged.
    case inconsistentShares(index: Int)
    /// The shares combined into something other than the secret they were made from.
    case integrityCheckFailed
    case randomGenerationFailed
    /// OpenSSL failed to compute the check (not a property of the shares).
    case cryptographyFailed

    public var description: String {
        switch self {
        case .invalidThreshold(let threshold, let shares):
            "cannot split into \(shares) shares needing \(threshold): at least 2 shares must be needed, "
                + "no more than the number of shares, and at most 255 shares can be made"
        case .invalidSecretLength(let count):
            "cannot split a secret of \(count) bytes: only keys of \(Shamir.minimumSecretLength) to 255 bytes are split"
        case .noShares:
            "no shares were given; enter the share codes of the trustees"
        case .tooFewShares(let have, let need):
            "\(have) share\(have == 1 ? "" : "s") given but \(need) are needed; ask another trustee for their share"
        case .duplicateShare(let index):
            "share \(index) was given twice; each trustee's share counts once, so ask another trustee"
        case .differentSplits(let first, let other):
            "the shares come from different splits (\(first) and \(other)); use only shares printed together, "
                + "from the most recent split"
        case .otherContext(let index):
            "share \(index) was made for another vault or organisation; check that the trustee brought the right one"
        case .inconsistentShares(let index):
            "share \(index) does not match the other shares of its split; it is damaged, so ask another trustee"
        case .integrityCheckFailed:
            "the shares do not recombine to the original secret: one of them is damaged or was altered; "
                + "try a different set of trustees' shares"
        case .randomGenerationFailed:
            "the random number generator failed, so no shares were made; try again"
        case .cryptographyFailed:
            "the cryptographic library failed while checking the secret; try again, and report it if it persists"
        }
    }
}
