import Consent

extension Vault.ConsentCheck {
    /// A refusal by the consent rules in one sentence, naming the actor, the person and the case as this account may
    /// see them (ids otherwise): the same words for every front end (the CLI's refusal and the server's 403).
    public var refusalSentence: String {
        let actor = actorName.map { "\($0) (\(request.actor))" } ?? request.actor
        return "refused by the consent rules (\(caseDecision.ruleIDs.map(\.rawValue).joined(separator: ", "))): \(actor) may not "
            + "\(request.action.rawValue) for \(label(request.onBehalfOf)) on case \(caseLabel); nothing was done"
    }
}
