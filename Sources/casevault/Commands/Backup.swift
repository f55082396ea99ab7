import ArgumentParser
import Foundation
import VaultCore

extension CaseVault {
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "backup", abstract: "Make a consistent, still-encrypted copy of the vault.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "An absent or empty folder.") var destination: String
        @Flag(help: "Also copy the key file (then the backup alone can be decrypted with the passphrase).") var includeKeys = false

        func run() throws {
            if includeKeys {
                Terminal.printError("casevault: warning: the backup includes the key file; whoever holds it needs only the passphrase")
            }
            let report = try global.withVault { try $0.backup(to: destination, includeKeyFile: includeKeys) }
            if global.json { try global.emitJSON(report) } else {
                Terminal.printOut("Backed up \(report.documents) documents (\(report.bytes) bytes) to \(destination)")
            }
        }
    }
}
