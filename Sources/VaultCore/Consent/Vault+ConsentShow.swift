import Consent
import VaultModel

/// `consent show` and `consent show --history` for any front end: one record with its status today, what the rules
/// say about it, what happened to it, and names for the ids it mentions (those the acting account may see).
extension Vault {
    /// Where a consent record stands on a day.
    public enum ConsentStatus: Sendable, Equatable {
        case active
        case notYetValid(from: CivilDate)
        case expired(on: CivilDate)
        case withdrawn(on: CivilDate)
        /// A recording mistake (see Vault+ConsentVoid): it counts for no decision.
        case voided

        /// The word for the status, stable for JSON.
        public var name: String {
            switch self {
            case .active: "active"
            case .notYetValid: "not_yet_valid"
            case .expired: "expired"
            case .withdrawn: "withdrawn"
            case .voided: "voided"
            }
        }

        public var date: CivilDate? {
            switch self {
            case .active, .voided: nil
            case .notYetValid(let date), .expired(let date), .withdrawn(let date): date
            }
        }
    }

    /// One thing that happened to a consent record.
    public struct ConsentHistoryEntry: Sendable, Equatable {
        public enum Event: String, Sendable { case recorded, withdrawn, handover, voided }
        /// When it was recorded (the vault's timestamp); nil for a withdrawal recorded before that was kept.
        public let at: String?
        public let event: Event
        /// The account that recorded it.
        public let by: String?
        /// The day a withdrawal or a handover takes effect.
        public var date: CivilDate? = nil
        /// The advocate a handover is to.
        public var to: String? = nil
        public var receivedBy: WithdrawalChannel? = nil
        /// Why the record was voided (sealed with it; shown to those who may read the case).
        public var reason: String? = nil
    }

    public struct ConsentRecordView: Sendable {
        public let stored: StoredAuthority
        public let status: ConsentStatus
        /// What the consent rules say about this record (as `consent record` and `consent show` print them).
        public let warnings: [String]
        public let history: [ConsentHistoryEntry]
        /// Names for the ids the record mentions: organisations and accounts, and the people this account may see.
        public let names: [String: String]
    }

    /// One consent record for reading (case.read on its case, as `consent show`).
    public func consentRecordView(_ id: RecordID) throws -> ConsentRecordView {
        let stored = try authority(id)
        let warnings = try ruleWarnings(aboutAuthority: id, caseID: CaseID(stored.caseID), actions: stored.authority.scope?.actions)
        let known = try names()
        var names: [String: String] = [:]
        for mentioned in stored.mentionedIDs { if let name = known.name(mentioned) { names[mentioned] = name } }
        return ConsentRecordView(stored: stored, status: stored.status(on: today()), warnings: warnings, history: stored.history, names: names)
    }
}

extension Vault.StoredAuthority {
    /// Voided first (it counts for nothing), then withdrawn, not yet valid, expired; else active.
    public func status(on today: CivilDate) -> Vault.ConsentStatus {
        if voided != nil { return .voided }
        if let withdrawn = authority.withdrawnOn, withdrawn <= today { return .withdrawn(on: withdrawn) }
        if let from = authority.validFrom, today < from { return .notYetValid(from: from) }
        if let until = authority.validUntil, until < today { return .expired(on: until) }
        return .active
    }

    /// What happened to the record, oldest first.
    public var history: [Vault.ConsentHistoryEntry] {
        var entries = [Vault.ConsentHistoryEntry(at: recordedAt, event: .recorded, by: recordedBy)]
        if let withdrawn = authority.withdrawnOn {
            entries.append(.init(at: withdrawalRecordedAt, event: .withdrawn, by: withdrawalRecordedBy, date: withdrawn,
                                 receivedBy: withdrawalReceivedBy))
        }
        for handover in handoverRecords ?? [] {
            entries.append(.init(at: handover.recordedAt, event: .handover, by: handover.recordedBy, date: handover.date, to: handover.to))
        }
        if let voided {
            entries.append(.init(at: voided.at, event: .voided, by: voided.by, reason: voided.reason))
        }
        // Timestamps sort as text; an entry without one keeps its place after those with one.
        return entries.enumerated().sorted { lhs, rhs in
            switch (lhs.element.at, rhs.element.at) {
            case let (left?, right?): left == right ? lhs.offset < rhs.offset : left < right
            case (.some, .none): true
            case (.none, .some): false
            case (.none, .none): lhs.offset < rhs.offset
            }
        }.map(\.element)
    }

    /// Every id the record mentions: the person, who granted it, the grantee, handovers, and who recorded each change.
    public var mentionedIDs: [String] {
        var ids = [personID] + [authority.grantedBy, authority.party?.id, recordedBy, withdrawalRecordedBy, voided?.by].compactMap { $0 }
        ids += authority.handovers.map(\.to) + (handoverRecords ?? []).flatMap { [$0.to] + [$0.recordedBy].compactMap { $0 } }
        return ids.uniqued()
    }
}
