import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Keys {
    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retire",
            abstract: "Destroy a master key version that nothing in the vault uses any more.",
            discussion: "The version's key is removed from the key file (its entry stays, marked destroyed). Backups made before the rotation that replaced it can no longer be read with this key file, including the cases erased since: take a new backup after each rotation, before retiring.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The version to retire.") var version: Int

        func run() throws {
            try global.withVault { try $0.retireMasterKey(version: version) }
            if global.json { try global.emitJSON(["version": version]) } else {
                Terminal.printOut("Destroyed master key version \(version): backups made under it can no longer be read with this key file")
            }
        }
    }
}
