import ArgumentParser

/// Who is bringing the complaint, so `case open` can say which records the case needs (issue 20, point 6).
/// Only a representative is registered by the command itself; the other records need documents the advocate must see.
enum CaseSituation: String, CaseIterable, ExpressibleByArgument {
    case patient, representative, attorney, deputy, child
    case afterDeath = "after-death"

    /// What to record next, printed after the case is opened.
    var nextSteps: [String] {
        switch self {
        case .patient:
            ["record the patient's consent: consent record --kind written_consent --form FORM --signed-on DATE (or verbal_consent)"]
        case .representative:
            ["record the patient's consent naming the representative: consent record --kind written_consent --grantee REPRESENTATIVE --form FORM --signed-on DATE",
             "record your own service's consent too if you will act, with --grantee set to your organisation"]
        case .attorney:
            ["record the LPA: consent record --kind lpa_health_welfare --grantee ATTORNEY --registered --evidence opg_registration --matters health,complaints",
             "then the attorney's instruction: consent record --kind written_consent --grantee ORG --granted-by ATTORNEY --form FORM --signed-on DATE",
             "and, when the patient lacks capacity, the assessment: capacity record --decision \"conduct NHS complaint\""]
        case .deputy:
            ["record the court order: consent record --kind court_deputy_welfare --grantee DEPUTY --form ORDER --evidence court_order --matters health,complaints",
             "then the deputy's instruction: consent record --kind written_consent --grantee ORG --granted-by DEPUTY --form FORM --signed-on DATE"]
        case .child:
            ["record parental responsibility: consent record --kind parental_responsibility --grantee PARENT --evidence birth_certificate",
             "record whether the child is Gillick competent: person update CHILD --gillick yes|no|unknown",
             "then the consent of the parent (--granted-by PARENT) or of a competent child"]
        case .afterDeath:
            ["record the death: person update PATIENT --died-on DATE",
             "record the client's standing: consent record --person PATIENT --kind personal_representative (with --evidence grant_of_probate or letters_of_administration) or --kind next_of_kin --claim-arising-from-death, --grantee CLIENT",
             "then the client's own consent: consent record --person PATIENT --kind written_consent --granted-by CLIENT --grantee ORG --form FORM --signed-on DATE"]
        }
    }

    static let discussion = """
    SITUATIONS (--situation): who the client is and which records the case needs. Names work wherever an id does.

    patient: the patient complains for themselves. The client is the patient; record their consent \
    (written_consent with the signed form, or verbal_consent with who took it and when).

    representative: someone complains for a living patient who can consent (a relative, a friend). The client is \
    still the patient; the patient's consent must name the representative. Give --representative NAME-OR-ID and \
    the representative is registered on the case in the same command, so bundles black out their name too.

    attorney: the patient has a lasting power of attorney for health and welfare. Two records are needed: the LPA \
    itself (lpa_health_welfare, --registered: an unregistered LPA cannot be used) and the attorney's instruction \
    to your service (written_consent --granted-by ATTORNEY). The attorney can decide only when the patient lacks \
    capacity for the complaint: record that assessment with a decision about the complaint.

    deputy: the Court of Protection appointed a deputy. Record the order (court_deputy_welfare, --evidence \
    court_order) and the deputy's instruction (written_consent --granted-by DEPUTY).

    child: the patient is under 18. Record parental responsibility for the parent who complains, and whether a \
    child under 16 is Gillick competent (person update --gillick); a competent child's own wishes come first.

    after-death: the patient has died. The client is NOT the patient: it is the personal representative (executor \
    or administrator) or the next of kin. Open the case with the patient as --client, record the death (person \
    update --died-on), the client's standing (personal_representative or next_of_kin) and then the client's own \
    consent (--granted-by the client). A consent "given" by the patient after their death is refused.

    After opening, casevault prints the records still to make.
    """
}
