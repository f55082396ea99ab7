import Foundation
import Hummingbird
import Logging
import VaultCore

/// The core's refusals and failures as pages: the same words the CLI and the API give (the core's own
/// descriptions and decisions), never more than the API would tell the same person.
extension WebInterface {
    struct ErrorContent {
        let status: HTTPResponse.Status
        let heading: String
        let message: String
        var details: [String] = []
    }

    /// A core message (a clause) as the middle of a sentence: its hint for the CLI, in brackets, left out.
    static func sentence(_ text: String) -> String {
        var text = text
        if let hint = text.range(of: " ('casevault ") { text = String(text[..<hint.lowerBound]) }
        return text.trimmingCharacters(in: CharacterSet(charactersIn: " ."))
    }

    /// What a newcomer does next. The new keys are made on their own computer (never in a browser or on the server),
    /// so the first step is the command line's; then the person who can confirm them, by name.
    static func awaitingSteps(_ confirmers: Vault.Confirmers) -> [String] {
        ["First, on your own computer, run casevault identity renew with your identity file (after casevault login --server "
            + "and this site's address, if you use the server). It replaces the keys the administrator wrote with keys only your file "
            + "holds, and prints your new fingerprint.",
         "Then read that fingerprint out to \(confirmers.whom), in person or by phone, so they can check it is you. They confirm "
            + "you on the Organisations and accounts page (or with casevault advocate confirm).",
         "Once they have, sign in here again with your renewed identity file."]
    }

    static func content(for error: any Error, requestID: String, logger: Logger) -> ErrorContent {
        switch error {
        case let error as WebPageError:
            return ErrorContent(status: error.status,
                                heading: error.status == .forbidden ? "Not allowed" : error.status == .notFound ? "Not found" : "Something is wrong",
                                message: error.message, details: error.details)
        case let error as AccessError:
            switch error {
            case .consentRefused(let check):
                let decision = check.caseDecision
                return ErrorContent(status: .forbidden, heading: "The consent rules do not allow this", message: error.description,
                                    details: decision.explanation + decision.ruleIDs.map(\.remedy).filter { !$0.isEmpty })
            case .acknowledgementNeeded(let check, let missing):
                return ErrorContent(status: .forbidden, heading: "Please read this warning first", message: error.description,
                                    details: WebPageBuilders.acknowledgementWarnings(check, missing))
            case .refused(let operation, _, _, let reason):
                return ErrorContent(status: .forbidden, heading: "Not allowed", message: error.description,
                                    details: [reason.text, "\(operation.who) may \(operation.summary)."])
            case .awaitingConfirmation(_, let organisation, let names, let role):
                return ErrorContent(status: .forbidden, heading: "Your account awaits confirmation", message: error.description,
                                    details: awaitingSteps(Vault.Confirmers(organisation: organisation, names: names, role: role)))
            case .unknownAccount, .notYourIdentity, .accountRemoved, .identityReplaced:
                return ErrorContent(status: .unauthorized, heading: "Please sign in again", message: "Your account can no longer use this vault.")
            }
        case VaultError.notFound:
            return ErrorContent(status: .notFound, heading: "Not found",
                                message: "There is no such case or document, or it is not one you can see. Check the link, or go back to your cases.")
        case VaultError.invalidInput(let text):
            // Something in the link or the form the core could not take (a date, a name): the core's own words say what.
            return ErrorContent(status: .badRequest, heading: "Please check what was entered",
                                message: "This could not be done: \(sentence(text)). Go back, correct it and try again.")
        case VaultError.ambiguousName(let kind, let text, let candidates):
            return ErrorContent(status: .badRequest, heading: "More than one match",
                                message: "“\(text)” matches \(candidates.count) \(kind)s. Choose one of these, by its reference:",
                                details: candidates)
        case VaultError.keyNotHeld:
            return ErrorContent(status: .forbidden, heading: "Not allowed",
                                message: "Your identity holds no key for this case. Ask a manager to assign you to the case.")
        default:
            // The cause can name files and records: it goes to the server's log, keyed by the request id.
            logger.error("web page failed: \(String(describing: error))", metadata: ["request": "\(requestID)"])
            return ErrorContent(status: .internalServerError, heading: "Something went wrong",
                                message: "The server could not show this page (request \(requestID)). Try again; if it keeps failing, "
                                    + "give your administrator this request number.")
        }
    }
}
