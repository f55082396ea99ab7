import Consent

extension Vault.ConsentCheck {
    /// The decision as this case's reader may see it (issue 20, point 8). The engine weighs every authority of the
    /// person, so a decision about one case also holds findings about the records of the person's other cases:
    /// those are neither evidence here nor the reader's business. This keeps only the case's own records, and a
    /// refusal's hint names only the remedies of the rules that still refuse here, so it never suggests recording
    /// something the case already has. The outcome is the engine's: only the explanation is scoped.
    public var caseDecision: Decision {
        if let disclosed { return disclosed }
        return scopedToCase
    }

    /// The decision scoped to the case's own records (see `caseDecision`), before any cut for a non-member.
    var scopedToCase: Decision {
        var scoped = decision
        scoped.findings = decision.findings.filter { $0.authorityID.map(caseAuthorities.contains) ?? true }
        scoped.authorities = decision.authorities.filter { caseAuthorities.contains($0.id) }
        var deciding = scoped.findings.filter { $0.outcome == decision.outcome && !$0.isNote }
        if deciding.isEmpty && decision.outcome == .deny {
            // Only other cases' records were refused: for this case there is none.
            let caseID = request.caseID ?? "-"
            let text = "No consent or authority recorded for case \(caseID) lets \(request.actor) \(request.action.rawValue) for \(request.onBehalfOf)."
            let none = Finding(.con4, .deny, text)
            deciding = [none]
            scoped.findings.insert(none, at: 0)
        }
        guard scoped.findings.count != decision.findings.count || scoped.authorities.count != decision.authorities.count else { return decision }
        var rules: [RuleID] = []
        for finding in deciding where !rules.contains(finding.rule) { rules.append(finding.rule) }
        rules.sort()
        scoped.ruleIDs = rules
        var lines: [String] = []
        for finding in deciding {
            let line = "\(finding.rule.rawValue): \(finding.text)"
            if !lines.contains(line) { lines.append(line) }
        }
        scoped.explanation = lines
        if decision.outcome == .deny {
            var remedies: [String] = []
            for remedy in rules.map(\.remedy) where !remedy.isEmpty && !remedies.contains(remedy) { remedies.append(remedy) }
            scoped.hint = remedies.joined(separator: "; ")
        }
        scoped.acknowledgementRequired = decision.acknowledgementRequired.filter(rules.contains)
        return scoped
    }
}
