import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Case {
    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase",
            abstract: "Erase a case for an erasure request (crypto-shredding).",
            discussion: "Destroys the case key, deletes its documents and keeps a tombstone. Its client and the people registered on it who are on no other case are erased too (only their ids are kept). Backups made before the erasure still hold the case until the master key version they were made under is destroyed: run 'casevault keys rotate', take a new backup, then 'casevault keys retire' each older version ('casevault keys show'). After that, those older backups open nothing at all with the current key file, this case or any other (SECURITY.md, 'Erasure and backups').")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case: its reference (NCA-2026-0001), its client's name, or its id.") var id: String
        @Option(help: "Why (required; stored encrypted in the tombstone).") var reason: String
        @Flag(help: "Confirm: this cannot be undone.") var yes = false

        func validate() throws {
            if !yes { throw ValidationError("erasing a case cannot be undone; add --yes to confirm") }
        }

        func run() throws {
            let report = try global.withVault { try $0.eraseCase(try $0.caseID(id), reason: reason) }
            if global.json { try global.emitJSON(report) } else {
                Terminal.printOut("Erased case \(id): \(report.documentsErased) document(s) destroyed; tombstone kept")
                if !report.peopleErased.isEmpty {
                    Terminal.printOut("Erased \(report.peopleErased.count) person(s) who were on no other case: \(report.peopleErased.joined(separator: ", "))")
                }
                Terminal.printOut("Older backups still hold this case: to reach them, run 'casevault keys rotate', take a new backup, "
                                  + "then 'casevault keys retire' the older version(s)")
            }
        }
    }
}
