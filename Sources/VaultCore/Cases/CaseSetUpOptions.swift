import VaultModel
import Consent
import Foundation

/// Who brings the complaint, which decides the records a case needs (issue 20, point 6; CONSENT-RULES.md §3).
public enum CaseSituation: String, Sendable, Codable, CaseIterable {
    /// The patient complains for themselves and consents.
    case patient
    /// Someone the patient (who can consent) asked to complain for them.
    case representative
    /// The holder of the patient's lasting power of attorney.
    case attorney
    /// A deputy appointed by the Court of Protection.
    case deputy
    /// A parent (parental responsibility) for a patient under 18.
    case child
    /// The personal representative or next of kin of a patient who has died.
    case afterDeath = "after-death"
}

/// What `Vault.openCase(_:setUp:)` needs to create a situation's records with the case: the signed consent or
/// instruction to the service, the legal authority behind it, and the representative to register for redaction.
public struct CaseSetUpOptions: Sendable {
    /// After a death, the client's standing (R-DEC-2, R-DEC-3).
    public enum Standing: String, Sendable, Codable, CaseIterable {
        case personalRepresentative = "personal-representative"
        case nextOfKin = "next-of-kin"
    }

    /// The kind of lasting power of attorney.
    public enum LPAKind: String, Sendable, Codable, CaseIterable {
        case healthWelfare = "health-welfare"
        case propertyFinance = "property-finance"
    }

    /// Something a situation needs that was not given. A front end names its own way of giving each.
    public enum Input: String, Sendable, Equatable, CaseIterable {
        /// The representative, attorney, deputy, parent or personal representative (a registered person).
        case representative
        /// The signed consent form, or the holder's signed instruction to the service.
        case consentForm
        /// The date on that form.
        case signedOn
        /// What the person agreed the service may do.
        case actions
        /// That the LPA is registered with the Office of the Public Guardian.
        case registered
        /// The court order appointing the deputy.
        case authorityForm
        /// The date the patient died.
        case diedOn
        /// Whether the client is the personal representative or the next of kin.
        case standing
    }

    public var situation: CaseSituation
    /// The person acting for the patient (the representative, attorney, deputy, parent, personal representative).
    public var representativeID: PersonID?
    public var consentForm: Vault.IngestFile?
    public var signedOn: CivilDate?
    /// When the consent ends, if the person agreed to other than the usual 12 months.
    public var validUntil: CivilDate?
    public var actions: [ConsentAction] = []
    /// The NHS bodies (and `phso`) the consent names; nil: the case's NHS body.
    public var bodies: [String]?
    /// The LPA, court order, birth certificate or grant of probate, stored as authority evidence.
    public var authorityForm: Vault.IngestFile?
    /// Evidence tokens for the legal authority (opg_registration, court_order, birth_certificate, grant_of_probate, ...).
    public var evidence: [String] = []
    public var registered = false
    public var lpaKind: LPAKind = .healthWelfare
    public var diedOn: CivilDate?
    public var standing: Standing?
    public var claimArisingFromDeath = false
    /// The caller's date (the store reads no clock for the rules' dates).
    public var today: CivilDate

    public init(situation: CaseSituation, today: CivilDate) {
        self.situation = situation
        self.today = today
    }

    /// What the situation needs and was not given, in the order an advocate would gather it. `alreadyDied` is
    /// whether the patient's death is on record already (then its date need not be given again).
    public func missing(alreadyDied: Bool = false) -> [Input] {
        var needed: [Input] = []
        if situation != .patient && representativeID == nil { needed.append(.representative) }
        switch situation {
        case .attorney where lpaKind == .healthWelfare && !registered: needed.append(.registered)
        case .deputy where authorityForm == nil: needed.append(.authorityForm)
        case .afterDeath:
            if diedOn == nil && !alreadyDied { needed.append(.diedOn) }
            if standing == nil { needed.append(.standing) }
        default: break
        }
        if consentForm == nil { needed.append(.consentForm) }
        if signedOn == nil { needed.append(.signedOn) }
        if actions.isEmpty { needed.append(.actions) }
        return needed
    }

    /// The legal authority the representative holds, if the situation has one.
    var authorityKind: AuthorityKind? {
        switch situation {
        case .patient, .representative: nil
        case .attorney: lpaKind == .healthWelfare ? .lpaHealthWelfare : .lpaPropertyFinance
        case .deputy: .courtDeputyWelfare
        case .child: .parentalResponsibility
        case .afterDeath: standing == .nextOfKin ? .nextOfKin : .personalRepresentative
        }
    }
}

/// Why a case was not set up; nothing was written.
public enum CaseSetUpError: Error, Sendable, Equatable, CustomStringConvertible {
    case incomplete(situation: CaseSituation, missing: [CaseSetUpOptions.Input])
    /// The situation cannot stand as given (the rules would refuse every record it makes).
    case unsuitable(situation: CaseSituation, reason: String)

    public var description: String {
        switch self {
        case .incomplete(let situation, let missing):
            "a case for the \(situation.rawValue) situation needs \(Self.list(missing.map(\.words))); nothing was opened or recorded"
        case .unsuitable(_, let reason):
            "\(reason); nothing was opened or recorded"
        }
    }

    /// "a, b and c".
    private static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}

extension CaseSetUpOptions.Input {
    /// Plain words for messages.
    public var words: String {
        switch self {
        case .representative: "the person acting for the patient"
        case .consentForm: "the signed consent form"
        case .signedOn: "the date it was signed"
        case .actions: "what the person agreed the service may do"
        case .registered: "confirmation that the LPA is registered with the Office of the Public Guardian"
        case .authorityForm: "the court order"
        case .diedOn: "the date the patient died"
        case .standing: "whether the client is the personal representative or the next of kin"
        }
    }
}

/// What set-up created, besides the case: for the front end to show, and for scripts (`case open --json`).
public struct CaseSetUp: Encodable, Sendable {
    public struct Record: Encodable, Sendable, Equatable {
        public let id: String
        public let kind: AuthorityKind
        public let person: String
        public let grantee: String
        public let grantedBy: String?
        public let formDocument: String?

        enum CodingKeys: String, CodingKey {
            case id, kind, person, grantee
            case grantedBy = "granted_by", formDocument = "form_document"
        }
    }

    public let caseID: CaseID
    public let situation: CaseSituation
    public let authorities: [Record]
    /// People registered on the case for redaction (the representative).
    public let casePeople: [Vault.CasePerson]
    /// Recorded with the case when the patient's death was not on record yet.
    public let dateOfDeath: CivilDate?

    enum CodingKeys: String, CodingKey {
        case caseID = "id", situation, authorities
        case casePeople = "case_people", dateOfDeath = "date_of_death"
    }
}
