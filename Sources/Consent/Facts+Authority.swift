import VaultModel
// Consents and legal authorities (CONSENT-RULES.md §1, "authorities"): their kinds, who holds them, what they
// cover, and the written form behind a consent.

public enum AuthorityKind: String, Sendable, Codable, CaseIterable {
    case writtenConsent = "written_consent"
    case verbalConsent = "verbal_consent"
    case lpaHealthWelfare = "lpa_health_welfare"
    case lpaPropertyFinance = "lpa_property_finance"
    case courtDeputyWelfare = "court_deputy_welfare"
    case courtDeputyProperty = "court_deputy_property"
    case parentalResponsibility = "parental_responsibility"
    case personalRepresentative = "personal_representative"
    case nextOfKin = "next_of_kin"
    case bestInterestsRecord = "best_interests_record"

    /// Consents are given by someone (the person or a holder of a legal authority) to a grantee;
    /// the other kinds are legal positions held by someone.
    public var isConsent: Bool { self == .writtenConsent || self == .verbalConsent }
}

public struct Party: Sendable, Equatable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable { case person, advocate, organisation }
    public var type: Kind
    public var id: String

    public init(type: Kind, id: String) {
        self.type = type
        self.id = id
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case type, id }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(Kind.self, forKey: .type)
        id = try container.decode(String.self, forKey: .id)
    }
}

public struct AuthorityScope: Sendable, Equatable, Codable {
    public var cases: [String]?
    public var organisations: [String]?
    public var actions: [String]?
    public var thirdParties: [String]?
    /// On LPAs and court orders: which matters the instrument covers (e.g. `["health", "complaints"]`).
    public var matters: [String]?

    public init(cases: [String]? = nil, organisations: [String]? = nil, actions: [String]? = nil,
                thirdParties: [String]? = nil, matters: [String]? = nil) {
        self.cases = cases
        self.organisations = organisations
        self.actions = actions
        self.thirdParties = thirdParties
        self.matters = matters
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case cases, organisations, actions, matters
        case thirdParties = "third_parties"
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        cases = try container.decodeIfPresent([String].self, forKey: .cases)
        organisations = try container.decodeIfPresent([String].self, forKey: .organisations)
        actions = try container.decodeIfPresent([String].self, forKey: .actions)
        thirdParties = try container.decodeIfPresent([String].self, forKey: .thirdParties)
        matters = try container.decodeIfPresent([String].self, forKey: .matters)
    }
}

/// The written consent form's contents as the recording advocate confirmed them (R-CON-10).
public struct ConsentForm: Sendable, Equatable, Codable {
    public var patientName: String?
    public var dob: String?
    public var nhsNumber: String?
    public var address: String?
    public var representativeName: String?
    public var scope: String?
    public var signature: Bool
    public var date: CivilDate?

    public init(patientName: String? = nil, dob: String? = nil, nhsNumber: String? = nil, address: String? = nil,
                representativeName: String? = nil, scope: String? = nil, signature: Bool, date: CivilDate?) {
        self.patientName = patientName
        self.dob = dob
        self.nhsNumber = nhsNumber
        self.address = address
        self.representativeName = representativeName
        self.scope = scope
        self.signature = signature
        self.date = date
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case dob, address, scope, signature, date
        case patientName = "patient_name", nhsNumber = "nhs_number", representativeName = "representative_name"
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        patientName = try container.decodeIfPresent(String.self, forKey: .patientName).nonBlank
        dob = try container.decodeIfPresent(String.self, forKey: .dob).nonBlank
        nhsNumber = try container.decodeIfPresent(String.self, forKey: .nhsNumber).nonBlank
        address = try container.decodeIfPresent(String.self, forKey: .address).nonBlank
        representativeName = try container.decodeIfPresent(String.self, forKey: .representativeName).nonBlank
        scope = try container.decodeIfPresent(String.self, forKey: .scope).nonBlank
        // A signature is recorded either as `true` or as the signer's name as it appears on the form.
        if let flag = try? container.decodeIfPresent(Bool.self, forKey: .signature) {
            signature = flag
        } else {
            signature = try container.decodeIfPresent(String.self, forKey: .signature).nonBlank != nil
        }
        date = try container.decodeIfPresent(CivilDate.self, forKey: .date)
    }
}

public struct Authority: Sendable, Equatable, Codable {
    public var id: String
    public var kind: AuthorityKind
    /// Person id, a holder id of another authority (a chain), or `court_of_protection` for deputies.
    public var grantedBy: String?
    /// `grantee` on consents, `holder` on the legal authorities; the engine treats them alike.
    public var party: Party?
    public var scope: AuthorityScope?
    public var validFrom: CivilDate?
    public var validUntil: CivilDate?
    public var withdrawnOn: CivilDate?
    public var registered: Bool?
    public var evidence: [String]
    public var recorded: Bool?
    public var recordedBy: String?
    public var recordedOn: CivilDate?
    public var witness: String?
    public var form: ConsentForm?
    public var claimArisingFromDeath: Bool?
    public var reasons: String?
    /// R-CON-7 confirmations: colleagues the person agreed may take over a consent naming one advocate.
    public var handovers: [Handover] = []

    public init(id: String, kind: AuthorityKind, grantedBy: String?, party: Party?, scope: AuthorityScope? = nil,
                validFrom: CivilDate? = nil, validUntil: CivilDate? = nil, withdrawnOn: CivilDate? = nil,
                registered: Bool? = nil, evidence: [String] = [], recorded: Bool? = nil, recordedBy: String? = nil,
                recordedOn: CivilDate? = nil, witness: String? = nil, form: ConsentForm? = nil,
                claimArisingFromDeath: Bool? = nil, reasons: String? = nil) {
        self.id = id
        self.kind = kind
        self.grantedBy = grantedBy
        self.party = party
        self.scope = scope
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.withdrawnOn = withdrawnOn
        self.registered = registered
        self.evidence = evidence
        self.recorded = recorded
        self.recordedBy = recordedBy
        self.recordedOn = recordedOn
        self.witness = witness
        self.form = form
        self.claimArisingFromDeath = claimArisingFromDeath
        self.reasons = reasons
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, kind, scope, registered, evidence, recorded, witness, form, reasons, grantee, holder, handovers
        case grantedBy = "granted_by", validFrom = "valid_from", validUntil = "valid_until", withdrawnOn = "withdrawn_on"
        case recordedBy = "recorded_by", recordedOn = "recorded_on", claimArisingFromDeath = "claim_arising_from_death"
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        kind = try container.decode(AuthorityKind.self, forKey: .kind)
        grantedBy = try container.decodeIfPresent(String.self, forKey: .grantedBy)
        let grantee = try container.decodeIfPresent(Party.self, forKey: .grantee)
        let holder = try container.decodeIfPresent(Party.self, forKey: .holder)
        if let grantee, let holder, grantee != holder {
            throw DecodingError.dataCorruptedError(forKey: .holder, in: container,
                debugDescription: "gives both `grantee` and `holder` and they differ; give one")
        }
        party = grantee ?? holder
        scope = try container.decodeIfPresent(AuthorityScope.self, forKey: .scope)
        validFrom = try container.decodeIfPresent(CivilDate.self, forKey: .validFrom)
        validUntil = try container.decodeIfPresent(CivilDate.self, forKey: .validUntil)
        withdrawnOn = try container.decodeIfPresent(CivilDate.self, forKey: .withdrawnOn)
        registered = try container.decodeIfPresent(Bool.self, forKey: .registered)
        if let list = try? container.decodeIfPresent([String].self, forKey: .evidence) {
            evidence = list.compactMap(\.nonBlank)
        } else {
            evidence = (try container.decodeIfPresent(String.self, forKey: .evidence).nonBlank).map { [$0] } ?? []
        }
        recorded = try container.decodeIfPresent(Bool.self, forKey: .recorded)
        recordedBy = try container.decodeIfPresent(String.self, forKey: .recordedBy).nonBlank
        recordedOn = try container.decodeIfPresent(CivilDate.self, forKey: .recordedOn)
        witness = try container.decodeIfPresent(String.self, forKey: .witness).nonBlank
        form = try container.decodeIfPresent(ConsentForm.self, forKey: .form)
        claimArisingFromDeath = try container.decodeIfPresent(Bool.self, forKey: .claimArisingFromDeath)
        reasons = try container.decodeIfPresent(String.self, forKey: .reasons).nonBlank
        handovers = try container.decodeIfPresent([Handover].self, forKey: .handovers) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(grantedBy, forKey: .grantedBy)
        try container.encodeIfPresent(party, forKey: kind.isConsent ? .grantee : .holder)
        try container.encodeIfPresent(scope, forKey: .scope)
        try container.encodeIfPresent(validFrom, forKey: .validFrom)
        try container.encodeIfPresent(validUntil, forKey: .validUntil)
        try container.encodeIfPresent(withdrawnOn, forKey: .withdrawnOn)
        try container.encodeIfPresent(registered, forKey: .registered)
        if !evidence.isEmpty { try container.encode(evidence, forKey: .evidence) }
        try container.encodeIfPresent(recorded, forKey: .recorded)
        try container.encodeIfPresent(recordedBy, forKey: .recordedBy)
        try container.encodeIfPresent(recordedOn, forKey: .recordedOn)
        try container.encodeIfPresent(witness, forKey: .witness)
        try container.encodeIfPresent(form, forKey: .form)
        try container.encodeIfPresent(claimArisingFromDeath, forKey: .claimArisingFromDeath)
        try container.encodeIfPresent(reasons, forKey: .reasons)
        if !handovers.isEmpty { try container.encode(handovers, forKey: .handovers) }
    }
}
