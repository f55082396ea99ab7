/// Which split a share came from: 4 random bytes chosen at `Shamir.split`, printed as 8 hex digits
/// so that trustees and error messages can tell two splits apart. Not secret.
public struct ShareSplitID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public var description: String {
        let hex = String(rawValue, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    var bytes: [UInt8] { Shamir.bigEndian(rawValue) }

    init(bytes: some Collection<UInt8>) {
        rawValue = UInt32(bytes: bytes)
    }
}

/// One trustee's share of a secret, with the header that lets `Shamir.combine` refuse what does not
/// belong together: which split it is from, how many shares that split needs, its own index (the x
/// coordinate, 1...255), a tag of the context it was made for (e.g. vault and organisation), and a
/// short check of the secret. `description` never shows the value.
public struct Share: Sendable, Equatable, CustomStringConvertible {
    public let splitID: ShareSplitID
    /// How many shares of this split recover the secret (k).
    public let threshold: Int
    /// This share's x coordinate, 1...255 (0 would be the secret itself).
    public let index: Int
    /// The first 4 bytes of SHA-256 over the caller's context string (see `Share.contextTag(for:)`).
    public let contextTag: UInt32
    /// The first 4 bytes of HMAC-SHA-256 keyed by the secret (see `Shamir`): lets `combine` tell a
    /// correct recombination from garbage without storing the secret anywhere.
    public let secretCheck: UInt32
    public let value: SecureBytes

    /// Shares come from `Shamir.split` or `ShareCode.decode`, which check every field.
    init(
        splitID: ShareSplitID, threshold: Int, index: Int, contextTag: UInt32, secretCheck: UInt32, value: SecureBytes
    ) {
        self.splitID = splitID
        self.threshold = threshold
        self.index = index
        self.contextTag = contextTag
        self.secretCheck = secretCheck
        self.value = value
    }

    public var description: String {
        "Share(split \(splitID), index \(index), \(threshold) needed, <redacted \(value.count) bytes>)"
    }

    /// The tag a context string is recognised by. A domain prefix keeps it apart from any other hash
    /// the vault makes of the same ids.
    public static func contextTag(for context: String) -> UInt32 {
        var message = Array("casevault share context v1\n".utf8)
        message += Array(context.utf8)
        // SHA-256 through EVP cannot fail short of memory exhaustion; a failure must not yield a tag that
        // could match, so it traps rather than returning a constant.
        guard let digest = try? HashFunction.sha256.hash(message) else { fatalError("SHA-256 unavailable") }
        return UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
    }
}
