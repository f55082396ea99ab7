import VaultCrypto

/// A signed statement of the chain's head at some moment (like a Certificate Transparency tree head).
public struct AuditCheckpoint: Codable, Sendable, Equatable {
    public var format = "casevault-audit-checkpoint/v1"
    public var vaultID: String
    public var sequence: Int64
    public var headMAC: String
    public var time: String
    public var publicKey: String
    public var signature: String
    /// v2: the digest of the whole stored state at `sequence` (the state ledger's root), signed with the rest.
    public var stateDigest: String?

    public static let formatV2 = "casevault-audit-checkpoint/v2"

    enum CodingKeys: String, CodingKey {
        case format, sequence, time, signature
        case vaultID = "vault_id"
        case headMAC = "head_mac"
        case publicKey = "public_key"
        case stateDigest = "state_digest"
    }

    var signedBytes: [UInt8] {
        let v1 = Array(format.utf8) + [0] + Array(vaultID.utf8) + [0] + Array(String(sequence).utf8) + [0] + Array(headMAC.utf8) + [0] + Array(time.utf8)
        // The format names what is signed: a v2 checkpoint cannot pass as v1 by dropping its digest.
        return format == Self.formatV2 ? v1 + [0] + Array((stateDigest ?? "").utf8) : v1
    }

    public static func sign(vaultID: String, sequence: Int64, headMAC: [UInt8], time: String, stateDigest: [UInt8]? = nil,
                            key: Ed25519.PrivateKey) throws -> AuditCheckpoint {
        var checkpoint = AuditCheckpoint(vaultID: vaultID, sequence: sequence, headMAC: hex(headMAC), time: time,
                                         publicKey: hex(key.publicKey.rawRepresentation), signature: "")
        if let stateDigest {
            checkpoint.format = formatV2
            checkpoint.stateDigest = hex(stateDigest)
        }
        checkpoint.signature = hex(try key.signature(for: checkpoint.signedBytes))
        return checkpoint
    }

    /// Checks the signature against the vault's own public key (not the one the checkpoint carries).
    public func hasValidSignature(vaultPublicKey: Ed25519.PublicKey) -> Bool {
        guard format == "casevault-audit-checkpoint/v1" || (format == Self.formatV2 && stateDigest != nil),
              publicKey == hex(vaultPublicKey.rawRepresentation), let signature = unhex(signature) else { return false }
        return vaultPublicKey.isValidSignature(signature, for: signedBytes)
    }
}

func hex(_ bytes: [UInt8]) -> String { bytes.hexString }

func unhex(_ text: String) -> [UInt8]? {
    var bytes: [UInt8] = []
    var iterator = text.utf8.makeIterator()
    while let high = iterator.next() {
        guard let low = iterator.next(), let h = hexValue(high), let l = hexValue(low) else { return nil }
        bytes.append(h << 4 | l)
    }
    return bytes
}

private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
    default: nil
    }
}

/// What `audit verify` found: nothing, or the first broken link and its kind.
public enum AuditBreak: Sendable, Equatable, CustomStringConvertible {
    case modifiedEntry(sequence: Int64)
    case deletedEntry(before: Int64)
    case reorderedEntries(at: Int64)
    case truncatedAfterCheckpoint(checkpointSequence: Int64, lastSequence: Int64)
    case checkpointMismatch(sequence: Int64)
    case checkpointSignatureInvalid
    case checkpointFromAnotherVault(String)
    /// Signed actions (vaults with identities): an event with no signature, one by a key other than its actor's, or one
    /// whose actor holds no identity.
    case unsignedEntry(sequence: Int64, actor: String)
    case misattributedEntry(sequence: Int64, actor: String)
    case unattributedEntry(sequence: Int64, actor: String?)

    public var kind: String {
        switch self {
        case .modifiedEntry: "modified_entry"
        case .deletedEntry: "deleted_entry"
        case .reorderedEntries: "reordered_entries"
        case .truncatedAfterCheckpoint: "truncated_after_checkpoint"
        case .checkpointMismatch: "checkpoint_mismatch"
        case .checkpointSignatureInvalid: "checkpoint_signature_invalid"
        case .checkpointFromAnotherVault: "checkpoint_from_another_vault"
        case .unsignedEntry: "unsigned_entry"
        case .misattributedEntry: "misattributed_entry"
        case .unattributedEntry: "unattributed_entry"
        }
    }

    public var description: String {
        switch self {
        case .modifiedEntry(let s): "entry \(s) was modified after it was written"
        case .deletedEntry(let s): "one or more entries before entry \(s) were deleted"
        case .reorderedEntries(let s): "entries were reordered: entry \(s) is not in the place it was written"
        case .truncatedAfterCheckpoint(let c, let last): "the log ends at entry \(last), but a signed checkpoint covers entries up to \(c): entries were removed from the end"
        case .checkpointMismatch(let s): "entry \(s) differs from the one the signed checkpoint covers"
        case .checkpointSignatureInvalid: "the checkpoint's signature is not valid for this vault's signing key"
        case .checkpointFromAnotherVault(let id): "the checkpoint belongs to another vault (\(id))"
        case .unsignedEntry(let s, let actor):
            "event \(s) says it was done by \(actor) but carries no signature from their identity: it was written or changed outside casevault; keep the vault as it is and compare it with a backup"
        case .misattributedEntry(let s, let actor):
            "event \(s) says it was done by \(actor) but is not signed by their identity: it was written or changed outside casevault; keep the vault as it is and compare it with a backup"
        case .unattributedEntry(let s, let actor):
            "event \(s) names \(actor.map { "account \($0)" } ?? "no account"), which held no identity when it was written: it was written or changed outside casevault; keep the vault as it is and compare it with a backup"
        }
    }
}

public struct AuditVerifier: Sendable {
    public let chain: AuditChain

    public init(chain: AuditChain) { self.chain = chain }

    /// Walks the chain in sequence order and returns the first break, or nil when every link holds and
    /// every checkpoint given matches.
    public func verify(_ entries: [ChainedEvent], checkpoints: [AuditCheckpoint], vaultPublicKey: Ed25519.PublicKey) throws -> AuditBreak? {
        for checkpoint in checkpoints {
            guard checkpoint.vaultID == chain.vaultID else { return .checkpointFromAnotherVault(checkpoint.vaultID) }
            guard checkpoint.hasValidSignature(vaultPublicKey: vaultPublicKey) else { return .checkpointSignatureInvalid }
        }
        let genesis = try chain.genesis
        var expectedPrevious = genesis
        // Built only when a link breaks: where in the log does this entry's predecessor stand?
        var positions: [[UInt8]: Int]?
        func place(of mac: [UInt8]) -> Int? {
            if positions == nil {
                positions = Dictionary(entries.enumerated().map { ($0.element.entryMAC, $0.offset) }, uniquingKeysWith: { a, _ in a })
            }
            return positions?[mac]
        }
        for (position, entry) in entries.enumerated() {
            let authentic = constantTimeEquals(try chain.mac(entry.event, previous: entry.previousMAC), entry.entryMAC)
            guard authentic else { return .modifiedEntry(sequence: entry.event.sequence) }
            if !constantTimeEquals(entry.previousMAC, expectedPrevious) {
                // An authentic entry in the wrong place: its predecessor is elsewhere in the log (moved), or
                // gone (deleted).
                if entry.previousMAC == genesis || place(of: entry.previousMAC) != nil {
                    return .reorderedEntries(at: entry.event.sequence)
                }
                return .deletedEntry(before: entry.event.sequence)
            }
            // The chain holds, so nothing was removed: a sequence number out of step was itself edited.
            let expectedSequence = position == 0 ? 1 : entries[position - 1].event.sequence + 1
            if entry.event.sequence != expectedSequence { return .modifiedEntry(sequence: entry.event.sequence) }
            expectedPrevious = entry.entryMAC
        }
        let last = entries.last?.event.sequence ?? 0
        for checkpoint in checkpoints.sorted(by: { $0.sequence < $1.sequence }) {
            guard checkpoint.sequence <= last else {
                return .truncatedAfterCheckpoint(checkpointSequence: checkpoint.sequence, lastSequence: last)
            }
            guard let entry = entries.first(where: { $0.event.sequence == checkpoint.sequence }), hex(entry.entryMAC) == checkpoint.headMAC else {
                return .checkpointMismatch(sequence: checkpoint.sequence)
            }
        }
        return nil
    }
}
