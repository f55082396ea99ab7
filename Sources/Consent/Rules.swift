/// The rule ids of CONSENT-RULES.md §3, each with its source and what would change a refusal.
/// Rule ids double as policy ids (Cedar-style diagnostics), so an explanation is the list of findings.
public enum RuleID: String, Sendable, Codable, CaseIterable, Comparable {
    case who1 = "R-WHO-1", who2 = "R-WHO-2", who3 = "R-WHO-3"
    case con1 = "R-CON-1", con2 = "R-CON-2", con3 = "R-CON-3", con4 = "R-CON-4", con5 = "R-CON-5"
    case con6 = "R-CON-6", con7 = "R-CON-7", con8 = "R-CON-8", con9 = "R-CON-9", con10 = "R-CON-10"
    case data1 = "R-DATA-1"
    case cap1 = "R-CAP-1", cap2 = "R-CAP-2", cap3 = "R-CAP-3"
    case lpa1 = "R-LPA-1", lpa2 = "R-LPA-2"
    case dep1 = "R-DEP-1"
    case chi1 = "R-CHI-1", chi2 = "R-CHI-2", chi3 = "R-CHI-3"
    case dec1 = "R-DEC-1", dec2 = "R-DEC-2", dec3 = "R-DEC-3", dec4 = "R-DEC-4"
    case conf1 = "R-CONF-1"
    case time1 = "R-TIME-1", time2 = "R-TIME-2", time3 = "R-TIME-3", time4 = "R-TIME-4"
    case phso1 = "R-PHSO-1"
    case aud1 = "R-AUD-1"

    /// Order of the rules table, so output lists rules the way the rules document does.
    public static func < (lhs: RuleID, rhs: RuleID) -> Bool { lhs.rank < rhs.rank }

    private static let ranks: [RuleID: Int] = Dictionary(uniqueKeysWithValues: allCases.enumerated().map { ($1, $0) })

    var rank: Int { Self.ranks[self] ?? Int.max }

    public var source: String {
        switch self {
        case .who1, .who2: "SI 2009/309 reg 5(1)-(2); PHSO: who can make a complaint"
        case .who3: "SI 2009/309 reg 5(3)-(4)"
        case .con1: "UK GDPR Art 7(1) (ICO: What is valid consent?)"
        case .con2: "UK GDPR Art 7(3) (ICO: How should we obtain, record and manage consent?)"
        case .con3: "ICO consent guidance: how long consent lasts; service policy (forms carry dates)"
        case .con4, .con6: "ICO: consent must be specific and granular"
        case .con5, .data1: "ICO: What information should a consent request include? (name each controller)"
        case .con7: "ICO (controller named in the consent); service policy"
        case .con8: "ICO (name each controller)"
        case .con9: "UK GDPR Art 7(1); service policy on verbal consent"
        case .con10: "Trust consent-form practice; UK GDPR Art 7(1)"
        case .cap1: "Mental Capacity Act 2005 s.1(2)"
        case .cap2: "Mental Capacity Act 2005 ss.1-3"
        case .cap3: "SI 2009/309 reg 5(2)(c), 5(3); MCA 2005 s.1(5)-(6), s.4"
        case .lpa1, .lpa2: "Mental Capacity Act 2005 ss.9-14 (OPG registration; LPA types)"
        case .dep1: "Mental Capacity Act 2005 Part 2 (Court of Protection deputies)"
        case .chi1: "SI 2009/309 reg 2, reg 5(2)-(3)"
        case .chi2: "Gillick v West Norfolk AHA [1986]; Access to Health Records Act 1990"
        case .chi3: "Family Law Reform Act 1969 s.8; SI 2009/309 reg 2"
        case .dec1: "SI 2009/309 reg 5(2)(a)"
        case .dec2: "Access to Health Records Act 1990 s.3(1)(f)"
        case .dec3: "Access to Health Records Act 1990; Re AB [2020] EWHC 691 (Fam)"
        case .dec4: "Access to Health Records Act 1990; service policy"
        case .conf1: "SI 2009/309 reg 5(3)-(4)"
        case .time1: "SI 2009/309 reg 12"
        case .time2: "Service policy based on SI 2009/309 reg 12"
        case .time3: "SI 2009/309 reg 13; working days per reg 2(1)"
        case .time4: "SI 2009/309 reg 14"
        case .phso1: "PHSO: the process explained"
        case .aud1: "UK GDPR Art 7(1)"
        }
    }

    /// What would make a refusal under this rule go away; printed as the CLI's hint.
    public var remedy: String {
        switch self {
        case .who2, .cap1: "record the person's own written consent"
        case .who3: "challenge the body's reg 5(4) decision, find another representative, or go to the PHSO"
        case .con1: "record a consent or legal authority that covers this actor, case, body and action"
        case .con2: "stop acting; a new consent from the person is needed to resume"
        case .con3: "record a new, dated consent that is in force today"
        case .con4: "record a consent that names this case"
        case .con5: "ask the person to add this NHS body (or the PHSO) to their consent"
        case .con6: "ask the person to add this action to their consent"
        case .con7: "confirm with the person that this advocate may take over, then record the confirmation"
        case .con8: "record a transfer the person agreed to"
        case .con9: "get the person's signed written consent (the form, and the date they signed it)"
        case .con10: "record the signed, dated form with at least one identifier (NHS number, DOB or address)"
        case .data1: "ask the person to name this recipient in their consent"
        case .cap2: "record a capacity assessment for this decision (capacity record) or get the person's own consent"
        case .cap3: "record the best-interests reasons and consider a less restrictive option"
        case .lpa1: "register the LPA with the Office of the Public Guardian, or rely on the donor's own consent while they have capacity"
        case .lpa2: "a health & welfare LPA or the person's own consent is needed for an NHS complaint"
        case .dep1: "a personal welfare deputy order covering health is needed"
        case .chi1: "record evidence of parental responsibility (e.g. birth certificate or court order)"
        case .chi2: "record the child's own consent (directly, or naming the parent)"
        case .chi3: "record the young person's own consent"
        case .dec1, .dec2: "record the personal representative's evidence (grant of probate or letters of administration)"
        case .dec3, .dec4: "act through the personal representative, with their evidence on file"
        case .conf1: "consider an independent representative"
        case .time1: "record the good reasons for the delay"
        case .time2: "send the complaint before the 12-month limit"
        case .time3: "chase the complaints team for the acknowledgement"
        case .time4: "ask the body to explain the delay in writing"
        case .phso1: "wait for the final response before referring to the PHSO"
        case .aud1, .who1: ""
        }
    }
}

public enum Outcome: String, Sendable, Codable, Comparable, Hashable {
    case allow, warn, deny

    private var rank: Int {
        switch self {
        case .allow: 0
        case .warn: 1
        case .deny: 2
        }
    }

    public static func < (lhs: Outcome, rhs: Outcome) -> Bool { lhs.rank < rhs.rank }
}

/// One rule that fired, at the severity it fired with, and why, in plain English.
public struct Finding: Sendable, Hashable, Codable {
    public var rule: RuleID
    public var outcome: Outcome
    /// The sentence is rendered when it is read, not when the rule fires: a decision over many records
    /// collects findings for every rejected record, and most of them are never printed (p99 target).
    /// The captured values are immutable, so every read gives the same text.
    public var text: String {
        get {
            switch source {
            case .rendered(let text): text
            case .deferred(let render): render()
            }
        }
        set { source = .rendered(newValue) }
    }
    public var authorityID: String?
    /// A note decides nothing: it tells the advocate about a fact the rules set aside (for example a capacity
    /// assessment about another decision), so it never enters the outcome or the deciding rule ids.
    public var isNote: Bool

    private enum TextSource: Sendable {
        case rendered(String)
        case deferred(@Sendable () -> String)
    }

    private var source: TextSource

    public init(_ rule: RuleID, _ outcome: Outcome, _ text: @autoclosure @escaping @Sendable () -> String,
                authority: String? = nil, note: Bool = false) {
        self.rule = rule
        self.outcome = outcome
        self.source = .deferred(text)
        self.authorityID = authority
        self.isNote = note
    }

    public static func == (lhs: Finding, rhs: Finding) -> Bool {
        lhs.rule == rhs.rule && lhs.outcome == rhs.outcome && lhs.authorityID == rhs.authorityID
            && lhs.isNote == rhs.isNote && lhs.text == rhs.text
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rule)
        hasher.combine(outcome)
        hasher.combine(text)
        hasher.combine(authorityID)
        hasher.combine(isNote)
    }

    enum CodingKeys: String, CodingKey { case rule = "rule_id", outcome = "decision", text, authorityID = "authority_id", source, note }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(rule, forKey: .rule)
        // A note has no outcome of its own; "note" keeps a reader of the JSON from taking it as an allow.
        if isNote { try container.encode("note", forKey: .outcome) } else { try container.encode(outcome, forKey: .outcome) }
        try container.encode(text, forKey: .text)
        try container.encodeIfPresent(authorityID, forKey: .authorityID)
        try container.encode(rule.source, forKey: .source)
        if isNote { try container.encode(true, forKey: .note) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rule = try container.decode(RuleID.self, forKey: .rule)
        let noteOutcome = (try? container.decode(String.self, forKey: .outcome)) == "note"
        outcome = noteOutcome ? .allow : try container.decode(Outcome.self, forKey: .outcome)
        source = .rendered(try container.decode(String.self, forKey: .text))
        authorityID = try container.decodeIfPresent(String.self, forKey: .authorityID)
        let flagged = try container.decodeIfPresent(Bool.self, forKey: .note) ?? false
        isNote = noteOutcome || flagged
    }
}

/// How one authority fared: it matched (and with which findings), or it was rejected and why.
public struct AuthorityAssessment: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case matched, rejected }
    public var id: String
    public var status: Status
    public var outcome: Outcome
    public var findings: [Finding]

    public var ruleIDs: [RuleID] { Array(Set(findings.map(\.rule))).sorted() }
}

public struct Decision: Sendable, Equatable, Codable {
    public var outcome: Outcome
    /// The rules that decided the outcome (those that fired at the outcome's severity).
    public var ruleIDs: [RuleID]
    /// Plain-English sentences for the deciding rules, each prefixed with its rule id. Rendered when read
    /// (a refusal over many records has many deciding findings, and most callers only need the outcome).
    public var explanation: [String] {
        get { explanationSource.lines }
        set { explanationSource = Explanation(lines: newValue) }
    }
    /// Every finding, deciding or not, with its source.
    public var findings: [Finding]
    public var authorities: [AuthorityAssessment]
    /// For a refusal: what would make the request allowed.
    public var hint: String?
    /// Warning rules the policy says the advocate must acknowledge before proceeding.
    public var acknowledgementRequired: [RuleID]

    private var explanationSource: Explanation

    init(outcome: Outcome, ruleIDs: [RuleID], deciding: [Finding], findings: [Finding], authorities: [AuthorityAssessment],
         hint: String?, acknowledgementRequired: [RuleID]) {
        self.outcome = outcome
        self.ruleIDs = ruleIDs
        self.explanationSource = Explanation(deciding: deciding)
        self.findings = findings
        self.authorities = authorities
        self.hint = hint
        self.acknowledgementRequired = acknowledgementRequired
    }

    enum CodingKeys: String, CodingKey {
        case outcome = "decision", ruleIDs = "rule_ids", explanation, findings, authorities, hint
        case acknowledgementRequired = "acknowledgement_required"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        outcome = try container.decode(Outcome.self, forKey: .outcome)
        ruleIDs = try container.decode([RuleID].self, forKey: .ruleIDs)
        explanationSource = Explanation(lines: try container.decode([String].self, forKey: .explanation))
        findings = try container.decode([Finding].self, forKey: .findings)
        authorities = try container.decode([AuthorityAssessment].self, forKey: .authorities)
        hint = try container.decodeIfPresent(String.self, forKey: .hint)
        acknowledgementRequired = try container.decode([RuleID].self, forKey: .acknowledgementRequired)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(ruleIDs, forKey: .ruleIDs)
        try container.encode(explanation, forKey: .explanation)
        try container.encode(findings, forKey: .findings)
        try container.encode(authorities, forKey: .authorities)
        try container.encodeIfPresent(hint, forKey: .hint)
        try container.encode(acknowledgementRequired, forKey: .acknowledgementRequired)
    }
}

/// The deciding findings until the explanation is read; lines as given when decoded or assigned.
private struct Explanation: Sendable, Equatable {
    private let deciding: [Finding]?
    private let given: [String]

    init(deciding: [Finding]) {
        self.deciding = deciding
        given = []
    }

    init(lines: [String]) {
        deciding = nil
        given = lines
    }

    var lines: [String] { deciding.map { $0.map { "\($0.rule.rawValue): \($0.text)" } } ?? given }

    static func == (lhs: Explanation, rhs: Explanation) -> Bool { lhs.lines == rhs.lines }
}
