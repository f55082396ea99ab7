import VaultModel
import Audit
import Consent
import Foundation

/// The consent engine asked before a document is added, read or exported. Deny stops the operation; warn lets it
/// go on only when the policy's acknowledgements were given for this session; both are audit events (R-AUD-1).
extension Vault {
    /// The date in England, which the complaint rules count in (a UTC date is wrong for an hour each summer night).
    public func today() -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now())
        return CivilDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CivilDate(dayNumber: 0)
    }

    /// Asks the engine once per case, action and recipient in this session. Returns the decision (allow, or warn with
    /// its acknowledgements given); throws `AccessError` otherwise, after recording the decision. `showing`: the
    /// caller only shows what the rules allow (a page's list of documents), so a decision the session's
    /// `recordedDecisions` already holds is not recorded again (R-AUD-1 has it once; what is done is asked without).
    /// Refusals are recorded every time.
    @discardableResult
    public func requireConsent(_ action: ConsentAction, caseID: CaseID, targetOrg: OrganisationID? = nil,
                               documentID: DocumentID? = nil, showing: Bool = false) throws -> Decision {
        try requireConsent(action, gateCase: .known(caseID.rawValue), targetOrg: targetOrg?.rawValue, documentID: documentID?.rawValue,
                           showing: showing)
    }

    /// The same for the case `documentID` is in (`cat`, a download), found in the decision's own read transaction
    /// rather than in one of its own.
    @discardableResult
    public func requireConsent(_ action: ConsentAction, ofDocument documentID: DocumentID) throws -> Decision {
        let documentID = documentID.rawValue
        return try requireConsent(action, gateCase: documentCases[documentID].map { .known($0) } ?? .ofDocument(documentID), targetOrg: nil,
                                  documentID: documentID, showing: false)
    }

    enum GateCase { case known(String), ofDocument(String) }

    private func requireConsent(_ action: ConsentAction, gateCase: GateCase, targetOrg: String?, documentID: String?,
                                showing: Bool) throws -> Decision {
        func cacheKey(_ caseID: String) -> String { "\(caseID)|\(action.rawValue)|\(targetOrg ?? "")" }
        if case .known(let caseID) = gateCase, let granted = consentGrants[cacheKey(caseID)] { return granted }
        // `guarded`: an account awaiting confirmation is refused here, audited, before the rules are asked.
        let (caseID, asked) = try guarded { try store.read { tx -> (String, ConsentCheck?) in
            _ = try account(in: tx)
            let caseID: String
            switch gateCase {
            case .known(let id): caseID = id
            case .ofDocument(let id):
                caseID = try documentCase(id, in: tx)
                if consentGrants[cacheKey(caseID)] != nil { return (caseID, nil) }
            }
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try tx.prefetch(gateReads(caseID: caseID, clientID: caseRecord.clientID))
            // The records the rules are about to read must be the ones the vault signed (a withdrawal undone with
            // sqlite3 is refused here, not only by `verify`).
            try checkSignedState(caseID: caseID, personIDs: [caseRecord.clientID], in: tx)
            return (caseID, try evaluate(action, caseRecord: caseRecord, targetOrg: targetOrg, naming: .whenShown, in: tx))
        } }
        let cacheKey = cacheKey(caseID)
        guard let check = asked else {
            guard let granted = consentGrants[cacheKey] else { throw VaultError.notFound(kind: "consent decision", id: cacheKey) }
            return granted
        }
        let decision = check.decision
        // Facts this account cannot open (Vault+PersonSealing): the decision may refuse, or ask for an acknowledgement,
        // but never let it go on; it holds no key to the case, so it could decrypt nothing anyway.
        let withheld = check.withheldScope.map { VaultError.keyNotHeld(scope: $0, account: check.request.actor) }
        switch decision.outcome {
        case .allow:
            if let withheld { throw withheld }
        case .deny:
            // A refusal is recorded every time, shown or not: repeated refused attempts are what an audit must show.
            try auditDecision(check, proceeded: false, acknowledged: [], documentID: documentID.map { DocumentID($0) })
            if check.undecidable, let withheld { throw withheld }
            var named = check
            named.actorName = try? accountName(check.request.actor)
            // What the refusal may tell this account (Vault+DisclosedDecision): a non-member no record of the case names
            // learns whom the consents cover, not the person's circumstances.
            // If that cannot be read, the refusal stands with the narrower cut.
            named.disclosed = (try? disclosedDecision(check, caseID: caseID)) ?? disclosedDecision(check, member: false, named: false)
            throw AccessError.consentRefused(named)
        case .warn:
            let missing = decision.acknowledgementRequired.filter { !acknowledged.contains($0) }
            try auditDecision(check, proceeded: missing.isEmpty && withheld == nil, acknowledged: acknowledged.filter(decision.ruleIDs.contains),
                              documentID: documentID.map { DocumentID($0) }, once: showing ? recordedDecisions : nil)
            onConsentWarning?(check)
            guard missing.isEmpty else { throw AccessError.acknowledgementNeeded(check, missing: missing) }
            if let withheld { throw withheld }
        }
        consentGrants[cacheKey] = decision
        // Reading documents for an export is covered by the export's own decision, whatever its recipient.
        consentGrants["\(caseID)|\(action.rawValue)|*"] = decision
        return decision
    }

    /// A decision already given in this session for the case and action (any recipient), else a fresh one.
    func requireConsentForRead(_ action: ConsentAction, caseID: CaseID, documentID: DocumentID) throws {
        if consentGrants["\(caseID)|\(action.rawValue)|*"] != nil { return }
        try requireConsent(action, caseID: caseID, documentID: documentID)
    }

    /// Everything the rules need about this case's client, read from the vault.
    /// The rules' facts about a case, unguarded: for the core's own checks and tests only (a front end asks `explainConsent`).
    func consentFacts(caseID: String) throws -> ConsentFacts {
        try store.read { tx in
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            return try consentFacts(caseRecord, in: tx)
        }
    }

    func consentFacts(_ caseRecord: CaseRecord, in tx: any VaultRecordReading) throws -> ConsentFacts {
        try consentFactsHeld(caseRecord, in: tx).facts
    }

    /// The facts, and whether some were withheld: the client's date of birth and the case's dates are sealed under
    /// keys only the case's own people hold (issue 17), so for anyone else they are missing, and a decision made
    /// without them may only refuse (`ConsentCheck.factsWithheld`).
    /// `withheld`: the scope of a key that was needed and not held; `client`: whether it was the client's.
    /// `account`: the one the decision is for (what it is told of authorities it cannot open, Vault+WithheldAuthorities);
    /// `undecidable`: a consent that would reach it could not be opened.
    func consentFactsHeld(_ caseRecord: CaseRecord, for account: Account? = nil, on date: CivilDate? = nil, in tx: any VaultRecordReading) throws
        -> (facts: ConsentFacts, withheld: String?, client: Bool, undecidable: Bool) {
        guard let clientRecord = try tx.person(caseRecord.clientID) else { throw VaultError.notFound(kind: "person", id: caseRecord.clientID) }
        var withheld: String?
        let client: PersonView?
        do { client = try view(clientRecord, in: tx) } catch VaultError.keyNotHeld(let scope, _) { client = nil; withheld = scope }
        // The client's status and assessments are under their key (Vault+PersonRecordSealing): without it, none.
        var status = PersonStatus()
        var assessments: [StoredCapacityAssessment] = []
        do {
            status = try personStatus(clientRecord.id, in: tx)
            assessments = try capacityAssessments(personID: clientRecord.id, in: tx)
        } catch VaultError.keyNotHeld(let scope, _) {
            withheld = withheld ?? scope
        }
        let person = PersonFacts(id: clientRecord.id, dob: client?.dob.flatMap(CivilDate.init(iso:)), deceased: status.deceased,
                                 dateOfDeath: status.dateOfDeath, hasCapacity: status.hasCapacity,
                                 capacityAssessments: assessments.map(\.assessment),
                                 gillickCompetent: status.gillickCompetent, objectsTo: status.objectsTo)
        var undecidable = false
        let authorities = try authoritiesForDecision(personID: clientRecord.id, as: account, on: date ?? today(), withheld: &withheld, undecidable: &undecidable, in: tx)
        var actors: [String: ActorFacts] = [:]
        if let account {
            // For one account's decision the rules ask only about it and the accounts its consents name (R-CON-7, R-CON-8):
            // those rows, not every account of the partnership on every read.
            actors[account.id] = ActorFacts(kind: .advocate, organisation: account.organisationID)
            for party in authorities.compactMap(\.party) where party.type == .advocate && actors[party.id] == nil {
                if let advocate = try tx.advocate(party.id) { actors[party.id] = ActorFacts(kind: .advocate, organisation: advocate.organisationID) }
            }
        } else {
            for advocate in try tx.advocates() {
                actors[advocate.id] = ActorFacts(kind: .advocate, organisation: advocate.organisationID)
            }
        }
        for party in authorities.compactMap(\.party) where party.type == .person { actors[party.id] = ActorFacts(kind: .individual) }
        let facts: CaseFacts
        do {
            facts = try caseFacts(caseRecord, in: tx)
        } catch VaultError.keyNotHeld(let scope, _) {
            // Its transfers are kept where every account reads them: the organisation a case left is told it no
            // longer acts on it (R-CON-8), not merely that a key is missing.
            facts = CaseFacts(id: caseRecord.id, nhsBodies: [], transfers: try caseTransfers(caseID: caseRecord.id, in: tx), events: CaseEvents())
            withheld = withheld ?? scope
        }
        return (ConsentFacts(person: person, actors: actors, authorities: authorities, case: facts), withheld, client == nil, undecidable)
    }

    public struct ConsentCheck: Sendable {
        public let request: ConsentRequest
        public let decision: Decision
        /// The authorities recorded on this case: a refusal cites only these (another case's records are none of
        /// the reader's business).
        public let caseAuthorities: Set<String>
        /// The acting account's name, for the words of a refusal (set when one is made).
        public var actorName: String? = nil
        /// The acting account's organisation (a refusal under R-CON-8 says which transfer would help).
        public var actorOrganisation: String? = nil
        /// Names (display-escaped) of the people, accounts and organisations the decision mentions that the actor
        /// may see; empty for a decision that allowed without being asked to explain.
        public var names: [String: String] = [:]
        /// The case's reference (NCA-2026-0001), which people quote; nil for a case opened before references.
        /// Not secret: it resolves without keys, like the id the reader typed or was shown.
        public var caseReference: String? = nil
        /// The decision cut to what the acting account may learn, set on a refusal (`caseDecision` then returns it).
        public var disclosed: Decision? = nil
        /// Some facts were sealed under keys the acting account does not hold (Vault+PersonSealing): a decision
        /// that did not refuse is not relied on, since the missing facts could have changed it.
        public var factsWithheld: Bool { withheldScope != nil }
        /// The scope of the key those facts need (a case's, or an organisation's directory key).
        public var withheldScope: String? = nil
        /// Whether the client's own fields were among them (the account may not see the person at all).
        public var clientWithheld = false
        /// A consent that names the account, its organisation or a handover to it is under a key it does not hold
        /// (Vault+WithheldAuthorities): a refusal is then for the key, not for the want of a consent.
        public var undecidable = false

        /// Whether the decision lets the account see the case's record (`case show`, listings): it did not refuse, and
        /// the client was known to it. A colleague of the case's organisation who is not on it opens the client (the
        /// directory key) but not the case's dates (the case key): they see the case with its details labelled, and
        /// anything under the case key stays refused (`requireConsent` refuses with any fact withheld).
        public var permits: Bool { decision.outcome != .deny && !clientWithheld }

        /// The case as people name it: its reference, else its id.
        public var caseLabel: String { caseReference ?? request.caseID ?? "-" }

        /// "Name (id)" when the name is known here, else the id.
        public func label(_ id: String) -> String { names[id].map { "\($0) (\(id))" } ?? id }
    }

    /// Whether the rules would let the acting account do `action` on the case on `date`: yes or no, without words or
    /// an audit event (listings ask it for each case to decide what to show). An account that is neither a member of the
    /// case nor named by one of its records gets no: the rules' answer about a case is itself about the person.
    public func consentPermits(_ action: ConsentAction, caseID: CaseID, on date: CivilDate) throws -> Bool {
        let caseID = caseID.rawValue
        return try store.read { tx in
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            let account = try account(in: tx)
            guard try isMember(account, of: caseRecord, in: tx) || (account.role != .admin && isNamed(account, onCase: caseRecord, in: tx)) else {
                return false
            }
            return try evaluate(action, caseRecord: caseRecord, targetOrg: nil, on: date, policy: .standard, naming: .none, in: tx)
                .decision.outcome != .deny
        }
    }

    /// Asks the engine whether the acting advocate may do `action` on the case on `date`, with the whole decision and
    /// no authorization: internal, for the core's own explanations. Front ends ask `explainConsent` (the decision cut
    /// to what the account may see, audited) or `consentPermits` (yes or no).
    func checkConsent(caseID: String, action: ConsentAction, on date: CivilDate, targetOrg: String? = nil,
                             policy: ConsentPolicy = .standard) throws -> ConsentCheck {
        try store.read { tx in
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            return try evaluate(action, caseRecord: caseRecord, targetOrg: targetOrg, on: date, policy: policy, naming: .always, in: tx)
        }
    }

    /// When the explanation names people, accounts and organisations (see `consentNames`) rather than ids: only when
    /// someone will read it. Access checks and listing filters ask the rules about many cases and show no words, so
    /// they pay nothing for names. Names change only the explanation's words, never the outcome, the rules or the
    /// authorities a decision records.
    enum Naming {
        case none
        /// For a refusal only (`requireRead` words a refusal; whatever else the rules say, it shows nothing).
        case whenRefused
        /// For what `requireConsent` shows or throws: a refusal, and a warning that stops for an acknowledgement or for
        /// a key not held, or that a front end shows (`onConsentWarning`). A warning that goes on unseen (a team
        /// server's read of a letter whose consent form lacks a detail, every time) needs none: it is audited by
        /// its rules and authorities, not by its words.
        case whenShown
        case always
    }

    func needsNames(_ naming: Naming, _ decision: Decision, withheld: Bool) -> Bool {
        switch naming {
        case .none: false
        case .always: true
        case .whenRefused: decision.outcome == .deny
        case .whenShown:
            switch decision.outcome {
            case .allow: false
            case .deny: true
            case .warn: onConsentWarning != nil || withheld || !decision.acknowledgementRequired.allSatisfy(acknowledged.contains)
            }
        }
    }

    func evaluate(_ action: ConsentAction, caseRecord: CaseRecord, targetOrg: String?, on date: CivilDate? = nil,
                  policy: ConsentPolicy = .standard, naming: Naming = .none, in tx: any VaultRecordReading) throws -> ConsentCheck {
        let account = try account(in: tx)
        let date = date ?? today()
        let (facts, withheld, clientWithheld, reachingWithheld) = try consentFactsHeld(caseRecord, for: account, on: date, in: tx)
        let request = ConsentRequest(actor: account.id, action: action, onBehalfOf: facts.person.id, date: date,
                                     caseID: caseRecord.id, targetOrg: targetOrg)
        let own = Set(try tx.consentRecords(type: ConsentRecordType.authority.rawValue, caseID: caseRecord.id, personID: nil).map(\.id))
        let engine = ConsentEngine(policy: policy)
        var decision = engine.evaluate(request, facts: facts)
        // A refusal the rules give whatever the consents say (a transfer away, R-CON-8) stands as a refusal.
        let undecidable = reachingWithheld && !decision.findings.contains { $0.outcome == .deny && $0.authorityID == nil && $0.rule != .con1 }
        var names: [String: String] = [:]
        if needsNames(naming, decision, withheld: withheld != nil) {
            names = try consentNames(for: facts, request: request, decision: decision, caseRecord: caseRecord, as: account, in: tx)
            decision = engine.evaluate(request, facts: facts, names: names)
        }
        return ConsentCheck(request: request, decision: decision, caseAuthorities: own, actorOrganisation: account.organisationID, names: names,
                            caseReference: caseRecord.reference, withheldScope: withheld, clientWithheld: clientWithheld, undecidable: undecidable)
    }

    /// R-AUD-1: a decision that refused or warned is logged with the rules and authorities behind it.
    /// `once`: the session's decisions already recorded; the same decision again (same day) is not written twice.
    public func auditDecision(_ check: ConsentCheck, proceeded: Bool, acknowledged: [RuleID], documentID: DocumentID? = nil,
                              once recorded: RecordedDecisions? = nil) throws {
        let documentID = documentID?.rawValue
        let decision = check.decision
        var details = ["action": check.request.action.rawValue, "person": check.request.onBehalfOf,
                       "matched": decision.authorities.filter { $0.status == .matched }.map(\.id).joined(separator: ","),
                       "rejected": decision.authorities.filter { $0.status == .rejected }.map(\.id).joined(separator: ",")]
        if let target = check.request.targetOrg { details["target"] = target }
        if !acknowledged.isEmpty { details["acknowledged"] = acknowledged.map(\.rawValue).joined(separator: ",") }
        let ruleIDs = decision.ruleIDs.map(\.rawValue)
        let key = ([check.request.date.description, check.request.caseID ?? "", documentID ?? "", decision.outcome.rawValue,
                    ruleIDs.joined(separator: ","), String(proceeded)] + details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
            .joined(separator: "|")
        if let recorded, recorded.contains(key) { return }
        let event = AuditEvent(time: timestamp(), actor: actor, action: "consent.decision", caseID: check.request.caseID, documentID: documentID,
                               decision: decision.outcome.rawValue, ruleIDs: ruleIDs,
                               outcome: (proceeded ? AuditOutcome.success : .refused).rawValue, details: details)
        if proceeded && deferAllowedDecisions {
            // Recorded with the action's own event, in its transaction (LedgeredStore.prelude): nothing the decision
            // allows can happen before it commits, and `finishRequest` records it if the action never wrote. Sealed
            // now, in the gate's read, so the write that carries it (under the writers' lock) reads no key for it.
            deferredEvents.append(try store.read { tx in try sealingPrivateParts(of: event, in: tx) })
        } else {
            try audit(event)
        }
        recorded?.insert(key)
    }

    /// The case of a document, for commands that start from a document id.
    public func caseID(ofDocument documentID: DocumentID) throws -> CaseID {
        let documentID = documentID.rawValue
        if let known = documentCases[documentID] { return CaseID(known) }
        return CaseID(try store.read { tx in try documentCase(documentID, in: tx) })
    }

    private func documentCase(_ documentID: String, in tx: any VaultRecordReading) throws -> String {
        guard let record = try tx.document(documentID) else { throw VaultError.notFound(kind: "document", id: documentID) }
        documentCases[documentID] = record.caseID
        return record.caseID
    }
}
