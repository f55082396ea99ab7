import ArgumentParser
import Consent
import Foundation
import VaultCore

extension CaseVault.Case {
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the cases you may read: open ones first, the soonest deadline first, then the newest.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only cases of this client (name or id).") var client: String?
        @Option(help: "Only cases this advocate is assigned to (name or id).") var advocate: String?
        @Option(help: "Only cases with this status: open, closed or erased.") var status: String?
        @Option(help: "Only cases about this NHS body.") var body: String?

        /// The filters, as the core applies them here and on the server.
        var filter: Vault.CaseFilter { Vault.CaseFilter(client: client, advocate: advocate, status: status, nhsBody: body) }

        static let header = ["ID", "REFERENCE", "STATUS", "CLIENT", "NHS BODY", "ADVOCATES", "DOCS", "OPENED", "NEXT DEADLINE"]

        func run() throws {
            if let target = try global.serverTarget() { try runOnServer(target); return }
            let today = Today.inEngland()
            let (cases, next) = try global.withVault { vault -> ([Vault.CaseView], [String: String]) in
                let matching = try vault.cases(matching: filter)
                let next = try Dictionary(uniqueKeysWithValues: matching.filter { $0.status == "open" }.compactMap { view in
                    try CaseVault.Case.nextDeadlineOf(view.id, vault: vault, today: today).map { (view.id.rawValue, $0) }
                })
                // Open cases first; among them the soonest deadline (a case with none after those with one); then the newest.
                return (matching.sorted { a, b in
                    if (a.status == "open") != (b.status == "open") { return a.status == "open" }
                    switch (next[a.id.rawValue], next[b.id.rawValue]) {
                    case let (x?, y?) where x != y: return x < y
                    case (_?, nil): return true
                    case (nil, _?): return false
                    default: return a.openedAt == b.openedAt ? a.id < b.id : a.openedAt > b.openedAt
                    }
                }, next)
            }
            if global.json { try global.emitJSON(cases) } else {
                let rows: [[String]] = cases.map { view in
                    let id = view.id.rawValue
                    return [id, view.reference ?? "-", view.status, view.clientName, view.nhsBody ?? "",
                            view.advocateNames.joined(separator: ", "), String(view.documents), String(view.openedAt.prefix(10)), next[id] ?? ""]
                }
                Terminal.printOut(Table.render(Self.header, rows))
            }
        }
    }

    /// The soonest statutory deadline not yet met or reminder not yet done, where the consent rules let this
    /// account check the case's deadlines (a listing asks no questions: otherwise none is shown).
    fileprivate static func nextDeadlineOf(_ caseID: CaseID, vault: Vault, today: CivilDate) throws -> String? {
        guard try vault.consentPermits(.checkDeadlines, caseID: caseID, on: today) else { return nil }
        let statutory = ComplaintDeadlines.compute(try vault.caseFacts(caseID).events, on: today).filter { $0.status != .met }.map(\.due.description)
        let reminders = try vault.remindersIfKeyHeld(caseID: caseID).filter { $0.doneAt == nil }.map(\.due.description)
        return (statutory + reminders).min()
    }
}
