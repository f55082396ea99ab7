import ArgumentParser
import Foundation
import VaultCore

extension CaseVault.Keys {
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rotate", abstract: "Add a master key version and rewrap every case key under it (no document is re-encrypted).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let version = try global.withVault { try $0.rotateMasterKey() }
            if global.json { try global.emitJSON(["version": version]) } else {
                Terminal.printOut("Master key version \(version) is now current; every key was rewrapped under it")
                Terminal.printOut("Take a new backup now: 'casevault keys retire VERSION' destroys an older version, and a backup made before")
                Terminal.printOut("this rotation opens nothing once the version it was made under is destroyed")
            }
        }
    }
}
