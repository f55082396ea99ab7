import VaultModel
// The complaint's own facts (CONSENT-RULES.md §1, "case"): transfers, events, a body's refusals; and the strict
// decoding shared by every fact type.

public struct CaseTransfer: Sendable, Equatable, Codable {
    public var fromOrg: String
    public var toOrg: String
    public var date: CivilDate?
    public var consented: Bool

    public init(fromOrg: String, toOrg: String, date: CivilDate?, consented: Bool) {
        self.fromOrg = fromOrg
        self.toOrg = toOrg
        self.date = date
        self.consented = consented
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case date, consented
        case fromOrg = "from_org", toOrg = "to_org"
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fromOrg = try container.decode(String.self, forKey: .fromOrg)
        toOrg = try container.decode(String.self, forKey: .toOrg)
        date = try container.decodeIfPresent(CivilDate.self, forKey: .date)
        consented = try container.decodeIfPresent(Bool.self, forKey: .consented) ?? false
    }
}

public struct CaseEvents: Sendable, Equatable, Codable {
    public var incidentDate: CivilDate?
    public var awareDate: CivilDate?
    public var complaintDate: CivilDate?
    public var acknowledgedOn: CivilDate?
    public var finalResponseOn: CivilDate?
    public var responseExtensionAgreedUntil: CivilDate?

    public init(incidentDate: CivilDate? = nil, awareDate: CivilDate? = nil, complaintDate: CivilDate? = nil,
                acknowledgedOn: CivilDate? = nil, finalResponseOn: CivilDate? = nil, responseExtensionAgreedUntil: CivilDate? = nil) {
        self.incidentDate = incidentDate
        self.awareDate = awareDate
        self.complaintDate = complaintDate
        self.acknowledgedOn = acknowledgedOn
        self.finalResponseOn = finalResponseOn
        self.responseExtensionAgreedUntil = responseExtensionAgreedUntil
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case incidentDate = "incident_date", awareDate = "aware_date", complaintDate = "complaint_date"
        case acknowledgedOn = "acknowledged_on", finalResponseOn = "final_response_on"
        case responseExtensionAgreedUntil = "response_extension_agreed_until"
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        incidentDate = try container.decodeIfPresent(CivilDate.self, forKey: .incidentDate)
        awareDate = try container.decodeIfPresent(CivilDate.self, forKey: .awareDate)
        complaintDate = try container.decodeIfPresent(CivilDate.self, forKey: .complaintDate)
        acknowledgedOn = try container.decodeIfPresent(CivilDate.self, forKey: .acknowledgedOn)
        finalResponseOn = try container.decodeIfPresent(CivilDate.self, forKey: .finalResponseOn)
        responseExtensionAgreedUntil = try container.decodeIfPresent(CivilDate.self, forKey: .responseExtensionAgreedUntil)
    }
}

/// A reg 5(4) notice: either the case's representative route as a whole, or one named representative.
public enum BodyRefusal: Sendable, Equatable, Codable {
    case currentRepresentative
    case holder(id: String, date: CivilDate?)

    enum CodingKeys: String, CodingKey, CaseIterable { case holderID = "holder_id", date }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self = .holder(id: try container.decode(String.self, forKey: .holderID),
                       date: try container.decodeIfPresent(CivilDate.self, forKey: .date))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .currentRepresentative:
            var container = encoder.singleValueContainer()
            try container.encode(true)
        case .holder(let id, let date):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .holderID)
            try container.encodeIfPresent(date, forKey: .date)
        }
    }
}

public struct CaseFacts: Sendable, Equatable, Codable {
    public var id: String
    public var nhsBodies: [String]
    public var subjectsOfComplaint: [String]
    public var bodyRefusedRepresentative: BodyRefusal?
    public var transfers: [CaseTransfer]
    public var events: CaseEvents

    public init(id: String, nhsBodies: [String] = [], subjectsOfComplaint: [String] = [], bodyRefusedRepresentative: BodyRefusal? = nil,
                transfers: [CaseTransfer] = [], events: CaseEvents = CaseEvents()) {
        self.id = id
        self.nhsBodies = nhsBodies
        self.subjectsOfComplaint = subjectsOfComplaint
        self.bodyRefusedRepresentative = bodyRefusedRepresentative
        self.transfers = transfers
        self.events = events
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id, transfers, events
        case nhsBodies = "nhs_bodies", subjectsOfComplaint = "subjects_of_complaint"
        case bodyRefusedRepresentative = "body_refused_representative"
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        nhsBodies = try container.decodeIfPresent([String].self, forKey: .nhsBodies) ?? []
        subjectsOfComplaint = try container.decodeIfPresent([String].self, forKey: .subjectsOfComplaint) ?? []
        if let flag = try? container.decodeIfPresent(Bool.self, forKey: .bodyRefusedRepresentative) {
            bodyRefusedRepresentative = flag ? .currentRepresentative : nil
        } else {
            bodyRefusedRepresentative = try container.decodeIfPresent(BodyRefusal.self, forKey: .bodyRefusedRepresentative)
        }
        transfers = try container.decodeIfPresent([CaseTransfer].self, forKey: .transfers) ?? []
        events = try container.decodeIfPresent(CaseEvents.self, forKey: .events) ?? CaseEvents()
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(nhsBodies, forKey: .nhsBodies)
        try container.encode(subjectsOfComplaint, forKey: .subjectsOfComplaint)
        if let refusal = bodyRefusedRepresentative {
            try container.encode(refusal, forKey: .bodyRefusedRepresentative)
        } else {
            try container.encode(false, forKey: .bodyRefusedRepresentative)
        }
        try container.encode(transfers, forKey: .transfers)
        try container.encode(events, forKey: .events)
    }
}

extension CivilDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate(iso: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "is not a date in the form YYYY-MM-DD")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension ConsentRequest {
    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        actor = try container.decode(String.self, forKey: .actor)
        action = try container.decode(ConsentAction.self, forKey: .action)
        onBehalfOf = try container.decode(String.self, forKey: .onBehalfOf)
        date = try container.decode(CivilDate.self, forKey: .date)
        caseID = try container.decodeIfPresent(String.self, forKey: .caseID)
        targetOrg = try container.decodeIfPresent(String.self, forKey: .targetOrg)
    }
}

/// Refuses keys outside the vocabulary, naming them, so a typo is an error and not a silent default.
enum StrictKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func check<Keys: CodingKey & CaseIterable>(_ decoder: any Decoder, _: Keys.Type) throws {
        guard let container = try? decoder.container(keyedBy: AnyKey.self) else { return }
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath + [key],
                debugDescription: "is not in the fact vocabulary (CONSENT-RULES.md §1); known here: \(known.sorted().joined(separator: ", "))"))
        }
    }
}

extension Optional where Wrapped == String {
    var nonBlank: String? {
        guard let value = self, !value.allSatisfy(\.isWhitespace) else { return nil }
        return value
    }
}

extension String {
    var nonBlank: String? { allSatisfy(\.isWhitespace) ? nil : self }
}
