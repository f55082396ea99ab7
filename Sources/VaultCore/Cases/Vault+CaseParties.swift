import Consent
import Foundation
import VaultCrypto
import VaultStorage

/// What of a case every account must be able to read, kept apart from what only the case's own people may (issue 17).
///
/// A case's facts (complaint dates, NHS bodies, subjects, a body's refusal, transfers) and its registered people (ids,
/// roles, whether a first name is safe) are sealed under **the case key**: the roles and dates say things about the
/// person. Two things of them are needed by accounts holding no key to the case, and only those are kept under the
/// metadata key, in one `case_parties` record (`parties-<case id>`):
/// - the ids of the people registered on it (no role): erasing any case asks which people are on no other case, a
///   person's visibility and the re-sealing of their fields follow the cases they are on; the client's id is in the
///   clear `cases.client_id` already, and each record's person id in `consent_records.person_id`;
/// - the case's transfers (from, to, date, agreed): the consent rules tell the organisation a case left that it no
///   longer acts on it, and an organisation a transfer names is told more of a refusal (Vault+DisclosedDecision).
///   Which organisation holds a case is in `cases.organisation_id` in clear anyway;
/// - whom each of its consents covers (`Coverage`: the consent's id, its grantee, the accounts a handover names, the
///   date it was withdrawn), not voided: the authorities themselves are under the key of the person they are about (Vault+PersonRecordSealing),
///   and an account of another organisation is told which organisation a consent covers (R-CON-8) and what would
///   help (a transfer the person agrees to); a partner a consent or handover names is told more of a refusal. Legal
///   authorities (LPAs, deputyships…) are not listed: their kind says the person may lack capacity, and they never
///   reach an account of another organisation.
/// Case facts and people rows of an earlier release (under the metadata key) keep opening, and move under the case key
/// the next time they are written or the case key is rotated; the parties record is written with them.
extension Vault {
    struct CaseParties: Codable, Equatable {
        /// The people registered on the case (not its client), by id.
        var people: [String] = []
        var transfers: [CaseTransfer] = []
        var coverage: [Coverage] = []
    }

    /// Whom one consent of the case covers (see above).
    struct Coverage: Codable, Equatable {
        var id: String
        var party: Party
        /// The accounts a handover of the consent names (R-CON-7).
        var handovers: [String]
        /// When the person withdrew it: a partner the consent names is told so (R-CON-2), whatever its terms.
        var withdrawnOn: CivilDate?
    }

    static func coverage(of stored: StoredAuthority, id: String) -> Coverage? {
        guard stored.voided == nil, stored.authority.kind.isConsent, let party = stored.authority.party else { return nil }
        return Coverage(id: id, party: party, handovers: stored.authority.handovers.map(\.to), withdrawnOn: stored.authority.withdrawnOn)
    }

    /// Record types this release moved under the case key; unlike `caseScopedTypes`, rows of these that an earlier
    /// release sealed under the metadata key still open, until the case's vault marks them all moved.
    static let movedCaseTypes: Set<ConsentRecordType> = [.caseFacts, .casePeople]
    /// Every record type sealed under the case key when written.
    static let caseKeyTypes = caseScopedTypes.union(movedCaseTypes)

    static func partiesID(_ caseID: String) -> String { "parties-" + caseID }

    /// Set in a vault created with this release: a case's facts or people under the metadata key are refused as
    /// damaged there, so an account holding that key cannot slip one in.
    static let caseFactsMetaKey = "case_facts_sealed"

    func caseFactsAreUnderCaseKey(_ tx: any VaultRecordReading) throws -> Bool {
        try tx.meta(Self.caseFactsMetaKey) == Self.caseRowsUnderCaseKey
    }

    /// A case's facts, people or authorities go under a key not every account holds only once its parties record
    /// exists, so what every account needs of them stays readable: the upgrades of earlier releases re-seal rows
    /// without writing one, and keep them where they were.
    func caseKeyAllowed(_ type: ConsentRecordType, caseID: String, in tx: any VaultRecordReading) throws -> Bool {
        guard Self.movedCaseTypes.contains(type) || type == .authority else { return true }
        return try tx.consentRecord(Self.partiesID(caseID)) != nil
    }

    /// The case's parties: its record, else (a case of an earlier release) read from its facts and people records,
    /// which are then still under the metadata key. `keyNotHeld` only if those were moved without a parties record,
    /// which this release never writes.
    func caseParties(_ caseID: String, in tx: any VaultRecordReading) throws -> CaseParties {
        if let record = try tx.consentRecord(Self.partiesID(caseID)) { return try openConsent(record, as: CaseParties.self, in: tx) }
        var parties = CaseParties()
        if let people = try tx.consentRecord("people-" + caseID) {
            parties.people = try openConsent(people, as: CasePeople.self, in: tx).people.map(\.personID)
        }
        if let facts = try tx.consentRecord(Self.factsRecordID(caseID)) {
            parties.transfers = try openConsent(facts, as: CaseFacts.self, in: tx).transfers
        }
        for record in try tx.consentRecords(type: ConsentRecordType.authority.rawValue, caseID: caseID, personID: nil) {
            if let covered = Self.coverage(of: try openConsent(record, as: StoredAuthority.self, in: tx), id: record.id) { parties.coverage.append(covered) }
        }
        return parties
    }

    /// Saves the parties record when it changed (or was missing), in the caller's transaction.
    func saveCaseParties(_ caseID: String, in tx: any VaultRecordWriting, change: (inout CaseParties) -> Void) throws {
        let existing = try tx.consentRecord(Self.partiesID(caseID))
        let before = try caseParties(caseID, in: tx)
        var parties = before
        change(&parties)
        guard existing == nil || parties != before else { return }
        try tx.save(try sealConsent(parties, id: Self.partiesID(caseID), type: .caseParties, caseID: caseID, personID: nil,
                                    createdAt: existing?.createdAt, in: tx))
    }

    /// The ids of the people registered on a case, for the checks that must work without its key.
    func registeredPersonIDs(caseID: String, in tx: any VaultRecordReading) throws -> [String] {
        try caseParties(caseID, in: tx).people
    }

    /// Saves an authority (a consent, a legal authority) of a case, its coverage first (see above).
    func saveAuthority(_ stored: StoredAuthority, id: String, caseID: String?, personID: String?, createdAt: String? = nil,
                       in tx: any VaultRecordWriting) throws {
        if let caseID {
            try saveCaseParties(caseID, in: tx) { parties in
                parties.coverage.removeAll { $0.id == id }
                if let covered = Self.coverage(of: stored, id: id) { parties.coverage.append(covered) }
            }
        }
        try tx.save(try sealConsent(stored, id: id, type: .authority, caseID: caseID, personID: personID, createdAt: createdAt, in: tx))
    }

    /// The case's transfers, readable by every account (see above).
    func caseTransfers(caseID: String, in tx: any VaultRecordReading) throws -> [CaseTransfer] {
        try caseParties(caseID, in: tx).transfers
    }
}
