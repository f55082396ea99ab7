import ArgumentParser
import Audit
import Foundation
import VaultStore

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The tamper-evident audit log.",
                                                    subcommands: [Log.self, Verify.self, Checkpoint.self])

    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show audit events (ids only; no names or contents).")
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

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check every link of the audit chain and the signed checkpoints.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Also check against a checkpoint exported earlier (audit checkpoint --out).") var checkpoint: String?

        func run() throws {
            var external: AuditCheckpoint?
            if let checkpoint {
                do {
                    external = try JSONDecoder().decode(AuditCheckpoint.self, from: Data(contentsOf: URL(fileURLWithPath: checkpoint)))
                } catch {
                    throw CLIError("\(checkpoint) is not a casevault audit checkpoint", hints: ["export one with 'casevault audit checkpoint --out FILE'"])
                }
            }
            let result = try global.withVault { try $0.verifyAudit(external: external) }
            if global.json { try global.emitJSON(result) } else if result.ok {
                Terminal.printOut("audit log intact: \(result.entries) entries, \(result.checkpoints) signed checkpoint(s) match")
            } else {
                Terminal.printOut("AUDIT LOG BROKEN (\(result.breakKind ?? "?")): \(result.message ?? "")")
            }
            if !result.ok { throw ExitCode.failure }
        }
    }

    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export the latest signed checkpoint, to keep off this machine.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Where to write it (must not exist).") var out: String

        func run() throws {
            guard let checkpoint = try global.withVault({ vault -> AuditCheckpoint? in
                try vault.writeCheckpoint()
                return try vault.latestCheckpoint()
            }) else {
                throw CLIError("the audit log has no checkpoint yet", hints: ["run any command that changes the vault first"])
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(checkpoint)
            try PrivateFiles.atomicWrite(data + Data("\n".utf8), to: out, replacing: false)
            if global.json { try global.emitJSON(checkpoint) } else {
                Terminal.printOut("Checkpoint of entry \(checkpoint.sequence) written to \(out); keep it somewhere else (print it, email it to a manager)")
            }
        }
    }
}
