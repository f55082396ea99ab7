import VaultModel
/// Decides whether an actor may take an action for a person, following CONSENT-RULES.md §2:
/// work out the person's state on the request date, collect the authorities that reach the actor,
/// check each one, deny when none survives, apply the overlays, and combine (deny > warn > allow).
///
/// Pure: no I/O, no clock (the date is in the request), no globals. Authorities are examined in id
/// order and results are merged as sets, so the decision never depends on the order of the records.
public struct ConsentEngine: Sendable {
    public var policy: ConsentPolicy

    public init(policy: ConsentPolicy = .standard) {
        self.policy = policy
    }

    /// `names`: display names for the ids the explanations mention (people, accounts, organisations), supplied by the
    /// caller from what the actor may see; an id without one is shown as the id. Names change only the words, never
    /// the outcome, the rules or the authorities.
    public func evaluate(_ request: ConsentRequest, facts: ConsentFacts, names: [String: String] = [:]) -> Decision {
        Evaluation(policy: policy, request: request, facts: facts, names: names).decide()
    }
}

/// The person's legal position on one date (step 1).
struct PersonState {
    enum Capacity: Equatable {
        case presumed
        /// `has_capacity: false` with no assessment on or before the date: the presumption still applies (R-CAP-2).
        case claimedWithoutAssessment
        case lacks(since: CivilDate)
        case has(since: CivilDate, regained: Bool)

        var lacks: Bool { if case .lacks = self { true } else { false } }
    }

    var age: Int?
    var deceased: Bool
    var capacity: Capacity

    var isChild: Bool { (age ?? 18) < 18 }
}

/// What one request works out once, shared by reference: findings render their sentences lazily and
/// capture the evaluation, and one reference is one retain where a copy of every field would be many.
final class EvaluationContext: Sendable {
    let policy: ConsentPolicy
    let request: ConsentRequest
    let facts: ConsentFacts
    let actorOrganisation: String?
    let person: String
    let names: [String: String]
    /// Worked out once per request: the authorities in id order, by holder, and the person's state today.
    /// Indices into `facts.authorities`, in id order (records are never copied, only borrowed).
    let order: [Int]
    /// The records of each holder in id order, as a linked list through `nextBySameParty` (the index of
    /// the holder's next record, or -1): one dictionary entry per holder and no array per holder.
    let firstByParty: [String: Int]
    let nextBySameParty: [Int]
    let today: PersonState
    /// The person's capacity assessments whose decision is about the complaint (R-CAP-2, decision-specific).
    let complaintAssessments: [CapacityAssessment]
    /// Organisations whose consents reach the actor's organisation through consented transfers (R-CON-8).
    let organisationsTransferredToActor: Set<String>

    init(policy: ConsentPolicy, request: ConsentRequest, facts: ConsentFacts, names: [String: String]) {
        self.policy = policy
        self.request = request
        self.facts = facts
        self.names = names
        actorOrganisation = facts.actors[request.actor]?.organisation
        person = facts.person.id
        let sorted = facts.authorities.indices.sorted { facts.authorities[$0].id < facts.authorities[$1].id }
        order = sorted
        var first: [String: Int] = [:]
        first.reserveCapacity(sorted.count)
        var next = [Int](repeating: -1, count: sorted.count)
        facts.authorities.withUnsafeBufferPointer { records in
            // Backwards, so each holder's list ends up in id order.
            for index in sorted.reversed() {
                if let party = records[index].party { next[index] = first.updateValue(index, forKey: party.id) ?? -1 }
            }
        }
        firstByParty = first
        nextBySameParty = next
        organisationsTransferredToActor = Evaluation.organisationsTransferred(to: actorOrganisation, facts: facts, on: request.date)
        complaintAssessments = facts.person.capacityAssessments.filter(\.countsForComplaint)
        today = Evaluation.state(of: facts.person, assessments: complaintAssessments, on: request.date)
    }
}

struct Evaluation {
    let context: EvaluationContext
    var policy: ConsentPolicy { context.policy }
    var request: ConsentRequest { context.request }
    var facts: ConsentFacts { context.facts }
    var actorOrganisation: String? { context.actorOrganisation }
    var person: String { context.person }
    /// How an explanation names a person, account or organisation: its name when the caller gave one, else its id.
    func named(_ id: String) -> String { context.names[id] ?? id }
    var order: [Int] { context.order }
    var today: PersonState { context.today }
    var complaintAssessments: [CapacityAssessment] { context.complaintAssessments }
    var organisationsTransferredToActor: Set<String> { context.organisationsTransferredToActor }
    /// Whether a valid attorney or deputy exists on the request date (which closes the best-interests route).
    private(set) var attorneyOrDeputyToday: String?

    init(policy: ConsentPolicy, request: ConsentRequest, facts: ConsentFacts, names: [String: String] = [:]) {
        context = EvaluationContext(policy: policy, request: request, facts: facts, names: names)
        attorneyOrDeputyToday = validAttorneyOrDeputy(on: request.date)
    }

    // MARK: - Combining (step 4 and step 6)

    func decide() -> Decision {
        var assessments: [AuthorityAssessment] = []
        assessments.reserveCapacity(facts.authorities.count)
        // Each record is passed borrowed from the shared context, never copied (see `forEachAuthority`).
        facts.authorities.withUnsafeBufferPointer { records in
            for index in order {
                if let assessment = assess(records[index]) { assessments.append(assessment) }
            }
        }
        let overlays = globalOverlays()
        // Loops by index: `for assessment in assessments` would copy each one to read two fields.
        var mildest: Outcome?
        for index in assessments.indices where assessments[index].status == .matched {
            let outcome = assessments[index].outcome
            if let current = mildest, current <= outcome { continue }
            mildest = outcome
        }

        var findings: [Finding] = []
        if let mildest {
            for index in assessments.indices where assessments[index].status == .matched && assessments[index].outcome == mildest {
                findings.add(assessments[index].findings)
            }
        } else {
            for index in assessments.indices {
                let reasons = assessments[index].findings
                for position in reasons.indices where reasons[position].outcome == .deny { findings.append(reasons[position]) }
            }
            if findings.isEmpty {
                findings = [Finding(.con1, .deny, "No consent or legal authority lets \(named(request.actor)) do \(request.action.rawValue) for \(named(person)).")]
            }
        }
        findings.add(overlays)
        let outcome = findings.maxOutcome ?? .deny
        let deciding = unique(findings.filter { $0.outcome == outcome })
        var rules: [RuleID] = []
        for finding in deciding where !rules.contains(finding.rule) { rules.append(finding.rule) }
        rules.sort()
        let hint: String? = outcome == .deny
            ? rules.map(\.remedy).filter { !$0.isEmpty }.uniqued().joined(separator: "; ")
            : nil
        var all = unique(findings)
        all.add(capacityNotes())
        return Decision(
            outcome: outcome,
            ruleIDs: rules,
            deciding: deciding,
            findings: all,
            authorities: assessments,
            hint: hint,
            acknowledgementRequired: outcome == .warn ? rules.filter { policy.acknowledgementRequired.contains($0) } : []
        )
    }

    /// Assessments for other decisions (finances, where to live, treatment) neither establish nor remove
    /// incapacity for the complaint; they are listed so the advocate sees why they were set aside. The
    /// decision text is not repeated (it may describe the person's affairs): the date and result identify it.
    private func capacityNotes() -> [Finding] {
        facts.person.capacityAssessments.filter { $0.date <= request.date && !$0.countsForComplaint }
            .map { assessment in
                let result = assessment.result == .lacksCapacity ? "lacks capacity" : "has capacity"
                let about = assessment.decision == nil ? "records no decision" : "is about another decision"
                return Finding(.cap2, .allow, "The capacity assessment of \(assessment.date) (\(result)) \(about), not the complaint, so it neither establishes nor removes a lack of capacity for the complaint. Record an assessment about the complaint if one is needed.", note: true)
            }
            .sorted { $0.text < $1.text }  // the text starts with the ISO date: date order, independent of record order
    }

    /// Findings arrive in a fixed order (authorities by id, then the overlays), so no sort is needed for
    /// the result to be independent of record order; repeated findings are dropped.
    func unique(_ findings: [Finding]) -> [Finding] {
        guard findings.count > 1 else { return findings }
        struct Key: Hashable {
            var rule: RuleID
            var authority: String?
        }
        // For each key, the latest kept finding with it; earlier ones are linked through `previousSameKey`
        // (no array per key). Texts are compared, and so rendered, only when a key repeats.
        var latest: [Key: Int] = [:]
        latest.reserveCapacity(findings.count)
        var previousSameKey: [Int] = []
        previousSameKey.reserveCapacity(findings.count)
        var result: [Finding] = []
        result.reserveCapacity(findings.count)
        for finding in findings {
            let key = Key(rule: finding.rule, authority: finding.authorityID)
            if var kept = latest[key] {
                var repeated = false
                while kept >= 0 {
                    if result[kept].text == finding.text { repeated = true; break }
                    kept = previousSameKey[kept]
                }
                if repeated { continue }
            }
            previousSameKey.append(latest.updateValue(result.count, forKey: key) ?? -1)
            result.append(finding)
        }
        return result
    }

    // MARK: - Step 1: the person's state

    func state(on date: CivilDate) -> PersonState {
        date == request.date ? today : Self.state(of: facts.person, assessments: complaintAssessments, on: date)
    }

    /// `assessments` are the person's assessments about the complaint (decided once per request, since
    /// matching the decision text is the costly part and a chain asks for the state on several dates).
    static func state(of subject: PersonFacts, assessments: [CapacityAssessment], on date: CivilDate) -> PersonState {
        let age = subject.dob.map { $0.wholeYears(until: date) }
        let deceased = subject.deceased && (subject.dateOfDeath.map { $0 <= date } ?? true)
        // Only assessments about the complaint count (capacity is decision-specific, R-CAP-2); the others
        // are listed as notes by `capacityNotes()`.
        let counted = assessments.filter { $0.date <= date }
        // The latest relevant assessment decides; on a tie the presumption of capacity (MCA s.1(2)) wins.
        let latest = counted.max { lhs, rhs in
            (lhs.date, lhs.result == .hasCapacity ? 1 : 0) < (rhs.date, rhs.result == .hasCapacity ? 1 : 0)
        }
        let capacity: PersonState.Capacity
        if let latest {
            if latest.result == .lacksCapacity {
                capacity = .lacks(since: latest.date)
            } else {
                capacity = .has(since: latest.date, regained: counted.contains { $0.result == .lacksCapacity && $0.date <= latest.date })
            }
        } else {
            capacity = subject.hasCapacity == false ? .claimedWithoutAssessment : .presumed
        }
        return PersonState(age: age, deceased: deceased, capacity: capacity)
    }

    // MARK: - Step 2 and 3: authorities that reach the actor

    /// Nil when the authority does not concern this actor at all (it may still be a link in a chain).
    func assess(_ authority: Authority) -> AuthorityAssessment? {
        guard let party = authority.party else {
            return assessment(authority, [Finding(.con1, .deny, "Authority \(authority.id) names no grantee or holder.", authority: authority.id)])
        }
        // One list per record, sized for the usual few findings, that the checks append to in place.
        var findings: [Finding] = []
        var holders = Holders()
        // The checks that need no route come first; an authority they already rule out is not followed
        // further (its refusal reasons are those checks), which keeps a decision fast with many records.
        if authority.kind.isConsent {
            guard case .reaches(let first) = reach(authority, party) else { return nil }
            findings.reserveCapacity(4)
            if let first { findings.append(first) }
            if findings.hasDeny { return assessment(authority, findings) }
            consentChecks(authority, into: &findings)
            if findings.hasDeny { return assessment(authority, findings) }
            let grantor = authority.grantedBy ?? person
            if grantor == person {
                findings.append(contentsOf: ownConsent(authority, on: request.date))
            } else {
                holders.append(grantor)
                findings.append(contentsOf: chain(through: grantor, for: authority))
            }
        } else {
            guard reachesActorDirectly(party) else { return nil }
            holders.append(party.id)
            findings.reserveCapacity(4)
            findings.append(contentsOf: validity(authority, on: request.date))
            scopeChecks(authority, strict: false, into: &findings)
            if findings.hasDeny { return assessment(authority, findings) }
            findings.append(contentsOf: legalRoute(authority, on: request.date))
        }
        if party.type != .organisation { holders.append(party.id) }
        findings.append(contentsOf: holderOverlays(authority, holders: holders))
        // R-DEC-1 unless the route already is the personal representative's or the next of kin's (R-DEC-2/3).
        if today.deceased, !findings.hasDeny,
           !findings.contains(where: { $0.rule == .dec1 || $0.rule == .dec2 || $0.rule == .dec3 }) {
            findings.append(Finding(.dec1, .warn, "Complaints about a deceased person are allowed, but the NHS body may ask for proof of status (grant of probate / letters of administration).", authority: authority.id))
        }
        return assessment(authority, findings)
    }

    func assessment(_ authority: Authority, _ findings: [Finding]) -> AuthorityAssessment {
        let outcome = findings.maxOutcome ?? .allow
        return AuthorityAssessment(id: authority.id, status: outcome == .deny ? .rejected : .matched, outcome: outcome, findings: findings)
    }

    func reachesActorDirectly(_ party: Party) -> Bool {
        switch party.type {
        case .person, .advocate: party.id == request.actor
        case .organisation: actorOrganisation != nil && party.id == actorOrganisation
        }
    }

    /// How a consent's grantee relates to the actor: not at all, or it reaches them with at most one finding.
    enum Reach {
        /// The consent is for someone else entirely (for example a relative the person asked, who may pass it on by a chain).
        case unrelated
        case reaches(Finding?)
    }

    /// R-CON-7 and R-CON-8: how a consent's grantee relates to the actor.
    func reach(_ consent: Authority, _ grantee: Party) -> Reach {
        let id = consent.id
        switch grantee.type {
        case .person:
            return grantee.id == request.actor ? .reaches(nil) : .unrelated
        case .advocate:
            if grantee.id == request.actor { return .reaches(nil) }
            let granteeOrganisation = facts.actors[grantee.id]?.organisation
            if let granteeOrganisation, granteeOrganisation == actorOrganisation {
                if let handover = consent.handovers.first(where: { $0.to == request.actor && $0.date <= request.date }) {
                    return .reaches(Finding(.con7, .allow, "Consent \(id) names \(named(grantee.id)); \(named(person)) confirmed on \(handover.date) that \(named(request.actor)) may take over.", authority: id))
                }
                return .reaches(Finding(.con7, policy.namedAdvocateReassignment,
                                        "Consent names \(named(grantee.id)). Confirm with \(named(person)) that \(named(request.actor)) may take over, and record the confirmation.", authority: id))
            }
            if let granteeOrganisation { return .reaches(organisationReach(consent, from: granteeOrganisation)) }
            return .reaches(Finding(.con1, .deny, "Consent \(id) was given to \(named(grantee.id)), not to \(named(request.actor)) or their organisation.", authority: id))
        case .organisation:
            if grantee.id == actorOrganisation {
                // Named when the actor is not the advocate who took the consent: the organisation (the controller)
                // is what the person chose, so a colleague is covered without a new confirmation (R-CON-7).
                if let taker = consent.recordedBy, !taker.isEmpty, taker != request.actor {
                    return .reaches(Finding(.con7, .allow, "Consent \(id) was given to \(named(grantee.id)), so it covers \(named(request.actor)), a colleague of \(taker) who took it.", authority: id))
                }
                return .reaches(nil)
            }
            return .reaches(organisationReach(consent, from: grantee.id))
        }
    }

    func organisationReach(_ consent: Authority, from organisation: String) -> Finding {
        guard let actorOrganisation else {
            return Finding(.con1, .deny, "\(named(request.actor)) is not recorded as working for an organisation that consent \(consent.id) covers.", authority: consent.id)
        }
        if transferReaches(from: organisation, to: actorOrganisation) {
            return Finding(.con8, .allow, "The case was transferred from \(named(organisation)) to \(named(actorOrganisation)) with \(named(person))'s agreement.", authority: consent.id)
        }
        return Finding(.con8, .deny,
                       "\(named(request.actor)) works for \(named(actorOrganisation)), which consent \(consent.id) does not cover. Record a referral or transfer that \(named(person)) has agreed to.", authority: consent.id)
    }

    func transferReaches(from origin: String, to destination: String) -> Bool {
        destination == actorOrganisation && organisationsTransferredToActor.contains(origin)
    }

    /// Consented transfers dated on or before the request, followed backwards from the actor's organisation
    /// (A → B → C reaches C from A and from B).
    static func organisationsTransferred(to destination: String?, facts: ConsentFacts, on date: CivilDate) -> Set<String> {
        guard let destination else { return [] }
        let transfers = (facts.case?.transfers ?? []).filter { $0.consented && ($0.date.map { $0 <= date } ?? false) }
        var reached: Set<String> = [destination]
        var frontier = [destination]
        while let next = frontier.popLast() {
            for transfer in transfers where transfer.toOrg == next && reached.insert(transfer.fromOrg).inserted {
                frontier.append(transfer.fromOrg)
            }
        }
        reached.remove(destination)
        return reached
    }
}
