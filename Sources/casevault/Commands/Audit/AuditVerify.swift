import ArgumentParser
import Audit
import Foundation
import VaultCore

extension CaseVault.AuditCommand {
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "verify", abstract: "Check every link of the audit chain and the signed checkpoints.")
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
}
