import ArgumentParser
import Consent
import Foundation
import VaultStore

struct Case: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Complaint cases.",
                                                    subcommands: [Open.self, List.self, Show.self, Close.self, Rekey.self, Erase.self, Transfer.self, Event.self, AddPerson.self,
                                                                 Assign.self, Unassign.self, Update.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the cases you may read: open ones first, the soonest deadline first, then the newest.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only cases of this client (name or id).") var client: String?
        @Option(help: "Only cases this advocate is assigned to (name or id).") var advocate: String?
        @Option(help: "Only cases with this status: open, closed or erased.") var status: String?
        @Option(help: "Only cases about this NHS body.") var body: String?

        func run() throws {
            let today = Today.inEngland()
            let (cases, next) = try global.withVault { vault -> ([Vault.CaseView], [String: String]) in
                let clientID = try client.map(vault.personID)
                let advocateID = try advocate.map(vault.accountID)
                let matching = try vault.cases().filter { view in
                    guard clientID.map({ $0 == view.client }) ?? true, advocateID.map(view.advocates.contains) ?? true else { return false }
                    return (status.map { $0 == view.status } ?? true) && (body.map { $0 == view.nhsBody } ?? true)
                }
                let next = try Dictionary(uniqueKeysWithValues: matching.filter { $0.status == "open" }.compactMap { view in
                    try Case.nextDeadlineOf(view.id, vault: vault, today: today).map { (view.id, $0) }
                })
                // Open cases first; among them the soonest deadline (a case with none after those with one); then the newest.
                return (matching.sorted { a, b in
                    if (a.status == "open") != (b.status == "open") { return a.status == "open" }
                    switch (next[a.id], next[b.id]) {
                    case let (x?, y?) where x != y: return x < y
                    case (_?, nil): return true
                    case (nil, _?): return false
                    default: return a.openedAt == b.openedAt ? a.id < b.id : a.openedAt > b.openedAt
                    }
                }, next)
            }
            if global.json { try global.emitJSON(cases) } else {
                let rows: [[String]] = cases.map { view in
                    [view.id, view.reference ?? "-", view.status, view.clientName, view.nhsBody ?? "",
                     view.advocateNames.joined(separator: ", "), String(view.documents), String(view.openedAt.prefix(10)), next[view.id] ?? ""]
                }
                Terminal.printOut(Table.render(["ID", "REFERENCE", "STATUS", "CLIENT", "NHS BODY", "ADVOCATES", "DOCS", "OPENED", "NEXT DEADLINE"], rows))
            }
        }
    }

    /// The soonest statutory deadline not yet met or reminder not yet done, where the consent rules let this
    /// account check the case's deadlines (a listing asks no questions: otherwise none is shown).
    fileprivate static func nextDeadlineOf(_ caseID: String, vault: Vault, today: CivilDate) throws -> String? {
        guard try vault.checkConsent(caseID: caseID, action: .checkDeadlines, on: today).decision.outcome != .deny else { return nil }
        let statutory = ComplaintDeadlines.compute(try vault.caseFacts(caseID).events, on: today).filter { $0.status != .met }.map(\.due.description)
        let reminders = try vault.reminders(caseID: caseID).filter { $0.doneAt == nil }.map(\.due.description)
        return (statutory + reminders).min()
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one case.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String

        func run() throws {
            let (detail, notes, transfers, removed, names) = try global.withVault { vault in
                let id = try vault.caseID(id)
                return (try vault.caseDetail(id), try vault.notes(caseID: id), try vault.caseFacts(id).transfers,
                        try vault.removedDocuments(caseID: id), try vault.names())
            }
            if global.json { try global.emitJSON(detail); return }
            let advocates = zip(detail.advocateNames, detail.advocates).map { "\($0) (\($1))" }.joined(separator: ", ")
            let lines: [(String, String?)] = [("id", detail.id), ("reference", detail.reference), ("their reference", detail.theirReference),
                                              ("status", detail.status), ("client", "\(detail.clientName) (\(detail.client))"),
                                              ("organisation", "\(detail.organisationName) (\(detail.organisation))"), ("advocates", advocates),
                                              ("NHS body", detail.nhsBody), ("incident", detail.incidentDate), ("aware", detail.awareDate),
                                              ("complaint", detail.complaintDate), ("opened", detail.openedAt), ("closed", detail.closedAt),
                                              ("documents", String(detail.documents)), ("case key", detail.caseKeyVersion.map { "version \($0)" })]
            Terminal.printFields(lines)
            if !transfers.isEmpty {
                Terminal.printOut("transfers:")
                for transfer in transfers {
                    Terminal.printOut("  \(transfer.date?.description ?? "(no date)")  \(names.label(transfer.fromOrg)) -> \(names.label(transfer.toOrg)), "
                                      + (transfer.consented ? "with the person's agreement" : "without the person's agreement"))
                }
            }
            for tombstone in removed {
                Terminal.printOut("removed document \(tombstone.documentID) (\(tombstone.kind), \(tombstone.size) bytes) on "
                                  + "\(tombstone.removedAt.prefix(10))" + (tombstone.removedBy.map { " by \(names.label($0))" } ?? ""))
            }
            if !notes.isEmpty {
                Terminal.printOut("notes (\(notes.count); 'casevault note list --case \(id)' shows them in full):")
                for note in notes.suffix(5) {
                    Terminal.printOut("  \(note.writtenAt.prefix(10))  \(note.text.split(separator: "\n").first.map(String.init)?.prefix(70) ?? "")")
                }
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a case (documents stay; no new ones).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String

        func run() throws {
            try global.withVault { try $0.closeCase(try $0.caseID(id)) }
            if global.json { try global.emitJSON(CreatedID(id: id)) } else { Terminal.printOut("Closed \(id)") }
        }
    }

    struct Rekey: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rotate a case key: rewrap every document key of the case under a new version.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String

        func run() throws {
            let version = try global.withVault { try $0.rekeyCase(try $0.caseID(id)) }
            if global.json { try global.emitJSON(["id": id, "case_key_version": String(version)]) } else {
                Terminal.printOut("Case \(id) now uses case key version \(version); older versions were destroyed")
            }
        }
    }

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase a case for an erasure request (crypto-shredding).",
            discussion: "Destroys the case key, deletes its documents and keeps a tombstone. Its client and the people registered on it who are on no other case are erased too (only their ids are kept). Backups made before the erasure still hold the case until the master key version they were made under is destroyed: run 'casevault keys rotate', take a new backup, then 'casevault keys retire' each older version ('casevault keys show'). After that, those older backups open nothing at all with the current key file, this case or any other (SECURITY.md, 'Erasure and backups').")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String
        @Option(help: "Why (required; stored encrypted in the tombstone).") var reason: String
        @Flag(help: "Confirm: this cannot be undone.") var yes = false

        func validate() throws {
            if !yes { throw ValidationError("erasing a case cannot be undone; add --yes to confirm") }
        }

        func run() throws {
            let report = try global.withVault { try $0.eraseCase(try $0.caseID(id), reason: reason) }
            if global.json { try global.emitJSON(report) } else {
                Terminal.printOut("Erased case \(id): \(report.documentsErased) document(s) destroyed; tombstone kept")
                if !report.peopleErased.isEmpty {
                    Terminal.printOut("Erased \(report.peopleErased.count) person(s) who were on no other case: \(report.peopleErased.joined(separator: ", "))")
                }
                Terminal.printOut("Older backups still hold this case: to reach them, run 'casevault keys rotate', take a new backup, "
                                  + "then 'casevault keys retire' the older version(s)")
            }
        }
    }
}
