import ArgumentParser
import Foundation
import VaultStore

struct Case: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Complaint cases.",
                                                    subcommands: [Open.self, List.self, Show.self, Close.self, Rekey.self, Erase.self, Transfer.self, Event.self, AddPerson.self])

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Open a case.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The client's person id.") var client: String
        @Option(help: "The organisation id.") var org: String
        @Option(help: "An assigned advocate id (repeat for several).") var advocate: [String] = []
        @Option(help: "The NHS body complained about (e.g. trust-X, gp-Y).") var nhsBody: String?
        @Option(help: "Date of the incident, YYYY-MM-DD.") var incidentDate: String?
        @Option(help: "Date the client became aware, YYYY-MM-DD.") var awareDate: String?
        @Option(help: "Date the complaint was made, YYYY-MM-DD.") var complaintDate: String?

        func run() throws {
            let id = try global.withVault { try $0.openCase(.init(clientID: client, organisationID: org, advocateIDs: advocate, nhsBody: nhsBody,
                                                       incidentDate: incidentDate, awareDate: awareDate, complaintDate: complaintDate,
                                                       openedBy: global.advocate)) }
            if global.json { try global.emitJSON(CreatedID(id: id)) } else { Terminal.printOut(id) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List cases.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let cases = try global.withVault { try $0.cases() }
            if global.json { try global.emitJSON(cases) } else {
                Terminal.printOut(Table.render(["ID", "STATUS", "CLIENT", "NHS BODY", "DOCS", "OPENED"],
                                               cases.map { [$0.id, $0.status, $0.client, $0.nhsBody ?? "", String($0.documents), $0.openedAt] }))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one case.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String

        func run() throws {
            let detail = try global.withVault { try $0.caseDetail(id) }
            if global.json { try global.emitJSON(detail); return }
            let lines: [(String, String?)] = [("id", detail.id), ("status", detail.status), ("client", detail.client),
                                              ("organisation", detail.organisation), ("advocates", detail.advocates.joined(separator: ", ")),
                                              ("NHS body", detail.nhsBody), ("incident", detail.incidentDate), ("aware", detail.awareDate),
                                              ("complaint", detail.complaintDate), ("opened", detail.openedAt), ("closed", detail.closedAt),
                                              ("documents", String(detail.documents)), ("case key", detail.caseKeyVersion.map { "version \($0)" })]
            Terminal.printFields(lines)
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a case (documents stay; no new ones).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String

        func run() throws {
            try global.withVault { try $0.closeCase(id) }
            if global.json { try global.emitJSON(CreatedID(id: id)) } else { Terminal.printOut("Closed \(id)") }
        }
    }

    struct Rekey: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rotate a case key: rewrap every document key of the case under a new version.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case id.") var id: String

        func run() throws {
            let version = try global.withVault { try $0.rekeyCase(id) }
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
            let report = try global.withVault { try $0.eraseCase(id, reason: reason) }
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
