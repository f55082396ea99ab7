import Consent
import Foundation
import VaultModel
import VaultCore

/// The situations as the page offers them, in `casevault case open --help`'s words (CaseSituationText): who the
/// client is, and what each records. The rules behind them are the core's (`CaseSetUpOptions`, `recordSituation`).
enum SituationWords {
    static let all: [(CaseSituation, String, String)] = [
        (.patient, "The patient consents themselves",
         "The patient complains for themselves. Their own signed consent to your service is recorded."),
        (.representative, "A representative, with the patient's consent",
         "Someone (a relative, a friend) complains for a living patient who can consent. The patient's signed consent names them and your service, and they are registered on the case so bundles black out their name."),
        (.attorney, "An attorney under a registered lasting power of attorney (health and welfare)",
         "The patient has a lasting power of attorney for health and welfare, registered with the Office of the Public Guardian. The LPA and the attorney's signed instruction to your service are recorded. The attorney decides only while the patient lacks capacity for the complaint."),
        (.deputy, "A deputy appointed by the Court of Protection",
         "The Court of Protection appointed a deputy for personal welfare. The court order and the deputy's signed instruction to your service are recorded."),
        (.child, "A parent or guardian of a child",
         "The patient is under 18. Parental responsibility and the parent's signed instruction to your service are recorded. A competent child's own wishes come first."),
        (.afterDeath, "After a death: the personal representative or next of kin",
         "The patient has died. The personal representative (executor or administrator) or the next of kin gives their own signed consent; a consent \"given\" by the patient after their death is refused."),
    ]

    static func label(_ situation: CaseSituation) -> String { all.first { $0.0 == situation }?.1 ?? situation.rawValue }
    static func hint(_ situation: CaseSituation) -> String { all.first { $0.0 == situation }?.2 ?? "" }

    /// What a consent may allow, as the form offers it (the actions' ids are the core's).
    static func action(_ action: ConsentAction) -> String {
        switch action {
        case .viewDocuments: "See the case's documents"
        case .ingestDocument: "Add documents to the case"
        case .draftLetter: "Draft letters"
        case .sendLetterToNHSBody: "Send letters to the NHS body"
        case .attendMeeting: "Attend meetings"
        case .speakByPhone: "Speak to the NHS body by phone"
        case .receiveRecords: "Receive health records"
        case .exportBundle: "Make bundles for meetings"
        case .shareWithThirdParty: "Share with a third party the consent names"
        case .referToOmbudsman: "Refer the complaint to the Ombudsman"
        case .checkDeadlines: "Check the complaint's deadlines"
        }
    }

    /// Who acts for the patient, as the form asks for them.
    static func representative(_ situation: CaseSituation) -> String {
        switch situation {
        case .patient: ""
        case .representative: "The representative"
        case .attorney: "The attorney"
        case .deputy: "The deputy"
        case .child: "The parent or guardian"
        case .afterDeath: "The personal representative or next of kin"
        }
    }

    /// The form's field for something the core found missing (the error summary links to it).
    static func field(_ input: CaseSetUpOptions.Input) -> String {
        switch input {
        case .representative: "representative"
        case .consentForm: "consent_form"
        case .signedOn: "signed_on"
        case .actions: "action-\(ConsentAction.viewDocuments.rawValue)"
        case .registered: "registered"
        case .authorityForm: "authority_form"
        case .diedOn: "died_on"
        case .standing: "standing-personal-representative"
        }
    }

    /// The case page's notice after recording: what was recorded, then what set-up cannot record for the advocate, as
    /// `case open` prints its "next:" lines (CaseSituationText.stillToDo). `client`: the client's name, or "the patient".
    static func recorded(_ situation: CaseSituation, client: String) -> String {
        let done = "Recorded for the situation “\(label(situation))”: see Consents and authorities below."
        switch situation {
        case .attorney:
            return done + " Next: the attorney can decide only while \(client) lacks capacity to make the complaint. Record that assessment "
                + "(casevault capacity record, decision “conduct NHS complaint”)."
        case .deputy:
            return done + " Next: a welfare deputy decides only while \(client) lacks capacity for the complaint. Record that assessment "
                + "(casevault capacity record)."
        case .child:
            return done + " Next: for a child under 16, record whether they understand enough to decide for themselves "
                + "(casevault person update --gillick); a competent child's own wishes come first."
        case .patient, .representative, .afterDeath:
            return done
        }
    }

    /// The core's words (which start in lower case, to follow "warning:") as a sentence of their own.
    static func sentence(_ words: String) -> String { words.prefix(1).uppercased() + words.dropFirst() }
}

/// What was typed into the second step, kept to show the form again (every field but the files).
struct SituationFields: Sendable {
    var representative = ""
    var newName = ""
    var signedOn = ""
    var validUntil = ""
    var bodies = ""
    var actions: Set<String> = []
    var registered = false
    var lpaKind = CaseSetUpOptions.LPAKind.healthWelfare.rawValue
    var diedOn = ""
    var standing = ""
    var evidence = ""
    var claim = false

    init() {}

    init(_ fields: [String: String]) {
        representative = fields["representative"] ?? ""
        newName = fields["new_name"] ?? ""
        signedOn = (fields["signed_on"] ?? "").trimmingCharacters(in: .whitespaces)
        validUntil = (fields["valid_until"] ?? "").trimmingCharacters(in: .whitespaces)
        bodies = fields["bodies"] ?? ""
        actions = Set(ConsentAction.allCases.map(\.rawValue).filter { fields["action_" + $0] == "yes" })
        registered = fields["registered"] == "yes"
        lpaKind = fields["lpa_kind"] ?? lpaKind
        diedOn = (fields["died_on"] ?? "").trimmingCharacters(in: .whitespaces)
        standing = fields["standing"] ?? ""
        evidence = fields["evidence"] ?? ""
        claim = fields["claim"] == "yes"
    }

    /// The core's options from the fields (files added by the caller), or the first date that is not a date.
    func options(_ situation: CaseSituation, today: CivilDate) -> (CaseSetUpOptions, String?) {
        var options = CaseSetUpOptions(situation: situation, today: today)
        var problem: String?
        func date(_ text: String, _ what: String) -> CivilDate? {
            guard !text.isEmpty else { return nil }
            guard let day = CivilDate(iso: text) else {
                problem = problem ?? "Give \(what) as YYYY-MM-DD, for example 2026-12-06."
                return nil
            }
            return day
        }
        options.signedOn = date(signedOn, "the date the form was signed")
        options.validUntil = date(validUntil, "the date the consent ends")
        options.diedOn = date(diedOn, "the date the patient died")
        options.actions = ConsentAction.allCases.filter { actions.contains($0.rawValue) }
        let bodyList = bodies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        options.bodies = bodyList.isEmpty ? nil : bodyList
        options.registered = registered
        options.lpaKind = CaseSetUpOptions.LPAKind(rawValue: lpaKind) ?? .healthWelfare
        options.standing = CaseSetUpOptions.Standing(rawValue: standing)
        options.evidence = evidence.isEmpty ? [] : [evidence]
        options.claimArisingFromDeath = claim
        if situation != .patient && !representative.isEmpty && representative != "new" { options.representativeID = PersonID(representative) }
        return (options, problem)
    }

    /// A person to register as the representative, when "someone not yet on the case" was chosen and named.
    var newPerson: Vault.PersonInput? {
        let name = newName.trimmingCharacters(in: .whitespacesAndNewlines)
        return representative == "new" && !name.isEmpty ? Vault.PersonInput(name: name) : nil
    }
}

struct SituationPage: Sendable {
    let caseID: String
    let caseLabel: String
    /// Step 1: the situations to choose from (empty on step 2).
    let situations: [Choice]
    /// Step 2: the situation chosen.
    /// Optional, as are the other values a template section tests: swift-mustache takes an empty string as true.
    var situation: String? = nil
    var situationLabel: String = ""
    var situationHint: String = ""
    var problem: String? = nil
    /// What the core found missing, each linked to its field.
    var missing: [Fact] = []
    var representativeLabel: String? = nil
    var people: [Choice] = []
    var newChosen = false
    var newName = ""
    var signedOn = ""
    var validUntil = ""
    var bodies = ""
    var caseBody: String? = nil
    var actions: [Choice] = []
    var attorney = false
    var registered = false
    var lpaKinds: [Choice] = []
    var authorityForm: String? = nil
    var authorityHint = ""
    var evidence: [Choice] = []
    var afterDeath = false
    var diedOnRecord: String? = nil
    var diedOn = ""
    var standings: [Choice] = []
    var claim = false
    /// What the core says is almost certainly wrong (a consent already run out): asked, with a box to record it anyway.
    var doubts: [String] = []
}
