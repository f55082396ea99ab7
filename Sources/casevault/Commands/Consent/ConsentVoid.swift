import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.ConsentCommand {
    /// `consent void`: the record was a mistake (never given by the person), unlike `consent withdraw`.
    struct VoidRecord: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "void",
            abstract: "Mark a consent record as a recording mistake: it stays on file but counts for no decision.",
            discussion: "Use this when the consent was recorded wrongly (wrong case, grantee or person, a duplicate). "
                + "When the person takes their consent back, use 'consent withdraw' instead.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The consent id.") var id: String
        @Option(help: "What was recorded wrongly (kept sealed with the record).") var reason: String
        @Flag(help: "Confirm without being asked (scripts need this; a terminal asks).") var yes = false

        func run() throws {
            let stored = try global.withVault { vault in
                _ = try vault.authority(RecordID(id))  // an unknown id is reported before any question is asked
                try Confirmation.require(["voiding consent \(id) cannot be undone: no decision will rest on it from now on. "
                                          + "If the person has changed their mind, use 'consent withdraw' instead."], yes: yes, question: "Void it?")
                return try vault.voidAuthority(RecordID(id), reason: reason)
            }
            if global.json { try global.emitJSON(["id": id, "voided_at": stored.voided?.at ?? ""]); return }
            Terminal.printOut("Consent \(id) voided; it no longer counts for any decision")
        }
    }
}
