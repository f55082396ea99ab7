import ArgumentParser
import Audit
import Foundation
import VaultCore

extension CaseVault.AuditCommand {
    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "checkpoint", abstract: "Export the latest signed checkpoint, to keep off this machine.")
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
