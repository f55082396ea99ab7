import ArgumentParser
import Foundation
import VaultCore

extension CaseVault {
    struct ListDocuments: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List documents, oldest first.")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "Only this case.") var caseID: String?
        @Option(name: .customLong("kind"), help: ArgumentHelp("Only this kind (repeatable): \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                                                              valueName: "KIND")) var kinds: [String] = []
        @Option(help: ArgumentHelp("Only documents dated on or after this day.", valueName: "YYYY-MM-DD")) var from: String?
        @Option(help: ArgumentHelp("Only documents dated on or before this day.", valueName: "YYYY-MM-DD")) var to: String?
        @OptionGroup var consent: ConsentOptions

        func validate() throws {
            for kind in kinds where DocumentKind(rawValue: kind) == nil {
                throw ValidationError("--kind \(kind) is not a document kind; use one of: \(DocumentKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for (flag, value) in [("--from", from), ("--to", to)] {
                if let value, (try? Validation.date(value, field: flag)) == nil { throw ValidationError("\(flag) must be a date written YYYY-MM-DD") }
            }
        }

        func run() throws {
            if let target = try global.serverTarget() { try runOnServer(target); return }
            let filter = Vault.DocumentFilter(kinds: Set(kinds.compactMap(DocumentKind.init(rawValue:))), from: from, to: to)
            var table = DocumentTable()
            var references: [String: String] = [:]
            let documents = try global.withVault { vault -> [Vault.DocumentView] in
                let caseID = try caseID.map { try vault.caseID($0) }
                if let caseID {
                    try ConsentGate.require(.viewDocuments, caseID: caseID, vault: vault, options: consent)
                } else {
                    // Across cases: the vault lists only the cases the acting advocate may view (names are personal data too).
                    vault.acknowledged = consent.rules
                }
                if global.json { return try vault.documents(caseID: caseID, filter: filter) }
                try vault.listDocuments(caseID: caseID, filter: filter) { table.add($0) }
                references = try vault.caseReferences(Set(table.caseIDs))
                return []
            }
            if global.json { try global.emitJSON(documents); return }
            table.write(references: references)
        }
    }
}
