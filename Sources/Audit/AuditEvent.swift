import VaultCrypto

/// One audit entry. It names things by id only: no names, NHS numbers or file names in clear; where a
/// value must be matchable it is a keyed HMAC (as HashiCorp Vault's audit devices do).
public struct AuditEvent: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var time: String
    public var actor: String?
    public var action: String
    public var caseID: String?
    public var documentID: String?
    /// allow / warn / deny when the consent engine decided, else nil.
    public var decision: String?
    public var ruleIDs: [String]
    /// success, failure, refused.
    public var outcome: String
    /// Ids, counts and HMACs only, by key.
    public var details: [String: String]

    public init(sequence: Int64 = 0, time: String, actor: String?, action: String, caseID: String? = nil, documentID: String? = nil,
                decision: String? = nil, ruleIDs: [String] = [], outcome: String = "success", details: [String: String] = [:]) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.caseID = caseID
        self.documentID = documentID
        self.decision = decision
        self.ruleIDs = ruleIDs
        self.outcome = outcome
        self.details = details
    }

    /// The bytes the MAC covers: every field in a fixed order, each length-prefixed (4-byte big-endian), an
    /// absent value distinguished from an empty one, details sorted by key. The sequence number is left out
    /// on purpose: position is proven by the chain, so a moved row shows up as "reordered", not "modified".
    public var canonicalEncoding: [UInt8] {
        var out = Array("casevault-audit/v1".utf8)
        func field(_ value: String?) {
            guard let value else {
                out += [0xFF, 0xFF, 0xFF, 0xFF]
                return
            }
            let bytes = Array(value.utf8)
            let count = UInt32(bytes.count)
            out += [UInt8(count >> 24), UInt8(truncatingIfNeeded: count >> 16), UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)]
            out += bytes
        }
        field(time)
        field(actor)
        field(action)
        field(caseID)
        field(documentID)
        field(decision)
        field(String(ruleIDs.count))
        ruleIDs.forEach { field($0) }
        field(outcome)
        field(String(details.count))
        for key in details.keys.sorted() {
            field(key)
            field(details[key])
        }
        return out
    }
}

/// A stored entry: the event with its place in the chain, and (in a vault with identities) its actor's signature.
public struct ChainedEvent: Sendable, Equatable {
    public var event: AuditEvent
    public var previousMAC: [UInt8]
    public var entryMAC: [UInt8]
    /// The acting identity's Ed25519 signature (64 bytes) over `AuditChain.signedMessage`; nil in a key-file vault.
    public var signature: [UInt8]?

    public init(event: AuditEvent, previousMAC: [UInt8], entryMAC: [UInt8], signature: [UInt8]? = nil) {
        self.event = event
        self.previousMAC = previousMAC
        self.entryMAC = entryMAC
        self.signature = signature
    }
}

/// The hash chain: entry_mac = HMAC-SHA-256(audit key, previous entry_mac ‖ canonical entry).
public struct AuditChain: @unchecked Sendable {
    // @unchecked: `keyed` is only ever copied (EVP_MAC_CTX_dup reads it), never updated or finalised.
    let key: SecureBytes
    public let vaultID: String
    /// Who signs what this chain appends: the acting identity, or nil (a key-file vault, a verifier).
    public let signer: AuditSigner?
    private let keyed: HMACSHA256

    /// The audit key is the key file's own audit key (never a master key version, so retiring one leaves the log
    /// verifiable); it is never stored in the database.
    public init(auditKey: SecureBytes, vaultID: String, signer: AuditSigner? = nil) throws {
        guard auditKey.count == 32 else { throw VaultCryptoError.incorrectKeySize(expected: 32, got: auditKey.count) }
        key = auditKey
        self.vaultID = vaultID
        self.signer = signer
        keyed = try HMACSHA256(key: key)
    }

    /// What the first entry chains from: bound to the vault, so one vault's log cannot be spliced into another's.
    public var genesis: [UInt8] {
        get throws { try HMACSHA256.authenticationCode(for: Array("casevault-audit-genesis/v1".utf8) + Array(vaultID.utf8), key: key) }
    }

    public func mac(_ event: AuditEvent, previous: [UInt8]) throws -> [UInt8] {
        let mac = try keyed.copy()
        try mac.update(previous)
        try mac.update(event.canonicalEncoding)
        return try mac.finalize()
    }

    /// With a signer, the event must name the signer as its actor: a signature says who acted, so it is never put on
    /// an event naming someone else.
    public func append(_ event: AuditEvent, after previous: ChainedEvent?) throws -> ChainedEvent {
        var event = event
        event.sequence = (previous?.event.sequence ?? 0) + 1
        let previousMAC = try previous?.entryMAC ?? genesis
        var signature: [UInt8]?
        if let signer {
            guard event.actor == signer.accountID else { throw AuditSignatureError.actorIsNotSigner(actor: event.actor, signer: signer.accountID) }
            signature = try signer.key.signature(for: signedMessage(for: event, previousMAC: previousMAC))
        }
        return ChainedEvent(event: event, previousMAC: previousMAC, entryMAC: try mac(event, previous: previousMAC), signature: signature)
    }

    /// A keyed HMAC for values that must be matchable but not readable (destinations, file names).
    public func pseudonym(_ value: String) throws -> String {
        let derived = try HKDF.expand(.sha256, pseudoRandomKey: key, info: Array("casevault/audit-pseudonym/v1".utf8), outputCount: 32)
        return try HMACSHA256.authenticationCode(for: Array(value.utf8), key: derived).prefix(12).hexString
    }
}
