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

    public func evaluate(_ request: ConsentRequest, facts: ConsentFacts) -> Decision {
        Evaluation(policy: policy, request: request, facts: facts).decide()
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

private struct Evaluation {
    let policy: ConsentPolicy
    let request: ConsentRequest
    let facts: ConsentFacts
    let actorOrganisation: String?
    let person: String
    /// Worked out once per request: the authorities in id order, by holder, the person's state today,
    /// and whether a valid attorney or deputy exists (which closes the best-interests route).
    /// Indices into `facts.authorities`, in id order (records are never copied, only borrowed).
    let order: [Int]
    let indicesByParty: [String: [Int]]
    let today: PersonState
    private(set) var attorneyOrDeputyToday: String?
    /// Organisations whose consents reach the actor's organisation through consented transfers (R-CON-8).
    let organisationsTransferredToActor: Set<String>

    init(policy: ConsentPolicy, request: ConsentRequest, facts: ConsentFacts) {
        self.policy = policy
        self.request = request
        self.facts = facts
        actorOrganisation = facts.actors[request.actor]?.organisation
        person = facts.person.id
        let sorted = facts.authorities.indices.sorted { facts.authorities[$0].id < facts.authorities[$1].id }
        order = sorted
        var byParty: [String: [Int]] = [:]
        for index in sorted { if let party = facts.authorities[index].party { byParty[party.id, default: []].append(index) } }
        indicesByParty = byParty
        organisationsTransferredToActor = Self.organisationsTransferred(to: actorOrganisation, facts: facts, on: request.date)
        today = Self.state(of: facts.person, on: request.date)
        attorneyOrDeputyToday = validAttorneyOrDeputy(on: request.date)
    }

    // MARK: - Combining (step 4 and step 6)

    func decide() -> Decision {
        var assessments: [AuthorityAssessment] = []
        for index in order {
            if let assessment = assess(facts.authorities[index]) { assessments.append(assessment) }
        }
        let overlays = globalOverlays()
        let matched = assessments.filter { $0.status == .matched }

        var findings: [Finding]
        if matched.isEmpty {
            let reasons = assessments.flatMap { $0.findings.filter { $0.outcome == .deny } }
            findings = reasons.isEmpty
                ? [Finding(.con1, .deny, "No consent or legal authority lets \(request.actor) do \(request.action.rawValue) for \(person).")]
                : reasons
            findings += overlays
        } else {
            let mildest = matched.map(\.outcome).min()!
            findings = matched.filter { $0.outcome == mildest }.flatMap(\.findings) + overlays
        }
        let outcome = findings.map(\.outcome).max() ?? .deny
        let deciding = unique(findings.filter { $0.outcome == outcome })
        let rules = Array(Set(deciding.map(\.rule))).sorted()
        let hint: String? = outcome == .deny
            ? rules.map(\.remedy).filter { !$0.isEmpty }.uniqued().joined(separator: "; ")
            : nil
        return Decision(
            outcome: outcome,
            ruleIDs: rules,
            explanation: deciding.map { "\($0.rule.rawValue): \($0.text)" },
            findings: unique(findings),
            authorities: assessments,
            hint: hint,
            acknowledgementRequired: outcome == .warn ? rules.filter { policy.acknowledgementRequired.contains($0) } : []
        )
    }

    /// Findings arrive in a fixed order (authorities by id, then the overlays), so no sort is needed for
    /// the result to be independent of record order; repeated findings are dropped.
    private func unique(_ findings: [Finding]) -> [Finding] {
        struct Key: Hashable {
            var rule: RuleID
            var authority: String?
        }
        var seen: [Key: [Int]] = [:]
        var result: [Finding] = []
        result.reserveCapacity(findings.count)
        for finding in findings {
            let key = Key(rule: finding.rule, authority: finding.authorityID)
            if let earlier = seen[key], earlier.contains(where: { result[$0].text == finding.text }) { continue }
            seen[key, default: []].append(result.count)
            result.append(finding)
        }
        return result
    }

    // MARK: - Step 1: the person's state

    func state(on date: CivilDate) -> PersonState {
        date == request.date ? today : Self.state(of: facts.person, on: date)
    }

    static func state(of subject: PersonFacts, on date: CivilDate) -> PersonState {
        let age = subject.dob.map { $0.wholeYears(until: date) }
        let deceased = subject.deceased && (subject.dateOfDeath.map { $0 <= date } ?? true)
        let counted = subject.capacityAssessments.filter { $0.date <= date }
        // The latest assessment decides; on a tie the presumption of capacity (MCA s.1(2)) wins.
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
        var findings: [Finding] = []
        var holders: [String] = []
        // The checks that need no route come first; an authority they already rule out is not followed
        // further (its refusal reasons are those checks), which keeps a decision fast with many records.
        if authority.kind.isConsent {
            guard let reach = reach(authority, party) else { return nil }
            findings += reach
            if findings.contains(where: { $0.outcome == .deny }) { return assessment(authority, findings) }
            findings += consentChecks(authority)
            if findings.contains(where: { $0.outcome == .deny }) { return assessment(authority, findings) }
            let grantor = authority.grantedBy ?? person
            if grantor == person {
                findings += ownConsent(authority, on: request.date)
            } else {
                holders.append(grantor)
                findings += chain(through: grantor, for: authority)
            }
        } else {
            guard reachesActorDirectly(party) else { return nil }
            holders.append(party.id)
            findings += validity(authority, on: request.date)
            findings += scopeChecks(authority, strict: false)
            if findings.contains(where: { $0.outcome == .deny }) { return assessment(authority, findings) }
            findings += legalRoute(authority, on: request.date)
        }
        if party.type != .organisation { holders.append(party.id) }
        findings += holderOverlays(authority, holders: holders)
        // R-DEC-1 unless the route already is the personal representative's or the next of kin's (R-DEC-2/3).
        if state(on: request.date).deceased, !findings.contains(where: { $0.outcome == .deny }),
           !findings.contains(where: { [.dec1, .dec2, .dec3].contains($0.rule) }) {
            findings.append(Finding(.dec1, .warn, "Complaints about a deceased person are allowed, but the NHS body may ask for proof of status (grant of probate / letters of administration).", authority: authority.id))
        }
        return assessment(authority, findings)
    }

    private func assessment(_ authority: Authority, _ findings: [Finding]) -> AuthorityAssessment {
        let outcome = findings.map(\.outcome).max() ?? .allow
        return AuthorityAssessment(id: authority.id, status: outcome == .deny ? .rejected : .matched, outcome: outcome, findings: findings)
    }

    private func reachesActorDirectly(_ party: Party) -> Bool {
        switch party.type {
        case .person, .advocate: party.id == request.actor
        case .organisation: actorOrganisation != nil && party.id == actorOrganisation
        }
    }

    /// R-CON-7 and R-CON-8: how a consent's grantee relates to the actor. Nil: the consent is for
    /// someone else entirely (for example a relative the person asked, who may pass it on by a chain).
    private func reach(_ consent: Authority, _ grantee: Party) -> [Finding]? {
        let id = consent.id
        switch grantee.type {
        case .person:
            return grantee.id == request.actor ? [] : nil
        case .advocate:
            if grantee.id == request.actor { return [] }
            let granteeOrganisation = facts.actors[grantee.id]?.organisation
            if let granteeOrganisation, granteeOrganisation == actorOrganisation {
                return [Finding(.con7, policy.namedAdvocateReassignment,
                                "Consent names \(grantee.id). Confirm with \(person) that \(request.actor) may take over, and record the confirmation.", authority: id)]
            }
            if let granteeOrganisation { return organisationReach(consent, from: granteeOrganisation) }
            return [Finding(.con1, .deny, "Consent \(id) was given to \(grantee.id), not to \(request.actor) or their organisation.", authority: id)]
        case .organisation:
            if grantee.id == actorOrganisation { return [] }
            return organisationReach(consent, from: grantee.id)
        }
    }

    private func organisationReach(_ consent: Authority, from organisation: String) -> [Finding] {
        guard let actorOrganisation else {
            return [Finding(.con1, .deny, "\(request.actor) is not recorded as working for an organisation that consent \(consent.id) covers.", authority: consent.id)]
        }
        if transferReaches(from: organisation, to: actorOrganisation) {
            return [Finding(.con8, .allow, "The case was transferred from \(organisation) to \(actorOrganisation) with \(person)'s agreement.", authority: consent.id)]
        }
        return [Finding(.con8, .deny,
                        "\(request.actor) works for \(actorOrganisation), which consent \(consent.id) does not cover. Record a referral or transfer that \(person) has agreed to.", authority: consent.id)]
    }

    private func transferReaches(from origin: String, to destination: String) -> Bool {
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

    // MARK: - Routes

    /// The person's own request (reg 5(2)), with their age, capacity and death taken into account.
    private func ownConsent(_ consent: Authority, on date: CivilDate) -> [Finding] {
        let id = consent.id
        let now = state(on: date)
        let asked = [Finding(.who1, .allow, "Acting at \(person)'s own request (reg 5(2)); consent \(id) covers this action.", authority: id),
                     Finding(.con1, .allow, "Consent \(id) is on file and covers \(request.actor).", authority: id)]
        if now.deceased {
            let died = facts.person.dateOfDeath.map { " on \($0)" } ?? ""
            if request.action.disclosesRecords {
                return [Finding(.dec4, .deny, "\(person) died\(died). Their consent no longer authorises access to records. Contact the personal representative.", authority: id)]
            }
            return [Finding(.dec4, .warn, "\(person) died\(died). Work already started may continue only as a complaint under reg 5(2)(a); records access needs the personal representative.", authority: id)]
        }
        if let age = now.age, age < 16 {
            switch facts.person.gillickCompetent {
            case true?:
                return asked + [Finding(.chi2, .allow, "\(person) (aged \(age)) is Gillick-competent and has given their own consent.", authority: id)]
            case nil where age >= 12:
                return asked + [Finding(.chi2, .warn, "\(person) is \(age) and their competence has not been assessed. Record the child's views and assess Gillick competence.", authority: id)]
            default:
                return [Finding(.chi2, .deny, "\(person) is \(age) and not assessed as Gillick-competent, so their own consent cannot authorise this. A person with parental responsibility may act.", authority: id)]
            }
        }
        if case .lacks(let since) = now.capacity {
            return [Finding(.cap2, .deny, "\(person) was assessed on \(since) as lacking capacity to decide about this complaint, so their earlier consent cannot authorise this now.", authority: id)]
        }
        if let age = now.age, age < 18 {
            return asked + [Finding(.chi3, .allow, "\(person) is \(age), presumed to have capacity, and has given their own consent.", authority: id)]
        }
        return asked
    }

    /// A consent given by someone other than the person: it stands only on a representative authority
    /// that the grantor holds, valid both when the consent began and on the request date.
    private func chain(through grantor: String, for consent: Authority) -> [Finding] {
        let links = (indicesByParty[grantor] ?? []).map { facts.authorities[$0] }.filter { link in
            link.id != consent.id && (!link.kind.isConsent || (link.party?.type == .person && (link.grantedBy ?? person) == person))
        }
        guard !links.isEmpty else {
            return [Finding(.con1, .deny, "Consent \(consent.id) was given by \(grantor), who holds no authority to act for \(person).", authority: consent.id)]
        }
        var best: [Finding]?
        var rejections: [Finding] = []
        for link in links {
            var findings = linkFindings(link, on: request.date)
            if let start = consent.validFrom, start != request.date {
                // "Valid" at the start means in force and not withdrawn; the person's capacity is judged on
                // the request date, since an attorney's consent may be given before the donor's incapacity is assessed.
                let deniedNow = Set(findings.filter { $0.outcome == .deny }.map(\.rule))
                findings += validity(link, on: start).filter { !deniedNow.contains($0.rule) }
                    .map { Finding($0.rule, .deny, "On \(start), when consent \(consent.id) began: \($0.text)", authority: link.id) }
            }
            let outcome = findings.map(\.outcome).max() ?? .allow
            if outcome == .deny {
                rejections += findings.filter { $0.outcome == .deny }.map { Finding($0.rule, .deny, $0.text, authority: consent.id) }
            } else if best == nil || outcome < (best!.map(\.outcome).max() ?? .allow) {
                best = findings.map { Finding($0.rule, $0.outcome, $0.text, authority: consent.id) }
            }
        }
        return best ?? rejections
    }

    private func linkFindings(_ link: Authority, on date: CivilDate) -> [Finding] {
        var findings = validity(link, on: date)
        if link.kind.isConsent {
            findings += ownConsent(link, on: date)
        } else {
            findings += legalRoute(link, on: date)
        }
        if link.scope != nil { findings += scopeChecks(link, strict: false) }
        return findings
    }

    /// The legal positions: LPAs, deputies, parental responsibility, personal representative, next of kin,
    /// best-interests record (R-LPA, R-DEP, R-CHI, R-DEC, R-CAP).
    private func legalRoute(_ authority: Authority, on date: CivilDate) -> [Finding] {
        let id = authority.id
        let now = state(on: date)
        let covered = Finding(.con1, .allow, "Authority \(id) covers \(request.actor) for \(person).", authority: id)
        switch authority.kind {
        case .writtenConsent, .verbalConsent:
            return ownConsent(authority, on: date)

        case .lpaPropertyFinance:
            return [Finding(.lpa2, .deny, "LPA \(id) is for property and finance. It does not cover an NHS complaint or health records.", authority: id)]

        case .courtDeputyProperty:
            return [Finding(.dep1, .deny, "Deputy order \(id) covers property and affairs only.", authority: id)]

        case .lpaHealthWelfare:
            if now.deceased { return [ended(authority)] }
            if let age = now.age, age < 18 {
                return [Finding(.chi3, .deny, "\(person) is \(age); a lasting power of attorney is not available under 18.", authority: id)]
            }
            if authority.registered != true && !authority.evidence.contains("opg_registration") {
                return [Finding(.lpa1, .deny, "LPA \(id) is not registered with the OPG.", authority: id)]
            }
            if let excluded = excludesHealth(authority) { return [Finding(.lpa1, .deny, "LPA \(id) \(excluded).", authority: id)] }
            if let refusal = capacityBarsRepresentative(now, authority, presumedRule: .lpa1,
                                                        presumedText: "The donor has capacity, so the attorney cannot decide for them.") {
                return [refusal]
            }
            return [Finding(.lpa1, .allow, "Registered health & welfare LPA \(id); \(person) lacks capacity for this decision.", authority: id), covered]

        case .courtDeputyWelfare:
            if now.deceased { return [ended(authority)] }
            if let excluded = excludesHealth(authority) { return [Finding(.dep1, .deny, "Deputy order \(id) \(excluded).", authority: id)] }
            if let refusal = capacityBarsRepresentative(now, authority, presumedRule: .cap1,
                                                        presumedText: "\(person) is presumed to have capacity (MCA s.1(2)). They must give consent themselves.") {
                return [refusal]
            }
            return [Finding(.dep1, .allow, "Personal welfare deputy order \(id) covers health matters.", authority: id), covered]

        case .parentalResponsibility:
            return parentalResponsibility(authority, now)

        case .personalRepresentative:
            guard now.deceased else {
                return [Finding(.dec2, .deny, "\(id) claims a personal representative's authority, but \(person) is not recorded as having died.", authority: id)]
            }
            if let evidence = authority.evidence.first {
                return [Finding(.dec2, .allow, "Acting as or for the personal representative (\(evidence)). Records access is under AHRA 1990.", authority: id), covered]
            }
            return [Finding(.dec2, .warn, "Acting as or for the personal representative, but no grant of probate or letters of administration is on file.", authority: id)]

        case .nextOfKin:
            if !now.deceased {
                if now.isChild {
                    return [Finding(.chi1, .deny, "Next of kin has no authority to act for a child; a person with parental responsibility is needed.", authority: id)]
                }
                if now.capacity.lacks {
                    return [Finding(.cap3, .deny, "Next of kin has no legal power to act for \(person). Record a best-interests basis or an attorney or deputy.", authority: id)]
                }
                return [Finding(.cap1, .deny, "\(person) is presumed to have capacity (MCA s.1(2)). They must give consent themselves.", authority: id),
                        Finding(.who2, .deny, "\(person) is an adult presumed to have capacity. Only \(person), or someone they have asked, can act.", authority: id)]
            }
            if request.action.disclosesRecords {
                if authority.claimArisingFromDeath == true {
                    return [Finding(.dec3, .warn, "\(authority.party?.id ?? id) may have a claim arising from the death: records access is limited to the relevant parts.", authority: id)]
                }
                return [Finding(.dec3, .deny, "As next of kin, \(authority.party?.id ?? id) has no right to \(person)'s records unless they are the personal representative or have a claim arising from the death.", authority: id)]
            }
            return [Finding(.dec1, .warn, "Complaints about a deceased person are allowed, but the NHS body may ask for proof of status (grant of probate / letters of administration).", authority: id)]

        case .bestInterestsRecord:
            if now.deceased { return [ended(authority)] }
            if let age = now.age, age < 16 {
                return [Finding(.chi1, .deny, "\(person) is \(age); a person with parental responsibility acts for a child this young.", authority: id)]
            }
            if let refusal = capacityBarsRepresentative(now, authority, presumedRule: .cap1,
                                                        presumedText: "\(person) is presumed to have capacity (MCA s.1(2)). They must give consent themselves.") {
                return [refusal]
            }
            if let decider = date == request.date ? attorneyOrDeputyToday : validAttorneyOrDeputy(on: date) {
                return [Finding(.cap3, .deny, "\(person) has an attorney or deputy (\(decider)); the best-interests route is for people who have neither.", authority: id)]
            }
            guard case .lacks(let since) = now.capacity else { return [] }
            let reasons = authority.reasons == nil ? " No best-interests reasons are recorded yet: record them." : ""
            return [Finding(.cap3, .warn, "\(person) lacks capacity (assessed \(since)) and has no attorney or deputy. Acting on a best-interests basis. The NHS body may test this under reg 5.\(reasons)", authority: id),
                    Finding(.who3, .warn, "The NHS body must be satisfied that the representative acts in \(person)'s best interests (reg 5(3)); it may refuse under reg 5(4).", authority: id)]
        }
    }

    private func ended(_ authority: Authority) -> Finding {
        Finding(.dec4, .deny, "\(person) has died, so \(authority.id) no longer gives authority. Contact the personal representative.", authority: authority.id)
    }

    /// Nil when the person lacks capacity on this date (by assessment), which the representative routes need.
    private func capacityBarsRepresentative(_ now: PersonState, _ authority: Authority, presumedRule: RuleID, presumedText: String) -> Finding? {
        switch now.capacity {
        case .lacks:
            return nil
        case .claimedWithoutAssessment:
            return Finding(.cap2, .deny, "No recorded assessment shows \(person) lacks capacity to decide about this complaint, so the presumption applies.", authority: authority.id)
        case .has(let since, true):
            return Finding(.cap2, .deny, "\(person) regained capacity on \(since). Get their own consent.", authority: authority.id)
        case .has, .presumed:
            return Finding(presumedRule, .deny, presumedText, authority: authority.id)
        }
    }

    private func excludesHealth(_ authority: Authority) -> String? {
        guard let matters = authority.scope?.matters else { return nil }
        let covered = matters.contains { policy.healthMatters.contains($0.lowercased()) }
        return covered ? nil : "does not cover health matters (it covers: \(matters.joined(separator: ", ")))"
    }

    private func validAttorneyOrDeputy(on date: CivilDate) -> String? {
        order.lazy.map { facts.authorities[$0] }.first { authority in
            switch authority.kind {
            case .lpaHealthWelfare:
                return (authority.registered == true || authority.evidence.contains("opg_registration"))
                    && excludesHealth(authority) == nil && validity(authority, on: date).isEmpty
            case .courtDeputyWelfare:
                return excludesHealth(authority) == nil && validity(authority, on: date).isEmpty
            default:
                return false
            }
        }?.id
    }

    /// R-CHI-1, R-CHI-2, R-CHI-3 for a parent acting by parental responsibility.
    private func parentalResponsibility(_ authority: Authority, _ now: PersonState) -> [Finding] {
        let id = authority.id
        if now.deceased { return [ended(authority)] }
        guard let age = now.age else {
            return [Finding(.chi1, .deny, "\(person)'s date of birth is not recorded, so parental responsibility cannot be checked. Record it.", authority: id)]
        }
        guard age < 18 else {
            return [Finding(.chi1, .deny, "\(person) is \(age), no longer a child; parental responsibility gives no authority.", authority: id)]
        }
        let evidence = authority.evidence.first
        let unevidenced = evidence == nil
            ? [Finding(.chi1, .warn, "Parental responsibility for \(person) is not evidenced (birth certificate or court order). The NHS body may ask for it.", authority: id)]
            : []
        if age >= 16 {
            guard case .lacks(let since) = now.capacity else {
                return [Finding(.chi3, .deny, "\(person) is \(age) and presumed to have capacity. They must agree before anyone acts for them.", authority: id)]
            }
            return unevidenced + [
                Finding(.chi3, .warn, "\(person) is \(age) and lacks capacity (assessed \(since)): acting with parental responsibility in their best interests.", authority: id),
                Finding(.who3, .warn, "The NHS body must be satisfied there are reasonable grounds for a representative to act for \(person) (reg 5(3)).", authority: id),
            ]
        }
        switch facts.person.gillickCompetent {
        case true?:
            return [Finding(.chi2, .deny, "\(person) is Gillick-competent. Parental responsibility alone is not enough: the child's own consent is the authority.", authority: id)]
        case nil where age >= 12:
            return unevidenced + [Finding(.chi2, .warn, "\(person) is \(age) and their competence has not been assessed. Record the child's views.", authority: id)]
        default:
            if let evidence {
                return [Finding(.chi1, .allow, "Acting for \(person) (aged \(age)) with parental responsibility (\(evidence)).", authority: id),
                        Finding(.con1, .allow, "Authority \(id) covers \(request.actor) for \(person).", authority: id)]
            }
            return unevidenced
        }
    }

    // MARK: - Checks shared by every authority

    /// R-CON-2 and R-CON-3 on one date.
    private func validity(_ authority: Authority, on date: CivilDate) -> [Finding] {
        let id = authority.id
        if let withdrawn = authority.withdrawnOn, withdrawn <= date {
            return [Finding(.con2, .deny, "Consent \(id) was withdrawn on \(withdrawn). Stop acting. Existing files are kept only under the retention policy.", authority: id)]
        }
        let starts = authority.validFrom.map { $0 <= date } ?? true
        let lasts = authority.validUntil.map { date <= $0 } ?? true
        if !starts || !lasts {
            let from = authority.validFrom?.description ?? "open", until = authority.validUntil?.description ?? "open"
            return [Finding(.con3, .deny, "Consent \(id) is not in force on \(date) (valid \(from) to \(until)). Get a new, dated consent.", authority: id)]
        }
        return []
    }

    /// R-CON-4, R-CON-5, R-CON-6, R-DATA-1. Consents must name what they cover (`strict`); the legal
    /// authorities are limited only where their record states a scope.
    private func scopeChecks(_ authority: Authority, strict: Bool) -> [Finding] {
        let id = authority.id
        let scope = authority.scope
        var findings: [Finding] = []
        func misses(_ list: [String]?, _ value: String) -> Bool {
            guard let list else { return strict }
            return !list.contains(value)
        }
        if let caseID = request.caseID, misses(scope?.cases, caseID) {
            let cases = scope?.cases?.joined(separator: ", ") ?? "none"
            findings.append(Finding(.con4, .deny, "Consent \(id) covers case(s) \(cases.isEmpty ? "none" : cases), not \(caseID).", authority: id))
        }
        if misses(scope?.actions, request.action.rawValue) {
            findings.append(Finding(.con6, .deny, "Consent \(id) does not include '\(request.action.rawValue)'.", authority: id))
        }
        if request.action == .shareWithThirdParty {
            guard let recipient = request.targetOrg else {
                findings.append(Finding(.data1, .deny, "No recipient is named for sharing, so no consent can cover it.", authority: id))
                return findings
            }
            if misses(scope?.thirdParties, recipient) {
                findings.append(Finding(.data1, .deny, "\(recipient) is not named in consent \(id).", authority: id))
            }
        } else if let organisation = request.action == .referToOmbudsman ? "phso" : request.targetOrg,
                  misses(scope?.organisations, organisation) {
            findings.append(Finding(.con5, .deny, "Consent \(id) does not name \(organisation). Ask \(person) to add it.", authority: id))
        }
        return findings
    }

    /// Everything a consent must satisfy besides its route: dates, scope, and how it was given (R-CON-9, R-CON-10).
    private func consentChecks(_ consent: Authority) -> [Finding] {
        // In order, stopping at the first stage that rules the consent out: one clear reason per record.
        var findings = validity(consent, on: request.date)
        if !findings.isEmpty { return findings }
        findings = scopeChecks(consent, strict: true)
        if !findings.isEmpty { return findings }
        let id = consent.id
        switch consent.kind {
        case .verbalConsent:
            let recorded = consent.recorded ?? (consent.recordedBy != nil || consent.recordedOn != nil)
            if !recorded {
                findings.append(Finding(.con9, .deny, "Verbal consent \(id) was not recorded (who gave it, who took it, when, the scope), so it counts as no consent.", authority: id))
            } else {
                let by = consent.recordedBy ?? "an unnamed advocate", on = consent.recordedOn?.description ?? "an unrecorded date"
                let text = "Only verbal consent is on file (recorded by \(by) on \(on)). Get signed consent before \(request.action.rawValue). The NHS body may not discuss the case until it has a signed form."
                findings.append(Finding(.con9, policy.verbalConsentActions.contains(request.action) ? .warn : .deny, text, authority: id))
            }
        case .writtenConsent:
            findings += formChecks(consent)
        default:
            break
        }
        return findings
    }

    private func formChecks(_ consent: Authority) -> [Finding] {
        let id = consent.id
        guard let form = consent.form else {
            return [Finding(.con10, .deny, "Written consent \(id) has no signed form on file, so it cannot show consent.", authority: id)]
        }
        var missing: [String] = []
        if !form.signature { missing.append("signature") }
        if form.date == nil { missing.append("date") }
        if !missing.isEmpty {
            return [Finding(.con10, .deny, "The consent form is missing \(missing.joined(separator: " and ")). The trust may reject it or delay.", authority: id)]
        }
        let identifiers = [("NHS number", form.nhsNumber), ("date of birth", form.dob), ("address", form.address)]
        let absent = identifiers.filter { $0.1 == nil }.map(\.0)
        if absent.count == identifiers.count {
            return [Finding(.con10, .deny, "The consent form is missing NHS number, date of birth and address, so it does not identify the patient.", authority: id)]
        }
        let alsoAbsent = (form.patientName == nil ? ["patient name"] : []) + (form.representativeName == nil ? ["representative name"] : [])
        let gaps = absent + alsoAbsent
        if !gaps.isEmpty {
            return [Finding(.con10, .warn, "The consent form is missing \(gaps.joined(separator: ", ")). The trust may reject it or delay.", authority: id)]
        }
        return []
    }

    // MARK: - Step 5: overlays

    /// Overlays that depend on who holds the authority: objections, conflicts, a named refusal.
    private func holderOverlays(_ authority: Authority, holders: [String]) -> [Finding] {
        let id = authority.id
        var findings: [Finding] = []
        let child = state(on: request.date).isChild
        for holder in holders.uniqued() where holder != request.actor && facts.person.objectsTo.contains(holder) {
            findings.append(Finding(child ? .chi2 : .con1, .deny, "\(person) has objected to \(holder) acting for them.", authority: id))
        }
        let subjects = Set(facts.case?.subjectsOfComplaint ?? [])
        for holder in ([request.actor] + holders).uniqued() where subjects.contains(holder) {
            findings.append(Finding(.conf1, .warn, "\(holder) is named in the complaint. The NHS body may refuse them as representative. Consider an independent representative.", authority: id))
        }
        if case .holder(let refused, let since)? = facts.case?.bodyRefusedRepresentative, representativeActions.contains(request.action),
           since.map({ $0 <= request.date }) ?? true,
           ([request.actor] + holders + [actorOrganisation].compactMap { $0 }).contains(refused) {
            findings.append(refusal(authority: id))
        }
        return findings
    }

    private var representativeActions: Set<ConsentAction> { [.sendLetterToNHSBody, .attendMeeting, .speakByPhone] }

    private func refusal(authority: String?) -> Finding {
        Finding(.who3, .deny, "The NHS body has refused this representative under reg 5(4). Review its written reasons. The options are to challenge the decision, find another representative, or go to the PHSO.", authority: authority)
    }

    /// Overlays on the request as a whole: the actor objected to, a refused route, time limits, the PHSO.
    private func globalOverlays() -> [Finding] {
        var findings: [Finding] = []
        let now = state(on: request.date)
        let objected = [request.actor, actorOrganisation].compactMap { $0 }.filter { facts.person.objectsTo.contains($0) }
        if !objected.isEmpty {
            let text = now.isChild
                ? "\(person) is Gillick-competent and has objected. A parent cannot act for them or see their information."
                : "\(person) has objected to \(objected.joined(separator: " and ")) acting for them."
            findings.append(Finding(now.isChild ? .chi2 : .con1, .deny, text))
        }
        if facts.case?.bodyRefusedRepresentative == .currentRepresentative, representativeActions.contains(request.action) {
            findings.append(refusal(authority: nil))
        }
        guard let events = facts.case?.events else { return findings }
        findings += timeLimit(events)
        if request.action == .checkDeadlines { findings += responseDeadlines(events) }
        if request.action == .referToOmbudsman { findings += ombudsmanReadiness(events) }
        return findings
    }

    /// R-TIME-1 and R-TIME-2: warned about, never blocked (the body has discretion under reg 12).
    private func timeLimit(_ events: CaseEvents) -> [Finding] {
        guard let limit = ComplaintDeadlines.twelveMonthLimit(events) else { return [] }
        let tested = events.complaintDate ?? request.date
        if tested > limit {
            return [Finding(.time1, .warn, "This is \(limit.days(until: tested)) days past the 12-month limit (reg 12). Record the good reasons for the delay. The NHS body has discretion to accept it if a fair investigation is still possible.")]
        }
        if events.complaintDate == nil {
            let remaining = request.date.days(until: limit)
            if remaining <= policy.deadlineWarningDays {
                return [Finding(.time2, .warn, "\(remaining) days remain before the 12-month limit on \(limit).")]
            }
        }
        return []
    }

    private func responseDeadlines(_ events: CaseEvents) -> [Finding] {
        guard let received = events.complaintDate, received <= request.date else { return [] }
        var findings: [Finding] = []
        let acknowledgementDue = policy.calendar.addingWorkingDays(3, to: received)
        if events.acknowledgedOn == nil, request.date > acknowledgementDue {
            findings.append(Finding(.time3, .warn, "No acknowledgement recorded within 3 working days (due \(acknowledgementDue)). Chase the complaints team."))
        }
        let responded = events.finalResponseOn.map { $0 <= request.date } ?? false
        if !responded, request.date >= received.adding(months: 6) {
            if let agreedUntil = events.responseExtensionAgreedUntil, request.date <= agreedUntil {
                return findings
            }
            findings.append(Finding(.time4, .warn, "More than 6 months without a response and no agreed extension. The body must explain the delay in writing (reg 14)."))
        }
        return findings
    }

    private func ombudsmanReadiness(_ events: CaseEvents) -> [Finding] {
        guard let final = events.finalResponseOn, final <= request.date else {
            return [Finding(.phso1, .warn, "The local complaints process is not finished (no final response recorded). The PHSO will usually send it back.")]
        }
        if request.date > final.adding(months: 12) {
            return [Finding(.phso1, .warn, "More than 12 months have passed since the final response on \(final). The PHSO usually expects a complaint within 12 months.")]
        }
        return []
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen: Set<Element> = []
        return filter { seen.insert($0).inserted }
    }
}
