import VaultModel
import Audit
import Consent
import Foundation
import VaultCrypto
import VaultStorage

/// Opening, reading and closing cases (moved out of Vault.swift, which held the class and every case operation).
extension Vault {
    public struct CaseInput: Sendable {
        public var clientID: PersonID
        public var organisationID: OrganisationID
        public var advocateIDs: [AccountID]
        public var nhsBody: String?
        public var incidentDate: String?
        public var awareDate: String?
        public var complaintDate: String?
        public var openedBy: AccountID?

        public init(clientID: PersonID, organisationID: OrganisationID, advocateIDs: [AccountID], nhsBody: String? = nil, incidentDate: String? = nil,
                    awareDate: String? = nil, complaintDate: String? = nil, openedBy: AccountID? = nil) {
            self.clientID = clientID
            self.organisationID = organisationID
            self.advocateIDs = advocateIDs
            self.nhsBody = nhsBody
            self.incidentDate = incidentDate
            self.awareDate = awareDate
            self.complaintDate = complaintDate
            self.openedBy = openedBy
        }
    }

    public func openCase(_ input: CaseInput) throws -> CaseID {
        let id = try Self.newID("case")
        let key = try SecureBytes.random(count: 32)
        try guarded { try store.write { tx in _ = try insertCase(id: id, input: input, key: key, in: tx) } }
        return CaseID(id)
    }

    /// The case's rows, its first key and its audit event, inside the caller's transaction (a plain opening, or a
    /// guided set-up that adds the situation's records to the same transaction).
    func insertCase(id: String, input: CaseInput, key: SecureBytes, in tx: any VaultRecordWriting) throws -> CaseRecord {
        for (value, field) in [(input.incidentDate, "the incident date"), (input.awareDate, "the date of awareness"), (input.complaintDate, "the complaint date")] {
            if let value { _ = try Validation.date(value, field: field) }
        }
        let created = timestamp()
        let (clientID, organisationID, advocateIDs) = (input.clientID.rawValue, input.organisationID.rawValue, AccountID.raw(input.advocateIDs))
        let account = try require(.caseOpen, roles: [.advocate, .manager], in: tx)
        guard try tx.organisation(organisationID) != nil else { throw VaultError.notFound(kind: "organisation", id: organisationID) }
        // `require` let no administrator through, so this asks that it is the account's own organisation.
        try requireOwnOrganisation(account, of: organisationID, .caseOpen, subject: organisationID,
                                   reason: "a case is opened by its own organisation's advocates")
        try requireVisible(.caseOpen, person: clientID, in: tx)
        for advocate in advocateIDs {
            guard let record = try tx.advocate(advocate) else { throw VaultError.notFound(kind: "advocate", id: advocate) }
            guard record.organisationID == organisationID, record.role != AccountRole.admin.rawValue else {
                throw VaultError.invalidInput("advocate \(advocate) is not an advocate of \(organisationID), so cannot be assigned to its case")
            }
            try requireAssignable(record, in: tx)
        }
        var record = CaseRecord(id: id, clientID: clientID, organisationID: organisationID, status: CaseStatus.open.rawValue, openedAt: created,
                                openedBy: input.openedBy?.rawValue, closedAt: nil,
                                reference: try nextCaseReference(prefix: try casePrefix(of: organisationID, in: tx),
                                                                 year: created.prefix(4), in: tx))
        try setCaseDetails(CaseDetails(nhsBody: input.nhsBody, incidentDate: input.incidentDate, awareDate: input.awareDate,
                                       complaintDate: input.complaintDate), on: &record, under: .caseKey(key, version: 1), in: tx)
        try tx.insert(record)
        for advocate in Set(advocateIDs) { try tx.insert(CaseAdvocateRecord(caseID: id, advocateID: advocate)) }
        try tx.insert(DataKeyRecord(scope: KeyHierarchy.caseScope(id), version: 1, createdAt: created))
        try insertWrappers(of: key, scope: KeyHierarchy.caseScope(id), version: 1, createdAt: created, in: tx)
        try audit(event("case.open", caseID: id, details: ["client": clientID, "organisation": organisationID,
                                                         "advocates": advocateIDs.sorted().joined(separator: ",")]), in: tx)
        return record
    }

    public struct CaseView: Encodable, Sendable {
        public let id: CaseID
        public let client: PersonID
        public let organisation: String
        public let advocates: [String]
        public let nhsBody: String?
        public let status: String
        public let incidentDate: String?
        public let awareDate: String?
        public let complaintDate: String?
        public let openedAt: String
        public let closedAt: String?
        public let documents: Int
        public let caseKeyVersion: Int?
        /// Names next to the ids (the case is one the account may read, so its people are visible to it).
        public let clientName: String
        public let organisationName: String
        public let advocateNames: [String]
        /// PREFIX-YYYY-NNNN (nil for a case opened before references, until its organisation sets a prefix).
        public var reference: String? = nil
        /// The NHS body's own reference: opened only for one case's detail, not for listings.
        public var theirReference: String? = nil
        /// The case's transfers, oldest first (one case's detail only).
        public var transfers: [CaseTransfer]? = nil

        enum CodingKeys: String, CodingKey {
            case id, client, organisation, advocates, status, documents, reference, transfers
            case theirReference = "their_reference"
            case clientName = "client_name", organisationName = "organisation_name", advocateNames = "advocate_names"
            case nhsBody = "nhs_body"
            case incidentDate = "incident_date"
            case awareDate = "aware_date"
            case complaintDate = "complaint_date"
            case openedAt = "opened_at"
            case closedAt = "closed_at"
            case caseKeyVersion = "case_key_version"
        }
    }

    func caseView(_ record: CaseRecord, tx: any VaultRecordReading) throws -> CaseView {
        let key = try metadataFieldKey(tx)
        let advocates = try tx.caseAdvocates(record.id).sorted()
        let client = try tx.person(record.clientID)
        // A client whose fields this account holds no key to (a case it may read by consent) is labelled, not opened.
        let clientName = try client.map { $0.erasedAt == nil ? try viewIfHeld($0, in: tx)?.name ?? Self.noKeyLabel : "(erased)" } ?? ""
        let advocateNames = try advocates.map { id in try tx.advocate(id).map { try name(ofAccount: $0, key: key) } ?? id }
        // Details under a case key this account does not hold (a case it may read by consent) are labelled.
        let details = try caseDetailsIfHeld(record, in: tx) ?? CaseDetails(nhsBody: Self.noKeyLabel)
        return CaseView(id: CaseID(record.id), client: PersonID(record.clientID), organisation: record.organisationID, advocates: advocates,
                        nhsBody: details.nhsBody, status: record.status, incidentDate: details.incidentDate, awareDate: details.awareDate,
                        complaintDate: details.complaintDate, openedAt: record.openedAt, closedAt: record.closedAt,
                        documents: try tx.documentCount(caseID: record.id),
                        caseKeyVersion: try tx.dataKeyVersions(scope: KeyHierarchy.caseScope(record.id)).last,
                        clientName: clientName, organisationName: try organisationName(record.organisationID, in: tx) ?? record.organisationID,
                        advocateNames: advocateNames, reference: record.reference)
    }

    /// The cases this account may read.
    public func cases() throws -> [CaseView] {
        try guarded { try store.read { tx in
            let account = try account(in: tx)
            return try tx.cases().filter { try mayRead($0, as: account, in: tx) }.map { try caseView($0, tx: tx) }
        } }
    }

    public func caseDetail(_ id: CaseID) throws -> CaseView {
        let id = id.rawValue
        return try guarded { try store.read { tx in
            guard let record = try tx.caseRecord(id) else { throw VaultError.notFound(kind: "case", id: id) }
            try requireRead(record, in: tx)
            var view = try caseView(record, tx: tx)
            view.theirReference = try theirReference(record, in: tx)
            // The transfers every account may read (Vault+CaseParties), not the facts under the case key.
            view.transfers = try caseTransfers(caseID: record.id, in: tx)
            return view
        } }
    }

    public func closeCase(_ id: CaseID) throws {
        let id = id.rawValue
        let closed = timestamp()
        try guarded { try store.write { tx in
            guard var record = try tx.caseRecord(id) else { throw VaultError.notFound(kind: "case", id: id) }
            try requireMember(.caseChange, of: record, in: tx)
            guard record.caseStatus == .open else { throw VaultError.caseNotOpen(id: id, status: record.status) }
            record.status = CaseStatus.closed.rawValue
            record.closedAt = closed
            try tx.update(record)
            try audit(event("case.close", caseID: id), in: tx)
        } }
    }
}

extension CaseRecord {
    /// The stored status as the shared enum (nil for a word this release does not know, which matches no case below).
    var caseStatus: CaseStatus? { CaseStatus(rawValue: status) }
}
