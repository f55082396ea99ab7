import VaultModel
import Audit
import Consent
import Foundation
import VaultCrypto

/// Consent records on the vault: authorities (with their signed form ingested as an encrypted document),
/// capacity assessments, a person's status (death, Gillick competence, objections) and a case's complaint
/// facts (events, transfers, refusals). Each is one sealed JSON payload, so nothing about who may act for
/// whom is readable, or editable, without the key. The engine reads them back as `ConsentFacts`.
extension Vault {
    /// What a sealed row of `consent_records` holds (the table keeps every sealed case-level record).
    enum ConsentRecordType: String {
        case authority, capacity
        case personStatus = "person_status"
        case caseFacts = "case_facts"
        case casePeople = "case_people"
        /// What every account may read of a case's facts and people: ids and transfers (Vault+CaseParties).
        case caseParties = "case_parties"
        case redactionTerms = "redaction_terms"
        case bundleLog = "bundle_log"
        case caseNote = "case_note"
        case reminder
        case personHistory = "person_history"
        case documentTombstone = "document_tombstone"
        /// Every record about a person alone (capacity, status, history), the kind sealed inside (Vault+PersonRecords).
        /// `capacity`, `person_status` and `person_history` are only read, in rows an earlier release wrote.
        case personRecord = "person_record"
        /// A case's sealed listing, a head and segments of what `list` prints (Vault+DocumentListing).
        case documentListing = "document_listing"
    }

    /// An authority as recorded: the engine's record plus where it came from.
    public struct StoredAuthority: Codable, Sendable, Equatable {
        public var authority: Authority
        public var caseID: String
        public var personID: String
        /// The signed form or order, stored as an encrypted `consent_form`/`authority_evidence` document of the case
        /// (`evidence` in vaults written before that kind existed).
        public var formDocumentID: String?
        public var recordedAt: String
        public var recordedBy: String?
        public var withdrawalRecordedAt: String?
        public var withdrawalRecordedBy: String?
        /// How the withdrawal reached the service. Optional: withdrawals recorded before it was asked have none.
        public var withdrawalReceivedBy: WithdrawalChannel?
        /// Set when the record was a recording mistake (see Vault+ConsentVoid): it then counts for no decision.
        public var voided: Voiding?
        /// Colleagues the person confirmed may take over a consent naming one advocate (R-CON-7), with who recorded it.
        public var handoverRecords: [HandoverRecord]?

        enum CodingKeys: String, CodingKey {
            case authority
            case caseID = "case_id", personID = "person_id", formDocumentID = "form_document_id", recordedAt = "recorded_at"
            case recordedBy = "recorded_by", withdrawalRecordedAt = "withdrawal_recorded_at", withdrawalRecordedBy = "withdrawal_recorded_by"
            case withdrawalReceivedBy = "withdrawal_received_by"
            case voided, handoverRecords = "handover_records"
        }
    }

    /// How a person told the service they withdraw their consent; kept so the withdrawal can be traced to its source.
    public enum WithdrawalChannel: String, Codable, Sendable, CaseIterable {
        case letter, phone, email
        case inPerson = "in-person"
    }

    /// Facts about a person that the rules need besides their identity.
    public struct PersonStatus: Codable, Sendable, Equatable {
        public var deceased = false
        public var dateOfDeath: CivilDate?
        public var gillickCompetent: Bool?
        public var objectsTo: [String] = []
        public var hasCapacity: Bool?

        public init() {}

        enum CodingKeys: String, CodingKey {
            case deceased
            case dateOfDeath = "date_of_death", gillickCompetent = "gillick_competent", objectsTo = "objects_to", hasCapacity = "has_capacity"
        }
    }

    public struct StoredCapacityAssessment: Codable, Sendable, Equatable {
        public var id: String
        public var personID: String
        public var assessment: CapacityAssessment

        enum CodingKeys: String, CodingKey { case id, assessment, personID = "person_id" }
    }

    public struct AuthorityInput: Sendable {
        public var caseID: CaseID
        public var personID: PersonID
        public var kind: AuthorityKind
        /// An organisation, an account or a person (`org-…`, `adv-…`, `per-…`): a party of any kind, so no one typed id.
        public var granteeID: String
        public var grantedBy: String?
        public var actions: [ConsentAction]
        public var bodies: [String]?
        public var thirdParties: [String]
        public var matters: [String]?
        public var validFrom: CivilDate?
        public var validUntil: CivilDate?
        public var form: IngestFile?
        public var signedOn: CivilDate?
        public var recordedBy: String?
        public var recordedOn: CivilDate?
        public var witness: String?
        public var evidence: [String]
        public var registered: Bool?
        public var claimArisingFromDeath: Bool?
        public var reasons: String?
        /// The caller's date (the store reads no clock for the rules' dates).
        public var today: CivilDate

        public init(caseID: CaseID, personID: PersonID, kind: AuthorityKind, granteeID: String, actions: [ConsentAction], today: CivilDate) {
            self.caseID = caseID
            self.personID = personID
            self.kind = kind
            self.granteeID = granteeID
            self.actions = actions
            self.today = today
            thirdParties = []
            evidence = []
        }
    }

    // MARK: - Authorities

    /// Records an authority. With a form, the form is ingested into the case as an encrypted document in
    /// the same transaction as the record: both commit, or neither does.
    public func recordAuthority(_ input: AuthorityInput) throws -> StoredAuthority {
        let (caseID, personID) = (input.caseID.rawValue, input.personID.rawValue)
        let id = try Self.newID("auth")
        let (prepared, grantee) = try guarded { try store.read { tx -> (Authority, Party) in
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: caseRecord, in: tx)
            guard caseRecord.caseStatus == .open else { throw VaultError.caseNotOpen(id: caseID, status: caseRecord.status) }
            // The person and a person grantee must be visible to the account: the record keeps the grantee's name,
            // which `consent show` prints, and the rules read the person's status.
            try requireVisible(.caseChange, person: personID, onMemberCase: caseRecord, in: tx)
            guard let personRecord = try tx.person(personID) else { throw VaultError.notFound(kind: "person", id: personID) }
            if input.granteeID.hasPrefix("per-") { try requireVisible(.caseChange, person: input.granteeID, onMemberCase: caseRecord, in: tx) }
            let (grantee, granteeName) = try resolveParty(input.granteeID, in: tx)
            let person = try view(personRecord, in: tx)
            return (try buildAuthority(id: id, input: input, caseRecord: caseRecord, person: person, grantee: grantee,
                                       granteeName: granteeName, in: tx), grantee)
        } }
        _ = grantee
        var stored = StoredAuthority(authority: prepared, caseID: caseID, personID: personID, formDocumentID: nil,
                                     recordedAt: timestamp(), recordedBy: actor)
        func commit(_ tx: any VaultRecordWriting) throws {
            try saveAuthority(stored, id: id, caseID: caseID, personID: personID, in: tx)
            // Ids only: the kind of authority (an LPA, a best-interests record) would itself reveal health information.
            var details = ["authority": id, "person": personID]
            if let document = stored.formDocumentID { details["form_document"] = document }
            try audit(event("consent.record", caseID: caseID, details: details), in: tx)
        }
        if let form = input.form {
            let kind: DocumentKind = input.kind.isConsent ? .consentForm : .authorityEvidence
            let options = IngestOptions(kind: kind, date: input.signedOn?.description, allowDuplicate: false, actor: actor, batchSize: 1)
            _ = try ingest(caseID: caseID, files: [form], options: options, progress: { _, _ in }) { tx, results in
                switch results.first?.outcome {
                case .stored(let document, _)?, .duplicate(let document)?:
                    stored.formDocumentID = document.rawValue
                case .failed(let reason)?:
                    throw VaultError.invalidInput("the form \(form.path) could not be stored (\(reason)); nothing was recorded")
                case nil:
                    throw VaultError.invalidInput("the form \(form.path) could not be stored; nothing was recorded")
                }
                try commit(tx)
            }
        } else {
            try store.write { tx in try commit(tx) }
        }
        return stored
    }

    private func resolveParty(_ id: String, in tx: any VaultRecordReading) throws -> (Party, String) {
        let key = try metadataFieldKey(tx)
        if id.hasPrefix("org-") {
            guard let organisation = try tx.organisation(id) else { throw VaultError.notFound(kind: "organisation", id: id) }
            return (Party(type: .organisation, id: id), try opened(organisation, in: tx).name)
        }
        if id.hasPrefix("adv-") {
            guard let advocate = try tx.advocate(id) else { throw VaultError.notFound(kind: "advocate", id: id) }
            let name = String(decoding: try KeyHierarchy.open(advocate.nameSealed, fieldKey: key, table: "advocates", column: "name", rowID: id), as: UTF8.self)
            return (Party(type: .advocate, id: id), name)
        }
        if id.hasPrefix("per-") {
            guard let person = try tx.person(id) else { throw VaultError.notFound(kind: "person", id: id) }
            return (Party(type: .person, id: id), try view(person, in: tx).name)
        }
        throw VaultError.invalidInput("the grantee must be an organisation (org-…), advocate (adv-…) or person (per-…) id")
    }

    func buildAuthority(id: String, input: AuthorityInput, caseRecord: CaseRecord, person: PersonView, grantee: Party,
                                granteeName: String, in tx: any VaultRecordReading) throws -> Authority {
        let isConsent = input.kind.isConsent
        if input.kind == .writtenConsent && (input.form == nil || input.signedOn == nil) {
            throw VaultError.invalidInput("written consent needs its signed form and the date it was signed")
        }
        if input.form != nil && input.signedOn == nil && input.kind == .writtenConsent {
            throw VaultError.invalidInput("a signed form needs the date it was signed (the date on the form)")
        }
        // A form signed, or a consent taken, after today is a typing mistake: it would start authorising on a day to come.
        if let signed = input.signedOn, signed > input.today {
            throw VaultError.invalidInput("the date the form was signed (\(signed)) is in the future: give the date written on the form")
        }
        if let taken = input.recordedOn, taken > input.today {
            throw VaultError.invalidInput("the date the consent was taken (\(taken)) is in the future: give the day it was given")
        }
        if isConsent && input.actions.isEmpty {
            throw VaultError.invalidInput("no actions given: name what the person agreed to (e.g. view_documents, draft_letter)")
        }
        // R-CON-9 (clarified 2026-12-02): a verbal consent counts only with who took it and when, so the core
        // refuses to store one without both instead of filling them in (a default would invent a record).
        let recordedBy = input.kind == .verbalConsent ? input.recordedBy : (input.recordedBy ?? actor)
        if input.kind == .verbalConsent && (recordedBy.map { $0.allSatisfy(\.isWhitespace) } ?? true || input.recordedOn == nil) {
            throw VaultError.invalidInput("a verbal consent must say who took it and on which date; without both it counts as no consent (R-CON-9)")
        }
        var bodies = input.bodies
        if isConsent && bodies == nil {
            guard let body = try caseDetails(caseRecord, in: tx).nhsBody else {
                throw VaultError.invalidInput("the case names no NHS body, so say which bodies the consent covers (e.g. trust-X, phso)")
            }
            bodies = [body]
        }
        let recordedOn = input.recordedOn
        let validFrom = input.validFrom ?? input.signedOn ?? recordedOn ?? (isConsent ? input.today : nil)
        // Service policy (CONSENT-RULES.md §4): a consent is reviewed at least every 12 months.
        let validUntil = input.validUntil ?? (isConsent ? validFrom.map { $0.adding(months: 12).adding(days: -1) } : nil)
        if let validFrom, let validUntil, validUntil < validFrom {
            throw VaultError.invalidInput("the consent would end (\(validUntil)) before it starts (\(validFrom))")
        }
        let scope = AuthorityScope(cases: [input.caseID.rawValue], organisations: bodies,
                                   actions: input.actions.isEmpty ? nil : input.actions.map(\.rawValue),
                                   thirdParties: isConsent ? input.thirdParties : (input.thirdParties.isEmpty ? nil : input.thirdParties),
                                   matters: input.matters)
        let grantedBy = input.grantedBy ?? (input.kind == .courtDeputyWelfare || input.kind == .courtDeputyProperty ? "court_of_protection" : input.personID.rawValue)
        var form: ConsentForm?
        if input.kind == .writtenConsent, let signedOn = input.signedOn {
            // The form's identifiers come from the person record; the advocate confirms the signature and date.
            let scopeText = "case \(input.caseID); bodies \((bodies ?? []).joined(separator: ", ")); actions \(input.actions.map(\.rawValue).joined(separator: ", "))"
            form = ConsentForm(patientName: person.name, dob: person.dob, nhsNumber: person.nhsNumber, address: person.address,
                               representativeName: granteeName, scope: scopeText, signature: true, date: signedOn)
        }
        return Authority(id: id, kind: input.kind, grantedBy: grantedBy, party: grantee, scope: scope, validFrom: validFrom,
                         validUntil: validUntil, withdrawnOn: nil, registered: input.registered, evidence: input.evidence,
                         recorded: input.kind == .verbalConsent ? true : nil, recordedBy: recordedBy, recordedOn: recordedOn,
                         witness: input.witness, form: form, claimArisingFromDeath: input.claimArisingFromDeath, reasons: input.reasons)
    }

    /// Withdrawal is dated (from that day nothing new may be done, R-CON-2) and recorded, never undone.
    public func withdrawAuthority(_ id: RecordID, on date: CivilDate, receivedBy channel: WithdrawalChannel? = nil) throws -> StoredAuthority {
        let id = id.rawValue
        return try guarded { try store.write { tx in
            guard let record = try tx.consentRecord(id), record.recordType == ConsentRecordType.authority.rawValue else {
                throw VaultError.notFound(kind: "consent", id: id)
            }
            try requireMember(.caseChange, of: try caseRecord(of: record, in: tx), in: tx)
            var stored = try openConsent(record, as: StoredAuthority.self, in: tx)
            if let already = stored.authority.withdrawnOn {
                throw VaultError.invalidInput("consent \(id) was already withdrawn on \(already); a withdrawal is never changed")
            }
            stored.authority.withdrawnOn = date
            stored.withdrawalRecordedAt = timestamp()
            stored.withdrawalRecordedBy = actor
            stored.withdrawalReceivedBy = channel
            try saveAuthority(stored, id: id, caseID: record.caseID, personID: record.personID, createdAt: record.createdAt, in: tx)
            try audit(event("consent.withdraw", caseID: record.caseID, details: ["authority": id, "withdrawn_on": date.description]), in: tx)
            return stored
        } }
    }

    /// The case a consent record belongs to (every authority is recorded on one).
    func caseRecord(of record: ConsentRecord, in tx: any VaultRecordReading) throws -> CaseRecord {
        guard let caseID = record.caseID, let caseRecord = try tx.caseRecord(caseID) else {
            throw VaultError.damagedField(table: ConsentRecord.tableName, column: "case_id", rowID: record.id)
        }
        return caseRecord
    }

    /// The authorities of a case, or of every case this account may read.
    public func authorities(caseID: CaseID?) throws -> [StoredAuthority] {
        let caseID = caseID?.rawValue
        return try guarded { try store.read { tx in
            let account = try account(in: tx)
            var readable: [String: Bool] = [:]
            if let caseID {
                guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
                try requireRead(caseRecord, in: tx)
                readable[caseID] = true
            }
            return try tx.consentRecords(type: ConsentRecordType.authority.rawValue, caseID: caseID, personID: nil).filter { record in
                guard let id = record.caseID else { return false }
                if let known = readable[id] { return known }
                let may = try tx.caseRecord(id).map { try mayRead($0, as: account, in: tx) } ?? false
                readable[id] = may
                return may
            }.map { try openConsent($0, as: StoredAuthority.self, in: tx) }
        } }
    }

    public func authority(_ id: RecordID) throws -> StoredAuthority {
        let id = id.rawValue
        return try guarded { try store.read { tx in
            guard let record = try tx.consentRecord(id), record.recordType == ConsentRecordType.authority.rawValue else {
                throw VaultError.notFound(kind: "consent", id: id)
            }
            try requireRead(try caseRecord(of: record, in: tx), in: tx)
            return try openConsent(record, as: StoredAuthority.self, in: tx)
        } }
    }
}
