import Audit
import Consent
import Foundation

/// Voiding a consent record: the advocate recorded something the person never gave (a typo in the case, the wrong
/// grantee, a duplicate). That is different from a withdrawal, which is the person's own decision, dated, and part
/// of the history the rules read (R-CON-2). A voided record stays sealed in the vault with who voided it, when and
/// why, but counts for no decision from then on.
extension Vault {
    public struct Voiding: Codable, Sendable, Equatable {
        public var at: String
        public var by: String?
        public var reason: String
    }

    public func voidAuthority(_ id: RecordID, reason: String) throws -> StoredAuthority {
        let id = id.rawValue
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw VaultError.invalidInput("say why consent \(id) is void (what was recorded wrongly); nothing was changed")
        }
        return try guarded { try store.write { tx in
            guard let record = try tx.consentRecord(id), record.recordType == ConsentRecordType.authority.rawValue else {
                throw VaultError.notFound(kind: "consent", id: id)
            }
            try requireMember(.caseChange, of: try caseRecord(of: record, in: tx), in: tx)
            var stored = try openConsent(record, as: StoredAuthority.self, in: tx)
            if let voided = stored.voided {
                throw VaultError.invalidInput("consent \(id) was already voided on \(voided.at); nothing was changed")
            }
            if let withdrawn = stored.authority.withdrawnOn {
                throw VaultError.invalidInput(
                    "consent \(id) was withdrawn by the person on \(withdrawn). A withdrawal is their decision and stays on the record "
                        + "(R-CON-2); it already stops anything new being done under this consent. Voiding is only for a consent that "
                        + "was recorded by mistake and never given. Nothing was changed.")
            }
            stored.voided = Voiding(at: timestamp(), by: actor, reason: reason)
            try saveAuthority(stored, id: id, caseID: record.caseID, personID: record.personID, createdAt: record.createdAt, in: tx)
            // The reason stays sealed in the record: it may name the person or their circumstances.
            try audit(event("consent.void", caseID: record.caseID, details: ["authority": id]), in: tx)
            return stored
        } }
    }
}
