import VaultModel
import Audit
import Consent
import Foundation

/// R-CON-7: a consent that names one advocate reaches a colleague only with a warning, until the person confirms
/// that the colleague may take over. The confirmation is recorded once, on the consent, and the engine reads it as
/// the authority's `handovers` fact, so later commands by that colleague need no acknowledgement.
extension Vault {
    public struct HandoverRecord: Codable, Sendable, Equatable {
        public var to: String
        public var date: CivilDate
        public var recordedAt: String
        public var recordedBy: String?

        enum CodingKeys: String, CodingKey {
            case to, date
            case recordedAt = "recorded_at", recordedBy = "recorded_by"
        }
    }

    public func confirmHandover(_ id: RecordID, to advocateID: AccountID, on date: CivilDate) throws -> StoredAuthority {
        let id = id.rawValue
        let advocateID = advocateID.rawValue
        return try guarded { try store.write { tx in
            guard let record = try tx.consentRecord(id), record.recordType == ConsentRecordType.authority.rawValue else {
                throw VaultError.notFound(kind: "consent", id: id)
            }
            try requireMember(.caseChange, of: try caseRecord(of: record, in: tx), in: tx)
            var stored = try openConsent(record, as: StoredAuthority.self, in: tx)
            let authority = stored.authority
            if stored.voided != nil { throw VaultError.invalidInput("consent \(id) was voided, so it cannot be handed over; nothing was changed") }
            if let withdrawn = authority.withdrawnOn, withdrawn <= date {
                throw VaultError.invalidInput("consent \(id) was withdrawn on \(withdrawn), so it cannot be handed over; nothing was changed")
            }
            guard let grantee = authority.party, grantee.type == .advocate else {
                throw VaultError.invalidInput("consent \(id) is given to \(authority.party.map { "\($0.type.rawValue) \($0.id)" } ?? "nobody named"), "
                    + "not to one advocate, so no handover needs confirming (R-CON-7 is about consents naming an advocate); nothing was changed")
            }
            guard advocateID != grantee.id else {
                throw VaultError.invalidInput("consent \(id) already names \(advocateID); nothing was changed")
            }
            guard let colleague = try tx.advocate(advocateID), colleague.organisationID != nil else {
                throw VaultError.notFound(kind: "advocate", id: advocateID)
            }
            let granteeOrganisation = try tx.advocate(grantee.id)?.organisationID
            guard colleague.organisationID == granteeOrganisation else {
                throw VaultError.invalidInput("\(advocateID) is not a colleague of \(grantee.id) (another organisation): a handover "
                    + "covers colleagues only (R-CON-7); another organisation needs a transfer the person agreed to (R-CON-8). Nothing was changed")
            }
            if let existing = authority.handovers.first(where: { $0.to == advocateID }) {
                throw VaultError.invalidInput("the handover of consent \(id) to \(advocateID) was already confirmed on \(existing.date); nothing was changed")
            }
            stored.authority.handovers.append(Handover(to: advocateID, date: date))
            stored.handoverRecords = (stored.handoverRecords ?? []) + [HandoverRecord(to: advocateID, date: date, recordedAt: timestamp(), recordedBy: actor)]
            try saveAuthority(stored, id: id, caseID: record.caseID, personID: record.personID, createdAt: record.createdAt, in: tx)
            try audit(event("consent.handover", caseID: record.caseID, details: ["authority": id, "to": advocateID, "date": date.description]), in: tx)
            return stored
        } }
    }
}
