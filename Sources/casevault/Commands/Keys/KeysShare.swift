import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Keys {
    struct Share: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "share",
            abstract: "Give the case keys you hold to colleagues entitled to them who have none yet.",
            discussion: """
            A manager added after a case was opened is entitled to its key but holds none until someone who holds it \\
            shares it: an administrator cannot, because administrators hold no case keys. An advocate assigned to the \\
            case, or a manager of its organisation, runs this; it wraps each key they hold to every entitled colleague \\
            (and the organisation's recovery key) who lacks one. Nothing changes when no one is missing.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("case"), help: "Only this case (reference or id); else every case you hold a key to.") var caseRef: String?

        func run() throws {
            let shared = try global.withVault { vault in
                try vault.shareHeldCaseKeys(caseID: try caseRef.map { try vault.caseID($0) })
            }
            if global.json { try global.emitJSON(shared); return }
            guard !shared.isEmpty else {
                Terminal.printOut("No one entitled was missing a key you hold; nothing was changed")
                return
            }
            for entry in shared {
                Terminal.printOut("\(entry.caseID): key given to \(entry.holders.joined(separator: ", "))")
            }
        }
    }
}
