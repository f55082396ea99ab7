import ArgumentParser
import VaultCore

extension CaseSituation: ExpressibleByArgument {}
extension CaseSetUpOptions.LPAKind: ExpressibleByArgument {}
extension CaseSetUpOptions.Standing: ExpressibleByArgument {}

/// The words `case open --situation` adds around the core's set-up (issue 20, point 6): which option gives each
/// missing piece, and what is left to record by hand afterwards.
enum CaseSituationText {
    /// The option that gives a piece the core found missing.
    static func option(_ input: CaseSetUpOptions.Input) -> String {
        switch input {
        case .representative: "--representative PERSON (add them first with 'casevault person add')"
        case .consentForm: "--consent-form FILE (the scanned or photographed form)"
        case .signedOn: "--signed-on YYYY-MM-DD (the date on the form)"
        case .actions: "--actions view_documents,ingest_document,draft_letter,… (what the person agreed to)"
        case .registered: "--registered, once you have seen the Office of the Public Guardian's stamp (an unregistered LPA cannot be used)"
        case .authorityForm: "--authority-form FILE (the court order)"
        case .diedOn: "--died-on YYYY-MM-DD"
        case .standing: "--standing personal-representative (with --evidence grant_of_probate or letters_of_administration) or --standing next-of-kin"
        }
    }

    static func hints(_ error: CaseSetUpError) -> [String] {
        switch error {
        case .incomplete(_, let missing):
            missing.map { "add " + option($0) }
                + ["'casevault case open --help' explains each situation; or open the case without --situation and record each consent with 'casevault consent record'"]
        case .unsuitable(let situation, _):
            switch situation {
            case .attorney: ["if the patient can still decide, use --situation patient or representative with their own consent"]
            case .patient, .representative: ["if the patient has died, use --situation after-death with the personal representative or next of kin"]
            default: ["'casevault case open --help' explains each situation"]
            }
        }
    }

    /// What set-up cannot record for the advocate, printed after the case is opened.
    static func stillToDo(_ situation: CaseSituation, patient: String) -> [String] {
        switch situation {
        case .attorney:
            ["the attorney can decide only while \(patient) lacks capacity to make the complaint: record that assessment with "
                + "'casevault capacity record --person \(patient) --decision \"conduct NHS complaint\" …'"]
        case .deputy:
            ["a welfare deputy decides only while \(patient) lacks capacity for the complaint: record that assessment with 'casevault capacity record'"]
        case .child:
            ["for a child under 16, record whether they understand enough to decide for themselves: "
                + "'casevault person update \(patient) --gillick yes|no|unknown' (a competent child's own wishes come first)"]
        case .patient, .representative, .afterDeath:
            []
        }
    }

    static let discussion = """
    SITUATIONS (--situation): who the client is, and the records the case needs. With --situation, case open \
    makes those records in the same step, or nothing at all: the case, the consent, the authority behind it and \
    the representative registered for redaction. If something is missing it says what to add. Names work \
    wherever an id does. Every situation needs the signed form and its date (--consent-form FILE --signed-on \
    DATE) and what the person agreed to (--actions); the consent names --bodies, or the case's --nhs-body.

    patient: the patient complains for themselves. The client is the patient; their written consent to your \
    service is recorded.

    representative: someone complains for a living patient who can consent (a relative, a friend). The client is \
    still the patient. Give --representative NAME: the patient's consent is recorded naming both the \
    representative and your service, and the representative is registered on the case, so bundles black out \
    their name too.

    attorney: the patient has a lasting power of attorney for health and welfare. Two records are needed: the LPA \
    itself (--registered: an unregistered LPA cannot be used; --authority-form LPA-COPY) and the attorney's signed \
    instruction to your service (--consent-form). --representative is the attorney. The attorney can decide only \
    when the patient lacks capacity for the complaint: record that assessment afterwards (capacity record). \
    A property and financial affairs LPA (--lpa-kind property-finance) does not cover a complaint and is refused.

    deputy: the Court of Protection appointed a deputy for personal welfare. --authority-form is the court order; \
    --consent-form the deputy's signed instruction; --representative the deputy.

    child: the patient is under 18. --representative is the parent; parental responsibility is recorded (give \
    --evidence birth_certificate or court_order) and the parent's signed instruction (--consent-form). Record \
    afterwards whether a child under 16 is Gillick competent (person update --gillick); a competent child's own \
    wishes come first.

    after-death: the patient has died. The client is NOT the patient: it is the personal representative or the \
    next of kin, who gives their own consent. Still open the case with the patient as --client (the records are \
    about them), give --died-on DATE, and --representative the personal representative (executor or administrator) or next of kin with --standing \
    personal-representative (and --evidence grant_of_probate or letters_of_administration, --authority-form the \
    grant) or --standing next-of-kin (--claim-arising-from-death if they have one). Their own signed consent \
    (--consent-form) is recorded as given by them. A consent "given" by the patient after their death is refused.
    """
}
