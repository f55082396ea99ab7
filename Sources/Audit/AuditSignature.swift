import VaultCrypto

/// The person acting, as the audit log's signer: in a vault with identities every event this process appends carries
/// their Ed25519 signature (issue 17, build 3). The HMAC chain proves the log was not changed by someone without the
/// audit key; but every member holds that key, so only a signature by a key one person holds says who acted.
public struct AuditSigner: Sendable, CustomStringConvertible {
    public let accountID: String
    let key: Ed25519.PrivateKey

    public init(accountID: String, key: Ed25519.PrivateKey) {
        self.accountID = accountID
        self.key = key
    }

    public var publicKey: Ed25519.PublicKey { key.publicKey }
    public var description: String { "AuditSigner(\(accountID), <redacted>)" }
}

public enum AuditSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An event naming someone other than the identity that would sign it: a bug, never written.
    case actorIsNotSigner(actor: String?, signer: String)

    public var description: String {
        switch self {
        case .actorIsNotSigner(let actor, let signer):
            "an audit event naming \(actor ?? "no one") cannot be signed by the identity of \(signer); nothing was written"
        }
    }
}

extension AuditChain {
    static let signatureTag = Array("casevault-audit-signature/v1".utf8)

    /// What an event's signature covers: a tag of its own (so the signature can never be mistaken for a checkpoint's or
    /// a bundle's), the vault id, the event's sequence, the MAC of the entry before it, and the event's canonical
    /// encoding. The canonical encoding leaves the sequence out (the MAC chain proves position), so it is added here:
    /// without the vault id and sequence a signed event could be copied into another vault's log, or moved to another
    /// place in this one, and still verify. The previous MAC binds the signature to the whole history before the event,
    /// so an earlier entry rewritten by someone holding the audit key breaks every later signature, not only its own.
    public func signedMessage(for event: AuditEvent, previousMAC: [UInt8]) -> [UInt8] {
        let count = UInt32(previousMAC.count)
        return Self.signatureTag + [0] + Array(vaultID.utf8) + [0] + Array(String(event.sequence).utf8) + [0]
            + [UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
            + previousMAC + event.canonicalEncoding
    }

    /// True when the entry carries a signature by `key` over its own place in this vault's log.
    public func hasValidSignature(_ entry: ChainedEvent, by key: Ed25519.PublicKey) -> Bool {
        guard let signature = entry.signature else { return false }
        return key.isValidSignature(signature, for: signedMessage(for: entry.event, previousMAC: entry.previousMAC))
    }
}

extension AuditVerifier {
    /// The attribution check: every entry from `requiredFrom` on must be signed by the key its actor held at that
    /// sequence (`key(actor, sequence)`, nil when the actor held none). Entries before it are unsigned by design (written
    /// before the vault had identities). Returns the first entry that fails, or nil.
    public func verifySignatures(_ entries: [ChainedEvent], requiredFrom: Int64,
                                 key: (String, Int64) -> Ed25519.PublicKey?) -> AuditBreak? {
        for entry in entries where entry.event.sequence >= requiredFrom {
            let sequence = entry.event.sequence
            guard let actor = entry.event.actor, let actorKey = key(actor, sequence) else {
                return .unattributedEntry(sequence: sequence, actor: entry.event.actor)
            }
            guard entry.signature != nil else { return .unsignedEntry(sequence: sequence, actor: actor) }
            guard chain.hasValidSignature(entry, by: actorKey) else { return .misattributedEntry(sequence: sequence, actor: actor) }
        }
        return nil
    }
}
