import VaultModel
import Audit
import Consent
import Foundation
import VaultCrypto

/// Guided set-up (issue 20, point 6): a case opened for a situation gets, in the same transaction, the records
/// that situation needs (CONSENT-RULES.md §3): the legal authority the representative holds (LPA, deputyship,
/// parental responsibility, personal representative or next of kin), the signed consent or the holder's
/// instruction to the service, the patient's death, and the representative registered on the case for
/// redaction. Any part refused leaves nothing behind: no case, no record, no stored form.
extension Vault {
    public func openCase(_ input: CaseInput, setUp options: CaseSetUpOptions) throws -> CaseSetUp {
        let (clientID, organisationID) = (input.clientID.rawValue, input.organisationID.rawValue)
        let (client, representative, organisation, died) = try guarded { try store.read { tx in
            _ = try require(.caseOpen, roles: [.advocate, .manager], in: tx)
            // Before anything is read about them: the checks below (a recorded death, say) would otherwise answer
            // questions about people the account may not see.
            try requireVisible(.caseOpen, person: clientID, in: tx)
            guard let clientRecord = try tx.person(clientID) else { throw VaultError.notFound(kind: "person", id: clientID) }
            let representative = try options.representativeID.map(\.rawValue).map { id -> PersonView in
                try requireVisible(.caseOpen, person: id, in: tx)
                guard let record = try tx.person(id) else { throw VaultError.notFound(kind: "person", id: id) }
                return try view(record, in: tx)
            }
            guard let organisation = try tx.organisation(organisationID).map({ try opened($0, in: tx) }) else {
                throw VaultError.notFound(kind: "organisation", id: organisationID)
            }
            return (try view(clientRecord, in: tx), representative, organisation, try personStatus(clientID, in: tx).deceased)
        } }
        try Self.check(options, clientID: clientID, died: died)
        if input.nhsBody == nil && options.bodies == nil {
            throw VaultError.invalidInput("the case names no NHS body, so the consent cannot say which bodies it covers; name the NHS body of the complaint")
        }

        let caseID = try Self.newID("case")
        let caseKey = try SecureBytes.random(count: 32)
        // The forms are encrypted under the new case's key and made durable first; their rows commit with the
        // case below, or the blobs are taken away again.
        let sealed = try sealForms(Self.forms(of: options), caseID: caseID, caseKey: caseKey)
        do {
            return try guarded { try store.write { tx in
                let caseRecord = try insertCase(id: caseID, input: input, key: caseKey, in: tx)
                let account = try account(in: tx)
                guard try isMember(account, of: caseRecord, in: tx) else {
                    throw AccessError.refused(operation: .caseChange, actor: account.id, subject: caseID,
                                              reason: "the records of a situation are made by an advocate assigned to the case or a manager of its organisation, and this account is neither")
                }
                if let representative { try requireVisible(.caseOpen, person: representative.id, in: tx) }
                return try writeSituation(options, caseRecord: caseRecord, client: client, representative: representative,
                                          service: (organisation.id, organisation.name), died: died, forms: sealed, in: tx)
            } }
        } catch {
            discardForms(sealed.records.map(\.id))
            throw error
        }
    }

    /// The forms' rows and the situation's records, in the caller's transaction (a new case's, or an existing one's
    /// in `recordSituation`): the stored forms, the death if it was not on record, the legal authority, the consent
    /// or instruction, and the representative registered on the case for redaction (added to those already there).
    func writeSituation(_ options: CaseSetUpOptions, caseRecord: CaseRecord, client: PersonView, representative: PersonView?,
                        service organisation: (id: String, name: String), died: Bool, forms sealed: SealedForms,
                        in tx: any VaultRecordWriting) throws -> CaseSetUp {
        let caseID = caseRecord.id
        let authorityFormID = options.authorityForm == nil ? nil : sealed.documentIDs.first
        let consentFormID = options.consentForm == nil ? nil : sealed.documentIDs.last
        try insertDocuments(sealed.records, caseID: caseID, sealedUnder: sealed.caseKey, version: sealed.caseKeyVersion, in: tx)
        for record in sealed.records {
            try audit(event("document.ingest", caseID: caseID, documentID: record.id, details: ["bytes": String(record.size)]), in: tx)
        }
        if let diedOn = options.diedOn, !died {
            try recordDeath(of: client.id, on: diedOn, in: tx)
        }
        var made: [CaseSetUp.Record] = []
        func record(_ authority: AuthorityInput, grantee: (Party, String), form: String?) throws {
            let id = try Self.newID("auth")
            let built = try buildAuthority(id: id, input: authority, caseRecord: caseRecord, person: client,
                                           grantee: grantee.0, granteeName: grantee.1, in: tx)
            let stored = StoredAuthority(authority: built, caseID: caseID, personID: client.id, formDocumentID: form,
                                         recordedAt: timestamp(), recordedBy: actor)
            try saveAuthority(stored, id: id, caseID: caseID, personID: client.id, in: tx)
            var details = ["authority": id, "person": client.id]
            if let form { details["form_document"] = form }
            try audit(event("consent.record", caseID: caseID, details: details), in: tx)
            made.append(CaseSetUp.Record(id: id, kind: built.kind, person: client.id, grantee: grantee.0.id,
                                         grantedBy: built.grantedBy, formDocument: form))
        }
        let service = (Party(type: .organisation, id: organisation.id), organisation.name)
        if let representative, let kind = options.authorityKind {
            var legal = AuthorityInput(caseID: CaseID(caseID), personID: PersonID(client.id), kind: kind, granteeID: representative.id, actions: [],
                                       today: options.today)
            legal.evidence = Self.evidence(for: kind, options)
            legal.registered = kind == .lpaHealthWelfare || kind == .lpaPropertyFinance ? options.registered : nil
            legal.claimArisingFromDeath = kind == .nextOfKin ? options.claimArisingFromDeath : nil
            if kind == .lpaHealthWelfare || kind == .courtDeputyWelfare { legal.matters = ["health", "complaints"] }
            try record(legal, grantee: (Party(type: .person, id: representative.id), representative.name), form: authorityFormID)
        }
        var consent = AuthorityInput(caseID: CaseID(caseID), personID: PersonID(client.id), kind: .writtenConsent, granteeID: organisation.id,
                                     actions: options.actions, today: options.today)
        consent.bodies = options.bodies
        consent.form = options.consentForm
        consent.signedOn = options.signedOn
        consent.validUntil = options.validUntil
        if let representative, options.situation == .representative {
            // The patient's consent names the representative as well as the service: the same signed form.
            var named = consent
            named.granteeID = representative.id
            try record(named, grantee: (Party(type: .person, id: representative.id), representative.name), form: consentFormID)
        } else if let representative {
            // The holder's instruction to the service stands on their authority (a chain, CONSENT-RULES.md §2).
            consent.grantedBy = representative.id
        }
        try record(consent, grantee: service, form: consentFormID)
        var people: [CasePerson] = []
        if let representative {
            let id = "people-" + caseID
            let existing = try tx.consentRecord(id)
            var list = try existing.map { try openConsent($0, as: CasePeople.self, in: tx) } ?? CasePeople()
            // Someone already on the case (a relative who now holds an LPA) keeps the role they were registered with.
            if !list.people.contains(where: { $0.personID == representative.id }) {
                let added = CasePerson(personID: representative.id, role: .representative, firstNameIsSafe: false)
                list.people.append(added)
                people = [added]
                // The ids first, where every account reads them; the roles under the case key (Vault+CaseParties).
                try saveCaseParties(caseID, in: tx) { $0.people = list.people.map(\.personID) }
                try tx.save(try sealConsent(list, id: id, type: .casePeople, caseID: caseID, personID: nil, createdAt: existing?.createdAt, in: tx))
                try audit(event("case.add_person", caseID: caseID, details: ["person": representative.id]), in: tx)
            }
        }
        return CaseSetUp(caseID: CaseID(caseID), situation: options.situation, authorities: made, casePeople: people,
                         dateOfDeath: died ? nil : options.diedOn)
    }

    /// The situation's files to store: the authority's evidence first, then the signed form (`writeSituation` finds
    /// their documents in that order).
    static func forms(of options: CaseSetUpOptions) -> [(IngestFile, DocumentKind, String?)] {
        var files: [(IngestFile, DocumentKind, String?)] = []
        if let form = options.authorityForm { files.append((form, .authorityEvidence, nil)) }
        if let form = options.consentForm { files.append((form, .consentForm, options.signedOn?.description)) }
        return files
    }

    /// The checks that need no transaction: what the situation lacks, and what can never stand.
    static func check(_ options: CaseSetUpOptions, clientID: String, died: Bool) throws {
        let missing = options.missing(alreadyDied: died)
        if !missing.isEmpty { throw CaseSetUpError.incomplete(situation: options.situation, missing: missing) }
        if options.situation == .patient && options.representativeID != nil {
            throw CaseSetUpError.unsuitable(situation: .patient, reason: "a patient complaining for themselves has no representative; for someone acting for them choose their situation (representative, attorney, deputy, child, after-death)")
        }
        if died && (options.situation == .patient || options.situation == .representative) {
            throw CaseSetUpError.unsuitable(situation: options.situation, reason: "the patient is recorded as having died, so they cannot give consent (R-DEC-4); after a death the client is the personal representative or the next of kin (the after-death situation)")
        }
        if options.representativeID?.rawValue == clientID {
            throw CaseSetUpError.unsuitable(situation: options.situation, reason: "the person acting for the patient is the client (the patient) themselves")
        }
        if options.situation == .attorney && options.lpaKind == .propertyFinance {
            throw CaseSetUpError.unsuitable(situation: .attorney, reason: "a property and financial affairs LPA gives no authority over an NHS complaint or health records (R-LPA-2); a health and welfare LPA, or the patient's own consent, is needed")
        }
        if let diedOn = options.diedOn, diedOn > options.today {
            throw VaultError.invalidInput("the date of death \(diedOn) is in the future")
        }
        if let signedOn = options.signedOn, signedOn > options.today {
            throw VaultError.invalidInput("the consent form's date \(signedOn) is in the future")
        }
    }

    /// The evidence tokens a legal authority carries: those given, plus what set-up itself established
    /// (an LPA confirmed as registered; a deputy's order, which set-up requires).
    static func evidence(for kind: AuthorityKind, _ options: CaseSetUpOptions) -> [String] {
        var tokens = options.evidence
        if kind == .lpaHealthWelfare && options.registered { tokens.append("opg_registration") }
        if kind == .courtDeputyWelfare && options.authorityForm != nil { tokens.append("court_order") }
        return tokens.uniqued()
    }

    private func recordDeath(of personID: String, on date: CivilDate, in tx: any VaultRecordWriting) throws {
        var status = try personStatus(personID, in: tx)
        status.deceased = true
        status.dateOfDeath = date
        try savePersonStatus(status, personID: personID, in: tx)
    }
}
