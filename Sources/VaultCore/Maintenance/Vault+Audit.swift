import Audit
import Foundation
import VaultCrypto

extension Vault {
    public struct AuditLogEntry: Encodable, Sendable {
        public let sequence: Int64
        public let time: String
        public let actor: String?
        public let action: String
        public let caseID: String?
        public let documentID: String?
        public let decision: String?
        public let ruleIDs: [String]
        public let outcome: String
        public let details: [String: String]

        enum CodingKeys: String, CodingKey {
            case time, actor, action, decision, outcome, details
            case sequence = "seq"
            case caseID = "case_id"
            case documentID = "document_id"
            case ruleIDs = "rule_ids"
        }
    }

    public func auditLog(caseID: CaseID?, since: String?, actor: String?) throws -> [AuditLogEntry] {
        let caseID = caseID?.rawValue
        if let since { _ = try Validation.date(since, field: "the start date") }
        let events = try guarded { try store.read { tx -> [AuditEvent] in
            let own = try readableCases(caseID: caseID, in: tx)
            return try tx.auditEntries(caseID: caseID, since: since, actor: actor)
                .filter { entry in own.map { own in entry.event.caseID.map(own.contains) ?? (caseID == nil) } ?? true }
                .map { openingPrivateParts(of: $0.event, in: tx) }
        } }
        return events.map(Self.entry)
    }

    /// One page of the log, newest first: the events before `before` (a sequence number; nil: the newest), at most
    /// `limit` of them, and how many match in all. The page is chosen from the log's index (sequence and case of each
    /// entry), then only its rows are read and opened, so a page of a long log costs about its own size (the web's
    /// activity log, issue 22).
    public struct AuditLogPage: Sendable {
        public let entries: [AuditLogEntry]
        public let total: Int
        /// The sequence number to ask `before` for the next, older page; nil when this page reaches the oldest event.
        public let olderBefore: Int64?
    }

    public func auditLogPage(caseID: CaseID?, since: String?, actor: String?, before: Int64?, limit: Int) throws -> AuditLogPage {
        let caseID = caseID?.rawValue
        if let since { _ = try Validation.date(since, field: "the start date") }
        let limit = max(1, limit)
        let (events, total, older) = try guarded { try store.read { tx -> ([AuditEvent], Int, Int64?) in
            let own = try readableCases(caseID: caseID, in: tx)
            let index = try tx.auditIndex(caseID: caseID, since: since, actor: actor)
                .filter { entry in own.map { own in entry.caseID.map(own.contains) ?? (caseID == nil) } ?? true }
            // In sequence order, oldest first: the page is the `limit` entries just below `before`.
            let end = before.map { cursor in index.firstIndex { $0.sequence >= cursor } ?? index.endIndex } ?? index.endIndex
            let start = max(0, end - limit)
            let page = index[start..<end]
            guard let first = page.first?.sequence, let last = page.last?.sequence else { return ([], index.count, nil) }
            let wanted = Set(page.map(\.sequence))
            let events = try tx.auditEntries(from: first, through: last).filter { wanted.contains($0.event.sequence) }
                .map { openingPrivateParts(of: $0.event, in: tx) }
            return (events, index.count, start > 0 ? index[start].sequence : nil)
        } }
        return AuditLogPage(entries: events.reversed().map(Self.entry), total: total, olderBefore: older)
    }

    /// Who may read which events: administrators every event (ids only, nil here); a manager the events of their
    /// organisation's cases (and, without a case asked for, those about no case); anyone else is refused.
    private func readableCases(caseID: String?, in tx: any VaultRecordReading) throws -> Set<String>? {
        let account = try require(.auditRead, roles: [.admin, .manager], in: tx)
        guard account.role == .manager else { return nil }
        let own = Set(try tx.cases().filter { $0.organisationID == account.organisationID }.map(\.id))
        if let caseID, !own.contains(caseID) {
            throw AccessError.refused(operation: .auditRead, actor: account.id, subject: caseID, reason: "this needs \(VaultOperation.auditRead.who)")
        }
        return own
    }

    private static func entry(_ e: AuditEvent) -> AuditLogEntry {
        AuditLogEntry(sequence: e.sequence, time: e.time, actor: e.actor, action: e.action, caseID: e.caseID,
                      documentID: e.documentID, decision: e.decision, ruleIDs: e.ruleIDs, outcome: e.outcome, details: e.details)
    }

    /// Signs the chain's head with the vault's Ed25519 key and stores the checkpoint. Called at the end of
    /// every command that wrote events.
    @discardableResult
    public func writeCheckpoint() throws -> AuditCheckpoint? {
        // Decisions still held (`deferAllowedDecisions`) are written by this transaction's prelude, before it signs.
        guard eventsWritten > 0 || ledger.eventsAppended > 0 || !deferredEvents.isEmpty else { return nil }
        // This write signs its own checkpoint: the write hooks must not sign another.
        checkpointWithNextWrite = false
        let checkpoint = try store.write { tx in try signCheckpoint(in: tx) }
        eventsWritten = 0
        ledger.resetEventsAppended()
        // Only now that the checkpoint has committed (see moveStateMark for why the order matters).
        if let checkpoint { try moveStateMark(to: checkpoint) }
        return checkpoint
    }

    /// Writes the decisions held for the next write (`deferAllowedDecisions`) now, when the action will not write
    /// in this trip (a large download streams its body later).
    public func recordDeferredDecisions() throws {
        guard !deferredEvents.isEmpty else { return }
        try store.write { _ in }
    }

    /// What every write transaction does besides its body (LedgeredStore): first the decisions held for it
    /// (`deferAllowedDecisions`); last, when asked (`checkpointWithNextWrite`) and it recorded events, the signed
    /// checkpoint of the head it made. Each is forgotten only once the write has committed; the mark moves after.
    func installWriteHooks() {
        ledger.prelude = { [unowned self] tx in
            checkpointSignedInWrite = nil
            eventsBeforeWrite = eventsWritten
            for event in deferredEvents { try audit(event, in: tx) }
        }
        ledger.closing = { [unowned self] tx, ledgerLines in
            guard checkpointWithNextWrite, eventsWritten > eventsBeforeWrite || ledgerLines > 0 else { return }
            checkpointSignedInWrite = try signCheckpoint(in: tx, headJustAppended: true)
        }
        ledger.committed = { [unowned self] in
            deferredEvents = []
            guard let checkpoint = checkpointSignedInWrite else { return }
            checkpointSignedInWrite = nil
            checkpointWithNextWrite = false
            // It signs every event this vault wrote before it: the end of the work has nothing left to sign.
            eventsWritten = 0
            ledger.resetEventsAppended()
            // Durable now: the work goes ahead even if the mark cannot move yet, as at the end of a server's request
            // (`finishRequest`); the next checkpoint moves it.
            try? moveStateMark(to: checkpoint)
        }
    }

    /// Signs the chain's head (with the state digest) and stores it, or finds the checkpoint that already does.
    /// `headJustAppended`: this transaction appended the head a moment ago, under the writers' lock, so no
    /// checkpoint can sign it yet and none is looked for.
    private func signCheckpoint(in tx: any VaultRecordWriting, headJustAppended: Bool = false) throws -> AuditCheckpoint? {
        guard let head = try tx.lastAuditEntry() else { return nil }
        // The head has not moved since someone signed it (another request whose events share this head, often in
        // the same group commit): that checkpoint already vouches for it and for the state, which moves only with
        // events. Reused, so a server's concurrent requests store one checkpoint, not one each with the state
        // digest read and hashed again.
        if !headJustAppended, let signed = try reusableCheckpoint(at: head, in: tx) { return signed }
        let digest = try StateHash.root(try tx.stateBucketDigests().mapValues(Array.init))
        let checkpoint = try AuditCheckpoint.sign(vaultID: info.vaultID, sequence: head.event.sequence, headMAC: head.entryMAC,
                                                  time: timestamp(), stateDigest: digest, key: secrets.signingKey)
        try tx.insert(checkpoint)
        return checkpoint
    }

    /// A checkpoint of this vault already signing exactly `head` (sequence and MAC) with the state digest, its
    /// signature checked with the vault's key.
    func reusableCheckpoint(at head: ChainedEvent, in tx: any VaultRecordReading) throws -> AuditCheckpoint? {
        let mac = head.entryMAC.hexString
        return try tx.auditCheckpoints(sequence: head.event.sequence).last {
            $0.format == AuditCheckpoint.formatV2 && $0.stateDigest != nil && $0.vaultID == info.vaultID && $0.headMAC == mac
                && $0.hasValidSignature(vaultPublicKey: secrets.signingKey.publicKey)
        }
    }

    public func latestCheckpoint() throws -> AuditCheckpoint? {
        try store.read { try $0.auditCheckpoints() }.last
    }

    public struct AuditVerification: Encodable, Sendable {
        public let entries: Int
        public let checkpoints: Int
        public let ok: Bool
        public let breakKind: String?
        public let message: String?

        enum CodingKeys: String, CodingKey {
            case entries, checkpoints, ok, message
            case breakKind = "break"
        }
    }

    /// Checks every link of the chain and every stored checkpoint, plus `external` (an exported checkpoint
    /// kept off the machine), and, in a vault with identities, that each event is signed by the identity it names
    /// (Vault+AuditSignatures.swift); reports the first break.
    public func verifyAudit(external: AuditCheckpoint?) throws -> AuditVerification {
        let (entries, stored, accounts) = try store.read { tx in
            (try tx.auditEntries(caseID: nil, since: nil, actor: nil), try tx.auditCheckpoints(), try tx.advocates())
        }
        let checkpoints = stored + (external.map { [$0] } ?? [])
        var found = try AuditVerifier(chain: auditChain).verify(entries, checkpoints: checkpoints,
                                                                 vaultPublicKey: secrets.signingKey.publicKey)
        // The chain holds, yet every member holds its key: only the signatures say whether each event is whose it says.
        if found == nil { found = try signatureBreak(entries, accounts: accounts) }
        return AuditVerification(entries: entries.count, checkpoints: checkpoints.count, ok: found == nil, breakKind: found?.kind,
                                 message: found?.description)
    }
}
