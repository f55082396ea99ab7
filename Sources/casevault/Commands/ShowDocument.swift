import ArgumentParser
import Foundation
import VaultCore

extension CaseVault {
    struct ShowDocument: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a document's details (not its contents).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document id.") var id: DocumentID
        @OptionGroup var consent: ConsentOptions

        func run() throws {
            let document = try global.withVault { vault in
                try ConsentGate.require(.viewDocuments, caseID: try vault.caseID(ofDocument: id), vault: vault, options: consent, documentID: id)
                return try vault.document(id)
            }
            if global.json { try global.emitJSON(document); return }
            let lines: [(String, String?)] = [
                ("id", document.id.rawValue), ("case", document.caseID.rawValue), ("kind", document.kind), ("name", document.name),
                ("media type", document.mediaType), ("size", "\(document.size) bytes"),
                ("document date", document.documentDate.map { "\($0) (from \(document.documentDateSource))" }),
                ("ingested", document.ingestedAt + (document.ingestedBy.map { " by \($0)" } ?? "")),
                ("case key", "version \(document.caseKeyVersion)"), ("ciphertext", "SHA-256 \(document.ciphertextSHA256)"),
            ]
            Terminal.printFields(lines)
        }
    }
}
