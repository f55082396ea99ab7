import VaultModel
import Audit
import Consent
import Foundation

/// Moving a case to a partner organisation (R-CON-8). The person's agreement is given with the transfer (confirmed
/// by the advocate, or their signed agreement stored as a consent_form document in the same transaction), or
/// recorded later on the same command once the case is already there. The organisation the case leaves loses it:
/// its advocates are taken off the case, and the consent rules refuse it from the transfer date (Consent's
/// transferred-away overlay). Every step is appended to the case's transfers, which `case show` lists.
extension Vault {
    public enum TransferAgreement: Sendable {
        /// The advocate confirms the person agreed.
        case agreed
        /// The person's signed agreement, stored as a consent_form document of the case.
        case form(IngestFile)
        /// Not (yet) agreed: existing consents do not cover the receiving organisation's advocates.
        case notAgreed

        var isAgreed: Bool { if case .notAgreed = self { false } else { true } }
    }

    public struct TransferResult: Sendable {
        public let facts: CaseFacts
        /// The case was already with the organisation: only the person's agreement was added.
        public let agreementOnly: Bool
        public let formDocumentID: String?
        /// The previous organisation's advocates taken off the case.
        public let unassigned: [String]
        /// The receiving organisation's advocates assigned to the case now.
        public let advocates: [String]
    }

    public func transferCase(_ caseID: CaseID, to organisation: OrganisationID, agreement: TransferAgreement, on date: CivilDate,
                             assign advocates: [AccountID] = []) throws -> TransferResult {
        let caseID = caseID.rawValue
        let organisation = organisation.rawValue
        let advocates = AccountID.raw(advocates)
        var formDocumentID: String?
        var result: TransferResult?
        func apply(_ tx: any VaultRecordWriting) throws {
            result = try applyTransfer(caseID, to: organisation, agreement: agreement, on: date, assign: advocates, form: formDocumentID, in: tx)
        }
        if case .form(let file) = agreement {
            // Checked before the form is read, so a refusal stores nothing (and is checked again in the write).
            _ = try guarded { try store.read { tx in try checkTransfer(caseID, to: organisation, agreed: true, in: tx) } }
            let options = IngestOptions(kind: .consentForm, date: date.description, allowDuplicate: false, actor: actor, batchSize: 1)
            _ = try guarded { try ingest(caseID: caseID, files: [file], options: options, progress: { _, _ in }) { tx, results in
                switch results.first?.outcome {
                case .stored(let document, _)?, .duplicate(let document)?:
                    formDocumentID = document.rawValue
                case .failed(let reason)?:
                    throw VaultError.invalidInput("the signed agreement \(file.path) could not be stored (\(reason)); nothing was recorded")
                case nil:
                    throw VaultError.invalidInput("the signed agreement \(file.path) could not be stored; nothing was recorded")
                }
                try apply(tx)
            } }
        } else {
            try guarded { try store.write { tx in try apply(tx) } }
        }
        forgetCaseKeys(caseID)
        guard let result else { throw VaultError.invalidInput("the transfer of case \(caseID) was not recorded") }
        return result
    }

    /// Who may, and whether there is anything to do: a new transfer, or the agreement to one already made.
    private func checkTransfer(_ caseID: String, to organisation: String, agreed: Bool,
                               in tx: any VaultRecordReading) throws -> (CaseRecord, CaseFacts) {
        guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
        try requireMember(.caseTransfer, of: record, in: tx)
        guard record.caseStatus != .erased else { throw VaultError.caseNotOpen(id: caseID, status: record.status) }
        guard try tx.organisation(organisation) != nil else { throw VaultError.notFound(kind: "organisation", id: organisation) }
        let facts = try caseFacts(record, in: tx)
        if record.organisationID == organisation {
            guard let last = facts.transfers.last(where: { $0.toOrg == organisation }) else {
                throw VaultError.invalidInput("case \(caseID) was opened by \(organisation) and has stayed there; there is nothing to transfer")
            }
            if last.consented || !agreed {
                throw VaultError.alreadyTransferred(caseID: caseID, organisation: organisation, since: last.date?.description, agreed: last.consented)
            }
        }
        return (record, facts)
    }

    private func applyTransfer(_ caseID: String, to organisation: String, agreement: TransferAgreement, on date: CivilDate,
                               assign advocates: [String], form: String?, in tx: any VaultRecordWriting) throws -> TransferResult {
        var (record, facts) = try checkTransfer(caseID, to: organisation, agreed: agreement.isAgreed, in: tx)
        let existing = try tx.consentRecord(Self.factsRecordID(caseID))
        let agreementOnly = record.organisationID == organisation
        // Appended, never edited: a later agreement is its own entry, dated when it was given.
        let from = agreementOnly ? (facts.transfers.last { $0.toOrg == organisation }?.fromOrg ?? record.organisationID) : record.organisationID
        facts.transfers.append(CaseTransfer(fromOrg: from, toOrg: organisation, date: date, consented: agreement.isAgreed))
        var unassigned: [String] = []
        if !agreementOnly {
            record.organisationID = organisation
            for advocate in try tx.caseAdvocates(caseID) where try tx.advocate(advocate)?.organisationID != organisation {
                try tx.deleteCaseAdvocate(caseID: caseID, advocateID: advocate)
                unassigned.append(advocate)
            }
        }
        var assigned: [String] = []
        for advocate in advocates where !assigned.contains(advocate) {
            guard let account = try tx.advocate(advocate) else { throw VaultError.notFound(kind: "advocate", id: advocate) }
            guard account.organisationID == organisation, account.role != AccountRole.admin.rawValue else {
                throw VaultError.invalidInput("advocate \(advocate) is not an advocate of \(organisation), so cannot be assigned to its case; nothing was changed")
            }
            try requireAssignable(account, in: tx)
            if try !tx.caseAdvocates(caseID).contains(advocate) {
                try tx.insert(CaseAdvocateRecord(caseID: caseID, advocateID: advocate))
                assigned.append(advocate)
            }
        }
        try tx.update(record)
        // Sealed before the rotation below, while the key is one this advocate holds: the rotation re-seals it under
        // the new version, which only the receiving organisation's people hold.
        try saveCaseParties(caseID, in: tx) { $0.transfers = facts.transfers }
        try tx.save(try sealConsent(facts, id: Self.factsRecordID(caseID), type: .caseFacts, caseID: caseID, personID: nil,
                                    createdAt: existing?.createdAt, in: tx))
        // With identities the old organisation's people lose the case key: a new version, wrapped to the new holders
        // (those assigned just now among them). An agreement to a case already here only shares it with the newly assigned.
        if !agreementOnly {
            try rotateAfterLosingHolder(caseID: caseID, in: tx)
        } else if !assigned.isEmpty {
            try shareKey(scope: KeyHierarchy.caseScope(caseID), in: tx)
        }
        var details = ["from": from, "to": organisation, "consented": String(agreement.isAgreed), "date": date.description]
        if agreementOnly { details["agreement_only"] = "true" }
        if let form { details["form_document"] = form }
        if !unassigned.isEmpty { details["unassigned"] = unassigned.joined(separator: ",") }
        if !assigned.isEmpty { details["assigned"] = assigned.joined(separator: ",") }
        try audit(event("case.transfer", caseID: caseID, details: details), in: tx)
        return TransferResult(facts: facts, agreementOnly: agreementOnly, formDocumentID: form, unassigned: unassigned,
                              advocates: try tx.caseAdvocates(caseID))
    }
}
