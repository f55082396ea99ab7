import Consent
import Foundation
import VaultCore

/// Warnings about a record that is almost certainly wrong, given before it is stored (issue 20, point 5):
/// each says what is wrong and how to put it right, and the command then asks for confirmation.
enum ConsentEntryWarnings {
    /// `died` is whether the person the authority is about is recorded as having died. The core finds what is wrong
    /// (`AuthorityInput.entryWarnings`); these are its words with this command's options.
    static func forAuthority(_ input: Vault.AuthorityInput, died: Bool, today: CivilDate) -> [String] {
        var input = input
        input.today = today
        return words(input.entryWarnings(died: died))
    }

    /// The core's findings in this command's words (its options named).
    static func words(_ warnings: [AuthorityEntryWarning]) -> [String] {
        warnings.map { warning in
            switch warning {
            case .consentExpired(let end, let start):
                "this consent ran out on \(end) (consents last 12 months from \(start)), so it would authorise nothing. "
                    + "Ask the client to sign a new consent form and record that one; if they agreed to a longer period, say so with --valid-until."
            case .lpaNotRegistered:
                "a lasting power of attorney can be used only once it is registered with the Office of the Public Guardian. "
                    + "Check the registration stamp on the LPA and add --registered (and --evidence opg_registration); "
                    + "if it is not registered yet, the attorney cannot act on it."
            case .personHasDied:
                "this person is recorded as having died, so they cannot give consent. After a death the client is the "
                    + "personal representative (executor or administrator) or the next of kin: record that person, then a "
                    + "personal_representative or next_of_kin authority for them (see `casevault case open --help`, after-death)."
            }
        }
    }

    /// Capacity is decision-specific (R-CAP-2): an assessment about another decision says nothing about the complaint.
    static func forCapacity(_ assessment: CapacityAssessment) -> [String] {
        guard !assessment.countsForComplaint else { return [] }
        return ["this assessment is not about the complaint (its decision does not contain the word \"complaint\"), so it neither "
                + "establishes nor removes a lack of capacity for the complaint (R-CAP-2). If it was about the complaint, "
                + "record it with --decision \"conduct NHS complaint\"; if it was about something else, a new assessment about the complaint is needed."]
    }
}
