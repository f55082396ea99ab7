import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one case.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var id: String

        func run() throws {
            let (detail, notes, transfers, removed, names) = try global.withVault { vault in
                let id = try vault.caseID(id)
                return (try vault.caseDetail(id), try vault.notes(caseID: id), try vault.caseFacts(id).transfers,
                        try vault.removedDocuments(caseID: id), try vault.names())
            }
            if global.json { try global.emitJSON(detail); return }
            let advocates = zip(detail.advocateNames, detail.advocates).map { "\($0) (\($1))" }.joined(separator: ", ")
            let lines: [(String, String?)] = [("id", detail.id.rawValue), ("reference", detail.reference), ("their reference", detail.theirReference),
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
}
