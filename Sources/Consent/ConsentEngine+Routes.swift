import VaultModel
/// The routes by which an authority can reach the person: their own request, a chain through a holder,
/// and the legal positions (CONSENT-RULES.md §3, R-WHO/R-LPA/R-DEP/R-CHI/R-DEC/R-CAP).
extension Evaluation {
    // MARK: - Routes

    /// The person's own request (reg 5(2)), with their age, capacity and death taken into account.
    func ownConsent(_ consent: Authority, on date: CivilDate) -> [Finding] {
        let id = consent.id
        let now = state(on: date)
        // Built only on the routes that allow (a refusal never lists them).
        func asked(_ more: Finding? = nil) -> [Finding] {
            var findings = [Finding(.who1, .allow, "Acting at \(named(person))'s own request (reg 5(2)); consent \(id) covers this action.", authority: id),
                            Finding(.con1, .allow, "Consent \(id) is on file and covers \(named(request.actor)).", authority: id)]
            if let more { findings.append(more) }
            return findings
        }
        if now.deceased {
            let died = facts.person.dateOfDeath.map { " on \($0)" } ?? ""
            if request.action.disclosesRecords {
                return [Finding(.dec4, .deny, "\(named(person)) died\(died). Their consent no longer authorises access to records. Contact the personal representative.", authority: id)]
            }
            return [Finding(.dec4, .warn, "\(named(person)) died\(died). Work already started may continue only as a complaint under reg 5(2)(a); records access needs the personal representative.", authority: id)]
        }
        if let age = now.age, age < 16 {
            switch facts.person.gillickCompetent {
            case true?:
                return asked(Finding(.chi2, .allow, "\(named(person)) (aged \(age)) is Gillick-competent and has given their own consent.", authority: id))
            case nil where age >= 12:
                return asked(Finding(.chi2, .warn, "\(named(person)) is \(age) and their competence has not been assessed. Record the child's views and assess Gillick competence.", authority: id))
            default:
                return [Finding(.chi2, .deny, "\(named(person)) is \(age) and not assessed as Gillick-competent, so their own consent cannot authorise this. A person with parental responsibility may act.", authority: id)]
            }
        }
        if case .lacks(let since) = now.capacity {
            return [Finding(.cap2, .deny, "\(named(person)) was assessed on \(since) as lacking capacity to decide about this complaint, so their earlier consent cannot authorise this now.", authority: id)]
        }
        if let age = now.age, age < 18 {
            return asked(Finding(.chi3, .allow, "\(named(person)) is \(age), presumed to have capacity, and has given their own consent.", authority: id))
        }
        return asked()
    }

    /// A consent given by someone other than the person: it stands only on a representative authority
    /// that the grantor holds, valid both when the consent began and on the request date.
    func chain(through grantor: String, for consent: Authority) -> [Finding] {
        var best: [Finding]?
        var rejections: [Finding] = []
        var anyLink = false
        context.forEachAuthority(heldBy: grantor) { link in
            guard link.id != consent.id, !link.kind.isConsent || (link.party?.type == .person && (link.grantedBy ?? person) == person) else { return }
            anyLink = true
            var findings = linkFindings(link, on: request.date)
            if let start = consent.validFrom, start != request.date {
                // "Valid" at the start means in full (CONSENT-RULES.md §2, chains clarified 2026-12-02): in force,
                // not withdrawn, and the holder's own conditions met on that date, so an attorney cannot instruct
                // before an assessment recorded the donor's lack of capacity (R-LPA-1(b)).
                var deniedNow: [RuleID] = []
                for finding in findings where finding.outcome == .deny && !deniedNow.contains(finding.rule) { deniedNow.append(finding.rule) }
                var atStart = validity(link, on: start)
                // A holder already refused today for the person's state is not refused twice for the same cause.
                if atStart.isEmpty && deniedNow.isEmpty { atStart = holderConditions(link, on: start) }
                findings += atStart.filter { !deniedNow.contains($0.rule) }
                    .map { Finding($0.rule, .deny, "On \(start), when consent \(consent.id) began: \($0.text)", authority: link.id) }
            }
            // The link's findings are reported under the consent; the sentence is kept as it is (not re-rendered).
            func underConsent(_ finding: Finding) -> Finding {
                var moved = finding
                moved.authorityID = consent.id
                moved.isNote = false
                return moved
            }
            let outcome = findings.maxOutcome ?? .allow
            if outcome == .deny {
                for finding in findings where finding.outcome == .deny { rejections.append(underConsent(finding)) }
            } else if best == nil || outcome < (best!.maxOutcome ?? .allow) {
                best = findings.map(underConsent)
            }
        }
        guard anyLink else {
            return [Finding(.con1, .deny, "Consent \(consent.id) was given by \(named(grantor)), who holds no authority to act for \(named(person)).", authority: consent.id)]
        }
        return best ?? rejections
    }

    /// The refusals a holder's authority met on one date because of the person's state then: capacity for an
    /// attorney or welfare deputy, age and competence for a parent. The routes that begin with a death
    /// (personal representative, next of kin) are judged on the request date only.
    func holderConditions(_ link: Authority, on date: CivilDate) -> [Finding] {
        let then = state(on: date)
        switch link.kind {
        case .lpaHealthWelfare, .courtDeputyWelfare:
            if !then.deceased, !then.capacity.lacks, (then.age ?? 18) >= 18 {
                let (rule, role) = link.kind == .lpaHealthWelfare ? (RuleID.lpa1, "LPA \(link.id) did not yet work and the attorney could not instruct anyone")
                                                                     : (RuleID.dep1, "deputy order \(link.id) did not yet let the deputy decide for \(named(person))")
                let why: String
                if case .has(let since, true) = then.capacity {
                    why = "\(named(person)) had regained capacity to decide about the complaint on \(since)"
                } else {
                    why = "no assessment about the complaint had yet recorded that \(named(person)) lacked capacity"
                }
                return [Finding(rule, .deny, "\(why), so \(role). Get a new consent from the holder dated on or after the assessment.", authority: link.id)]
            }
            return legalRoute(link, on: date).filter { $0.outcome == .deny }
        case .parentalResponsibility:
            return legalRoute(link, on: date).filter { $0.outcome == .deny }
        default:
            return []
        }
    }

    func linkFindings(_ link: Authority, on date: CivilDate) -> [Finding] {
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
    func legalRoute(_ authority: Authority, on date: CivilDate) -> [Finding] {
        let id = authority.id
        let now = state(on: date)
        let covered = Finding(.con1, .allow, "Authority \(id) covers \(named(request.actor)) for \(named(person)).", authority: id)
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
                return [Finding(.chi3, .deny, "\(named(person)) is \(age); a lasting power of attorney is not available under 18.", authority: id)]
            }
            // R-LPA-1's conditions are independent: every one that fails is named, so the advocate learns
            // at once that, say, registering the LPA would not be enough while the donor has capacity.
            var causes: [Finding] = []
            if authority.registered != true && !authority.evidence.contains("opg_registration") {
                causes.append(Finding(.lpa1, .deny, "LPA \(id) is not registered with the OPG.", authority: id))
            }
            if let excluded = excludesHealth(authority) { causes.append(Finding(.lpa1, .deny, "LPA \(id) \(excluded).", authority: id)) }
            if let refusal = capacityBarsRepresentative(now, authority, presumedRule: .lpa1,
                                                        presumedText: "The donor has capacity, so the attorney cannot decide for them.") {
                causes.append(refusal)
            }
            if !causes.isEmpty { return causes }
            return [Finding(.lpa1, .allow, "Registered health & welfare LPA \(id); \(named(person)) lacks capacity for this decision.", authority: id), covered]

        case .courtDeputyWelfare:
            if now.deceased { return [ended(authority)] }
            var causes: [Finding] = []
            if let excluded = excludesHealth(authority) { causes.append(Finding(.dep1, .deny, "Deputy order \(id) \(excluded).", authority: id)) }
            if let refusal = capacityBarsRepresentative(now, authority, presumedRule: .cap1,
                                                        presumedText: "\(named(person)) is presumed to have capacity (MCA s.1(2)). They must give consent themselves.") {
                causes.append(refusal)
            }
            if !causes.isEmpty { return causes }
            return [Finding(.dep1, .allow, "Personal welfare deputy order \(id) covers health matters.", authority: id), covered]

        case .parentalResponsibility:
            return parentalResponsibility(authority, now)

        case .personalRepresentative:
            guard now.deceased else {
                return [Finding(.dec2, .deny, "\(id) claims a personal representative's authority, but \(named(person)) is not recorded as having died.", authority: id)]
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
                    return [Finding(.cap3, .deny, "Next of kin has no legal power to act for \(named(person)). Record a best-interests basis or an attorney or deputy.", authority: id)]
                }
                return [Finding(.cap1, .deny, "\(named(person)) is presumed to have capacity (MCA s.1(2)). They must give consent themselves.", authority: id),
                        Finding(.who2, .deny, "\(named(person)) is an adult presumed to have capacity. Only \(named(person)), or someone they have asked, can act.", authority: id)]
            }
            if request.action.disclosesRecords {
                if authority.claimArisingFromDeath == true {
                    return [Finding(.dec3, .warn, "\(named(authority.party?.id ?? id)) may have a claim arising from the death: records access is limited to the relevant parts.", authority: id)]
                }
                return [Finding(.dec3, .deny, "As next of kin, \(named(authority.party?.id ?? id)) has no right to \(named(person))'s records unless they are the personal representative or have a claim arising from the death.", authority: id)]
            }
            return [Finding(.dec1, .warn, "Complaints about a deceased person are allowed, but the NHS body may ask for proof of status (grant of probate / letters of administration).", authority: id)]

        case .bestInterestsRecord:
            if now.deceased { return [ended(authority)] }
            if let age = now.age, age < 16 {
                return [Finding(.chi1, .deny, "\(named(person)) is \(age); a person with parental responsibility acts for a child this young.", authority: id)]
            }
            if let refusal = capacityBarsRepresentative(now, authority, presumedRule: .cap1,
                                                        presumedText: "\(named(person)) is presumed to have capacity (MCA s.1(2)). They must give consent themselves.") {
                return [refusal]
            }
            if let decider = date == request.date ? attorneyOrDeputyToday : validAttorneyOrDeputy(on: date) {
                return [Finding(.cap3, .deny, "\(named(person)) has an attorney or deputy (\(decider)); the best-interests route is for people who have neither.", authority: id)]
            }
            guard case .lacks(let since) = now.capacity else { return [] }
            let reasons = authority.reasons == nil ? " No best-interests reasons are recorded yet: record them." : ""
            return [Finding(.cap3, .warn, "\(named(person)) lacks capacity (assessed \(since)) and has no attorney or deputy. Acting on a best-interests basis. The NHS body may test this under reg 5.\(reasons)", authority: id),
                    Finding(.who3, .warn, "The NHS body must be satisfied that the representative acts in \(named(person))'s best interests (reg 5(3)); it may refuse under reg 5(4).", authority: id)]
        }
    }

    func ended(_ authority: Authority) -> Finding {
        Finding(.dec4, .deny, "\(named(person)) has died, so \(authority.id) no longer gives authority. Contact the personal representative.", authority: authority.id)
    }

    /// Nil when the person lacks capacity on this date (by assessment), which the representative routes need.
    func capacityBarsRepresentative(_ now: PersonState, _ authority: Authority, presumedRule: RuleID, presumedText: String) -> Finding? {
        switch now.capacity {
        case .lacks:
            return nil
        case .claimedWithoutAssessment:
            return Finding(.cap2, .deny, "No recorded assessment shows \(named(person)) lacks capacity to decide about this complaint, so the presumption applies.", authority: authority.id)
        case .has(let since, true):
            return Finding(.cap2, .deny, "\(named(person)) regained capacity on \(since). Get their own consent.", authority: authority.id)
        case .has, .presumed:
            return Finding(presumedRule, .deny, presumedText, authority: authority.id)
        }
    }

    func excludesHealth(_ authority: Authority) -> String? {
        guard let matters = authority.scope?.matters else { return nil }
        let covered = matters.contains { policy.healthMatters.contains($0.lowercased()) }
        return covered ? nil : "does not cover health matters (it covers: \(matters.joined(separator: ", ")))"
    }

    func validAttorneyOrDeputy(on date: CivilDate) -> String? {
        facts.authorities.withUnsafeBufferPointer { records in
            for index in order where isValidAttorneyOrDeputy(records[index], on: date) { return records[index].id }
            return nil
        }
    }

    private func isValidAttorneyOrDeputy(_ authority: Authority, on date: CivilDate) -> Bool {
        switch authority.kind {
        case .lpaHealthWelfare:
            (authority.registered == true || authority.evidence.contains("opg_registration"))
                && excludesHealth(authority) == nil && validity(authority, on: date).isEmpty
        case .courtDeputyWelfare:
            excludesHealth(authority) == nil && validity(authority, on: date).isEmpty
        default:
            false
        }
    }

    /// R-CHI-1, R-CHI-2, R-CHI-3 for a parent acting by parental responsibility.
    func parentalResponsibility(_ authority: Authority, _ now: PersonState) -> [Finding] {
        let id = authority.id
        if now.deceased { return [ended(authority)] }
        guard let age = now.age else {
            return [Finding(.chi1, .deny, "\(named(person))'s date of birth is not recorded, so parental responsibility cannot be checked. Record it.", authority: id)]
        }
        guard age < 18 else {
            return [Finding(.chi1, .deny, "\(named(person)) is \(age), no longer a child; parental responsibility gives no authority.", authority: id)]
        }
        let evidence = authority.evidence.first
        let unevidenced = evidence == nil
            ? [Finding(.chi1, .warn, "Parental responsibility for \(named(person)) is not evidenced (birth certificate or court order). The NHS body may ask for it.", authority: id)]
            : []
        if age >= 16 {
            guard case .lacks(let since) = now.capacity else {
                return [Finding(.chi3, .deny, "\(named(person)) is \(age) and presumed to have capacity. They must agree before anyone acts for them.", authority: id)]
            }
            return unevidenced + [
                Finding(.chi3, .warn, "\(named(person)) is \(age) and lacks capacity (assessed \(since)): acting with parental responsibility in their best interests.", authority: id),
                Finding(.who3, .warn, "The NHS body must be satisfied there are reasonable grounds for a representative to act for \(named(person)) (reg 5(3)).", authority: id),
            ]
        }
        switch facts.person.gillickCompetent {
        case true?:
            return [Finding(.chi2, .deny, "\(named(person)) is Gillick-competent. Parental responsibility alone is not enough: the child's own consent is the authority.", authority: id)]
        case nil where age >= 12:
            return unevidenced + [Finding(.chi2, .warn, "\(named(person)) is \(age) and their competence has not been assessed. Record the child's views.", authority: id)]
        default:
            if let evidence {
                return [Finding(.chi1, .allow, "Acting for \(named(person)) (aged \(age)) with parental responsibility (\(evidence)).", authority: id),
                        Finding(.con1, .allow, "Authority \(id) covers \(named(request.actor)) for \(named(person)).", authority: id)]
            }
            return unevidenced
        }
    }
}
