import ArgumentParser
import Foundation
import VaultCore

extension CaseVault {
    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore a backup into a new vault folder (--vault).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The backup folder.") var source: String
        @Option(name: .long, help: ArgumentHelp("Put the restored records in this empty PostgreSQL database (a team server's vault, or a vault moving to one) instead of vault.db: postgresql://USER@HOST:PORT/NAME, or postgresql://USER@/NAME?host=/socket/folder. The password, if the server asks for one, comes from $PGPASSWORD.", valueName: "URL"))
        var database: String?

        func run() throws {
            let location = try database.map { try DatabaseLocation(url: $0) }
            let count = try Vault.restore(from: source, to: global.paths, database: location)
            // Record the restore in the restored vault's own audit log when its key file is at hand.
            if (try? PrivateFiles.status(global.paths.keyFile)) != nil {
                // The restored vault is older than the one last used, by design: this computer's mark moves to it.
                try global.withVault(acceptOlderState: .restore) { vault in
                    try vault.record(.restored(documents: count))
                }
            } else {
                Terminal.printError("casevault: note: no key file at \(global.paths.keyFile) yet; the restore is not in the audit log until the vault is opened with its key file")
                Terminal.printError("casevault: note: if this computer used a newer state of this vault, the first command needs --accept-older-state REASON")
            }
            if global.json { try global.emitJSON(["vault": global.paths.root, "documents": String(count)]) } else {
                let records = location.map { "the PostgreSQL database \($0)" } ?? "\(global.paths.root)/vault.db"
                Terminal.printOut("Restored \(count) documents into \(global.paths.root), their records into \(records); run 'casevault verify --read-data' to check it")
            }
        }
    }
}
