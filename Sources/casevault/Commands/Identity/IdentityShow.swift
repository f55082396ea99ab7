import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault {
    struct IdentityCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "identity", abstract: "Your own identity file.", subcommands: [Show.self, Renew.self])
    }
}

extension CaseVault.IdentityCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Print whose identity file this is and its fingerprint (never a key), to read out to a manager.",
            discussion: """
            A manager confirming your new account ('casevault advocate confirm') compares this fingerprint with the one \\
            the vault holds for you. It is made from the file's public keys only, so no passphrase is asked.
            """
        )
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let file: IdentityFile
            do {
                file = try IdentityFile.decode(try PrivateFiles.read(global.paths.keyFile))
            } catch {
                throw CLIError("\(global.paths.keyFile) is not an identity file: \(error)",
                               hints: ["give your own identity file with --keys or $CASEVAULT_KEYS"])
            }
            let fingerprint = try file.fingerprint
            if global.json {
                try global.emitJSON(["account": file.accountID, "vault": file.vaultID, "fingerprint": fingerprint])
            } else {
                Terminal.printOut("Account: \(file.accountID)\nVault: \(file.vaultID)\nFingerprint: \(fingerprint)")
            }
        }
    }
}
