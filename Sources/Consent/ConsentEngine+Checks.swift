import VaultModel
/// Checks shared by every authority (step 3) and the overlays on the request (step 5).
extension Evaluation {
    // MARK: - Checks shared by every authority

    /// R-CON-2 and R-CON-3 on one date.
    func validity(_ authority: Authority, on date: CivilDate) -> [Finding] {
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
    func scopeChecks(_ authority: Authority, strict: Bool) -> [Finding] {
        var findings: [Finding] = []
        scopeChecks(authority, strict: strict, into: &findings)
        return findings
    }

    func scopeChecks(_ authority: Authority, strict: Bool, into findings: inout [Finding]) {
        let id = authority.id
        let scope = authority.scope
        func misses(_ list: [String]?, _ value: String) -> Bool {
            guard let list else { return strict }
            return !list.contains(value)
        }
        if let caseID = request.caseID, misses(scope?.cases, caseID) {
            // The list is joined when the sentence is read: most such refusals are never printed.
            let cases = scope?.cases
            findings.append(Finding(.con4, .deny, "Consent \(id) covers case(s) \(Self.listed(cases)), not \(caseID).", authority: id))
        }
        if misses(scope?.actions, request.action.rawValue) {
            findings.append(Finding(.con6, .deny, "Consent \(id) does not include '\(request.action.rawValue)'.", authority: id))
        }
        if request.action == .shareWithThirdParty {
            guard let recipient = request.targetOrg else {
                findings.append(Finding(.data1, .deny, "No recipient is named for sharing, so no consent can cover it.", authority: id))
                return
            }
            if misses(scope?.thirdParties, recipient) {
                findings.append(Finding(.data1, .deny, "\(named(recipient)) is not named in consent \(id).", authority: id))
            } else if scope?.thirdParties?.contains(recipient) == true {
                // The allow rests on the recipient being named, so the decision cites R-DATA-1 too.
                findings.append(Finding(.data1, .allow, "\(named(recipient)) is named in consent \(id) as a recipient \(named(person)) agreed to.", authority: id))
            }
        } else if let organisation = request.action == .referToOmbudsman ? "phso" : request.targetOrg,
                  misses(scope?.organisations, organisation) {
            findings.append(Finding(.con5, .deny, "Consent \(id) does not name \(named(organisation)). Ask \(named(person)) to add it.", authority: id))
        }
    }

    /// The cases a consent names, as a sentence shows them ("none" for no list, an empty one or blank names).
    static func listed(_ cases: [String]?) -> String {
        let text = cases?.joined(separator: ", ") ?? ""
        return text.isEmpty ? "none" : text
    }

    /// Everything a consent must satisfy besides its route: dates, scope, and how it was given (R-CON-9, R-CON-10).
    /// Appends to `findings`, which holds no refusal yet (the caller stops at the first one).
    func consentChecks(_ consent: Authority, into findings: inout [Finding]) {
        // In order, stopping at the first stage that rules the consent out: one clear reason per record.
        let invalid = validity(consent, on: request.date)
        if !invalid.isEmpty {
            findings.append(contentsOf: invalid)
            return
        }
        scopeChecks(consent, strict: true, into: &findings)
        if findings.hasDeny { return }
        let id = consent.id
        switch consent.kind {
        case .verbalConsent:
            // Recorded means `recorded` true and both who took it and when (CONSENT-RULES.md §2, R-CON-9
            // clarified 2026-12-02); anything less is an unrecorded verbal consent, which is no consent.
            let taker = consent.recordedBy.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
            if consent.recorded != true {
                findings.append(Finding(.con9, .deny, "Verbal consent \(id) was not recorded (who gave it, who took it, when, the scope), so it counts as no consent.", authority: id))
            } else if let by = taker, let on = consent.recordedOn {
                let text = "Only verbal consent is on file (recorded by \(by) on \(on)). Get signed consent before \(request.action.rawValue). The NHS body may not discuss the case until it has a signed form."
                findings.append(Finding(.con9, policy.verbalConsentActions.contains(request.action) ? .warn : .deny, text, authority: id))
            } else {
                let missing = (taker == nil ? ["who took it"] : []) + (consent.recordedOn == nil ? ["when it was taken"] : [])
                findings.append(Finding(.con9, .deny, "Verbal consent \(id) does not say \(missing.joined(separator: " or ")), so it counts as unrecorded, which is no consent. Record who took it and on which date, or get signed consent.", authority: id))
            }
        case .writtenConsent:
            findings.append(contentsOf: formChecks(consent))
        default:
            break
        }
    }

    func formChecks(_ consent: Authority) -> [Finding] {
        let id = consent.id
        guard let form = consent.form else {
            return [Finding(.con10, .deny, "Written consent \(id) has no signed form on file, so it cannot show consent.", authority: id)]
        }
        // A complete form (the usual case) is settled without building the lists of gaps below.
        if form.signature, form.date != nil, form.nhsNumber != nil, form.dob != nil, form.address != nil,
           form.patientName != nil, form.representativeName != nil {
            return []
        }
        let missing = (form.signature ? [] : ["signature"]) + (form.date == nil ? ["date"] : [])
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
    func holderOverlays(_ authority: Authority, holders: Holders) -> [Finding] {
        let id = authority.id
        var findings: [Finding] = []
        let objections = facts.person.objectsTo
        if !objections.isEmpty {
            let child = today.isChild
            holders.forEachDistinct(excluding: request.actor) { holder in
                if objections.contains(holder) {
                    findings.append(Finding(child ? .chi2 : .con1, .deny, "\(named(person)) has objected to \(named(holder)) acting for them.", authority: id))
                }
            }
        }
        if let subjects = facts.case?.subjectsOfComplaint, !subjects.isEmpty {
            // The actor first, then each holder once.
            func conflict(_ holder: String) {
                if subjects.contains(holder) {
                    findings.append(Finding(.conf1, .warn, "\(named(holder)) is named in the complaint. The NHS body may refuse them as representative. Consider an independent representative.", authority: id))
                }
            }
            conflict(request.actor)
            holders.forEachDistinct(excluding: request.actor, conflict)
        }
        if case .holder(let refused, let since)? = facts.case?.bodyRefusedRepresentative, representativeActions.contains(request.action),
           since.map({ $0 <= request.date }) ?? true,
           refused == request.actor || holders.contains(refused) || refused == actorOrganisation {
            findings.append(refusal(authority: id))
        }
        return findings
    }

    var representativeActions: Set<ConsentAction> { [.sendLetterToNHSBody, .attendMeeting, .speakByPhone] }

    func refusal(authority: String?) -> Finding {
        Finding(.who3, .deny, "The NHS body has refused this representative under reg 5(4). Review its written reasons. The options are to challenge the decision, find another representative, or go to the PHSO.", authority: authority)
    }

    /// Overlays on the request as a whole: the actor objected to, a refused route, time limits, the PHSO.
    func globalOverlays() -> [Finding] {
        var findings: [Finding] = []
        let now = state(on: request.date)
        let objected = [request.actor, actorOrganisation].compactMap { $0 }.filter { facts.person.objectsTo.contains($0) }
        if !objected.isEmpty {
            let text = now.isChild
                ? "\(named(person)) is Gillick-competent and has objected. A parent cannot act for them or see their information."
                : "\(named(person)) has objected to \(objected.map(named).joined(separator: " and ")) acting for them."
            findings.append(Finding(now.isChild ? .chi2 : .con1, .deny, text))
        }
        if let away = transferredAway() { findings.append(away) }
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
    func timeLimit(_ events: CaseEvents) -> [Finding] {
        guard let limit = ComplaintDeadlines.twelveMonthLimit(events) else { return [] }
        let tested = events.complaintDate ?? request.date
        if tested > limit {
            return [Finding(.time1, .warn, "This is \(limit.days(until: tested)) days past the 12-month limit (reg 12). Record the good reasons for the delay. The NHS body has discretion to accept it if a fair investigation is still possible.")]
        }
        var findings: [Finding] = []
        // When the complaint is in time only because the limit runs from the awareness date, the decision
        // rests on that part of reg 12, so it cites R-TIME-1.
        if let aware = events.awareDate, let incident = events.incidentDate, aware > incident, tested > incident.adding(months: 12) {
            findings.append(Finding(.time1, .allow, "In time: the 12-month limit runs from when the complainant became aware on \(aware), not from the incident on \(incident), so it ends on \(limit) (reg 12)."))
        }
        if events.complaintDate == nil {
            let remaining = request.date.days(until: limit)
            if remaining <= policy.deadlineWarningDays {
                findings.append(Finding(.time2, .warn, "\(remaining) days remain before the 12-month limit on \(limit)."))
            }
        }
        return findings
    }

    func responseDeadlines(_ events: CaseEvents) -> [Finding] {
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

    func ombudsmanReadiness(_ events: CaseEvents) -> [Finding] {
        guard let final = events.finalResponseOn, final <= request.date else {
            return [Finding(.phso1, .warn, "The local complaints process is not finished (no final response recorded). The PHSO will usually send it back.")]
        }
        if request.date > final.adding(months: 12) {
            return [Finding(.phso1, .warn, "More than 12 months have passed since the final response on \(final). The PHSO usually expects a complaint within 12 months.")]
        }
        return []
    }
}
