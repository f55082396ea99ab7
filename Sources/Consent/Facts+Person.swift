import VaultModel
// The people in a decision (CONSENT-RULES.md §1, "person" and "actor"): the person the data is about, their
// capacity assessments, and the account asking.

public struct PersonFacts: Sendable, Equatable, Codable {
    public var id: String
    public var dob: CivilDate?
    public var deceased: Bool
    public var dateOfDeath: CivilDate?
    /// Informational only: a lack of capacity counts only when an assessment records it (step 1).
    public var hasCapacity: Bool?
    public var capacityAssessments: [CapacityAssessment]
    public var gillickCompetent: Bool?
    public var objectsTo: [String]
    public var physicalIncapacity: Bool?

    public init(id: String, dob: CivilDate? = nil, deceased: Bool = false, dateOfDeath: CivilDate? = nil, hasCapacity: Bool? = nil,
                capacityAssessments: [CapacityAssessment] = [], gillickCompetent: Bool? = nil, objectsTo: [String] = [],
                physicalIncapacity: Bool? = nil) {
        self.id = id
        self.dob = dob
        self.deceased = deceased
        self.dateOfDeath = dateOfDeath
        self.hasCapacity = hasCapacity
        self.capacityAssessments = capacityAssessments
        self.gillickCompetent = gillickCompetent
        self.objectsTo = objectsTo
        self.physicalIncapacity = physicalIncapacity
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, dob, deceased
        case dateOfDeath = "date_of_death", hasCapacity = "has_capacity", capacityAssessments = "capacity_assessments"
        case gillickCompetent = "gillick_competent", objectsTo = "objects_to", physicalIncapacity = "physical_incapacity"
        case name
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        dob = try container.decodeIfPresent(CivilDate.self, forKey: .dob)
        deceased = try container.decodeIfPresent(Bool.self, forKey: .deceased) ?? false
        dateOfDeath = try container.decodeIfPresent(CivilDate.self, forKey: .dateOfDeath)
        hasCapacity = try container.decodeIfPresent(Bool.self, forKey: .hasCapacity)
        capacityAssessments = try container.decodeIfPresent([CapacityAssessment].self, forKey: .capacityAssessments) ?? []
        gillickCompetent = try container.decodeIfPresent(Bool.self, forKey: .gillickCompetent)
        objectsTo = try container.decodeIfPresent([String].self, forKey: .objectsTo) ?? []
        physicalIncapacity = try container.decodeIfPresent(Bool.self, forKey: .physicalIncapacity)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encodeIfPresent(dob, forKey: .dob)
        try container.encode(deceased, forKey: .deceased)
        try container.encodeIfPresent(dateOfDeath, forKey: .dateOfDeath)
        try container.encodeIfPresent(hasCapacity, forKey: .hasCapacity)
        try container.encode(capacityAssessments, forKey: .capacityAssessments)
        try container.encodeIfPresent(gillickCompetent, forKey: .gillickCompetent)
        try container.encode(objectsTo, forKey: .objectsTo)
        try container.encodeIfPresent(physicalIncapacity, forKey: .physicalIncapacity)
    }
}

public struct CapacityAssessment: Sendable, Equatable, Codable {
    public enum Result: String, Sendable, Codable { case hasCapacity = "has_capacity", lacksCapacity = "lacks_capacity" }
    public var decision: String?
    public var date: CivilDate
    public var result: Result
    public var assessor: String?

    public init(decision: String?, date: CivilDate, result: Result, assessor: String?) {
        self.decision = decision
        self.date = date
        self.result = result
        self.assessor = assessor
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case decision, date, result, assessor }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        decision = try container.decodeIfPresent(String.self, forKey: .decision)
        date = try container.decode(CivilDate.self, forKey: .date)
        result = try container.decode(Result.self, forKey: .result)
        assessor = try container.decodeIfPresent(String.self, forKey: .assessor)
    }
}

public struct ActorFacts: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable { case advocate, individual }
    public var kind: Kind
    public var organisation: String?

    public init(kind: Kind, organisation: String? = nil) {
        self.kind = kind
        self.organisation = organisation
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case kind, organisation, name }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        organisation = try container.decodeIfPresent(String.self, forKey: .organisation)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encodeIfPresent(organisation, forKey: .organisation)
    }
}
