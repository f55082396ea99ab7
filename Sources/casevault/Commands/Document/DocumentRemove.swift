import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.DocumentCommand {
    /// `document remove`: crypto-shreds one document (filed by mistake, on the wrong case, a duplicate the client
    /// asked to delete); a sealed tombstone and the audit log keep that it existed.
    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove",
            abstract: "Remove one document for good: its key and encrypted body are destroyed; a tombstone records that it existed.",
            discussion: "This cannot be undone. The reason is kept sealed with the tombstone; the audit log names only the document id.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The document id.") var id: DocumentID
        @Option(help: "Why it is removed (kept sealed).") var reason: String
        @Flag(help: "Confirm without being asked (scripts need this; a terminal asks).") var yes = false

        func run() throws {
            let tombstone = try global.withVault { vault in
                if !yes { _ = try vault.caseID(ofDocument: id) }  // an unknown id is reported before any question is asked
                try Confirmation.require(["removing document \(id) destroys its key and its encrypted body; it cannot be undone"],
                                         yes: yes, question: "Remove it?")
                return try vault.removeDocument(id, reason: reason)
            }
            if global.json { try global.emitJSON(tombstone); return }
            Terminal.printOut("Document \(id) removed from case \(tombstone.caseID); its key and body are destroyed")
        }
    }
}
