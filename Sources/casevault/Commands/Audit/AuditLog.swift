import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.AuditCommand {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "log", abstract: "Show audit events (ids only; no names or contents).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "Only this case.") var caseID: String?
        @Option(help: "Only events on or after this date (YYYY-MM-DD).") var since: String?
        @Option(help: "Only events by this advocate id.") var actor: String?

        func run() throws {
            let entries = try global.withVault { vault in try vault.auditLog(caseID: try caseID.map { try vault.caseID($0) }, since: since, actor: actor) }
            if global.json { try global.emitJSON(entries); return }
            Terminal.printOut(Table.render(["SEQ", "TIME", "ACTOR", "ACTION", "OUTCOME", "CASE", "DOCUMENT", "DETAILS"], entries.map {
                [String($0.sequence), $0.time, $0.actor ?? "-", $0.action, $0.outcome + ($0.decision.map { " (\($0))" } ?? ""),
                 $0.caseID ?? "", $0.documentID ?? "", Self.details($0)]
            }))
        }

        /// A state-ledger event lists one line per record changed (kind, id, version, hash): the table says how many;
        /// `--json` has them all.
        static func details(_ entry: Vault.AuditLogEntry) -> String {
            entry.details.sorted { $0.key < $1.key }.map { key, value in
                guard entry.action.hasPrefix("state."), key == "changes" else { return "\(key)=\(value)" }
                return "records=\(value.split(separator: "\n").count)"
            }.joined(separator: " ")
        }
    }
}
