import VaultModel
/// R-CON-8, the other side (service policy, issue 19): a transfer moves the case. From the transfer date the
/// organisation it left no longer acts on it, whatever consent it still holds, until the case is transferred back.
extension Evaluation {
    func transferredAway() -> Finding? {
        guard let actorOrganisation else { return nil }
        var holder: (transfer: CaseTransfer, date: CivilDate)?
        var left = false
        // The holder on the request date is the receiver of the latest transfer dated on or before it (the later
        // entry of two on the same day).
        for transfer in facts.case?.transfers ?? [] {
            guard let date = transfer.date, date <= request.date else { continue }
            if transfer.fromOrg == actorOrganisation { left = true }
            if holder.map({ $0.date <= date }) ?? true { holder = (transfer, date) }
        }
        guard left, let holder, holder.transfer.toOrg != actorOrganisation else { return nil }
        return Finding(.con8, .deny, "The case was transferred from \(named(actorOrganisation)) and is with \(named(holder.transfer.toOrg)) "
                       + "since \(holder.date); \(named(actorOrganisation)) no longer acts on it.")
    }
}
