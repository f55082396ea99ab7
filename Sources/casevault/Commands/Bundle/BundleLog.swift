import ArgumentParser
import Consent
import Foundation
import BundleModel
import Redaction
import VaultCrypto
import VaultCore

extension CaseVault.BundleCommand {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "log", abstract: "The redaction log of a case's bundles: who exported what, when, for whom, and what was removed.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var caseID: String

        func run() throws {
            let logs = try global.withVault { vault -> [BundleLog] in
                let caseID = try vault.caseID(caseID)
                try ConsentGate.require(.viewDocuments, caseID: caseID, vault: vault, acknowledged: [])
                return try vault.bundleLogs(caseID: caseID, as: BundleLog.self)
            }
            if global.json { try global.emitJSON(logs); return }
            Terminal.printOut(Table.render(["BUNDLE", "EXPORTED", "BY", "FOR", "PAGES", "DOCUMENTS", "REDACTIONS"], logs.map { log in
                [log.bundleID, log.exportedAt, log.exportedBy, log.recipient, String(log.pages), String(log.documents.count), String(log.redactionCount)]
            }))
        }
    }
}
