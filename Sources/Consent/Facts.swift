import VaultModel
/// The fact vocabulary of CONSENT-RULES.md §1, exactly as `casevault consent evaluate` reads it
/// (snake_case keys, dates `YYYY-MM-DD`). Unknown keys are refused by `ConsentInput` so a misspelt
/// `withdrawn_on` can never silently become "not withdrawn".
public struct ConsentRequest: Sendable, Equatable, Codable {
    public var actor: String
    public var action: ConsentAction
    public var onBehalfOf: String
    public var date: CivilDate
    public var caseID: String?
    public var targetOrg: String?

    public init(actor: String, action: ConsentAction, onBehalfOf: String, date: CivilDate, caseID: String? = nil, targetOrg: String? = nil) {
        self.actor = actor
        self.action = action
        self.onBehalfOf = onBehalfOf
        self.date = date
        self.caseID = caseID
        self.targetOrg = targetOrg
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case actor, action, date
        case onBehalfOf = "on_behalf_of", caseID = "case_id", targetOrg = "target_org"
    }
}

public enum ConsentAction: String, Sendable, Codable, CaseIterable {
    case viewDocuments = "view_documents"
    case ingestDocument = "ingest_document"
    case draftLetter = "draft_letter"
    case sendLetterToNHSBody = "send_letter_to_nhs_body"
    case attendMeeting = "attend_meeting"
    case speakByPhone = "speak_by_phone"
    case receiveRecords = "receive_records"
    case exportBundle = "export_bundle"
    case shareWithThirdParty = "share_with_third_party"
    case referToOmbudsman = "refer_to_ombudsman"
    case checkDeadlines = "check_deadlines"

    /// Actions that disclose records: after death they need the personal representative (R-DEC-3/4).
    public var disclosesRecords: Bool { [.receiveRecords, .exportBundle, .shareWithThirdParty].contains(self) }
}

public struct ConsentFacts: Sendable, Equatable, Codable {
    public var person: PersonFacts
    public var actors: [String: ActorFacts]
    public var authorities: [Authority]
    public var `case`: CaseFacts?

    public init(person: PersonFacts, actors: [String: ActorFacts], authorities: [Authority], case caseFacts: CaseFacts? = nil) {
        self.person = person
        self.actors = actors
        self.authorities = authorities
        self.case = caseFacts
    }

    enum CodingKeys: String, CodingKey, CaseIterable { case person, actors, authorities, `case` }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        person = try container.decode(PersonFacts.self, forKey: .person)
        actors = try container.decodeIfPresent([String: ActorFacts].self, forKey: .actors) ?? [:]
        authorities = try container.decodeIfPresent([Authority].self, forKey: .authorities) ?? []
        self.case = try container.decodeIfPresent(CaseFacts.self, forKey: .case)
    }
}
