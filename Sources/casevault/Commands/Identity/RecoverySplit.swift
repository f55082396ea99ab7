import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault.Recovery {
    struct Split: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "split",
            abstract: "Give an organisation a new recovery key and new share codes (when a trustee leaves, or a code may have been seen).",
            discussion: """
            The trustees' current share codes are read from standard input as for 'recovery restore' (enough of them to \\
            rebuild the key). A new recovery key takes over everything the old one held, in one step, and its share \\
            codes are printed once: any --threshold of the --shares codes rebuild it. Every old code is worthless \\
            afterwards. An administrator, or a manager of the organisation, runs it.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: "The organisation (name or id).") var org: String
        @Option(help: "How many new share codes to make (2 to 9).") var shares = 3
        @Option(help: "How many of them rebuild the new recovery key (2 to --shares).") var threshold = 2

        func validate() throws { try RecoveryShares.validate(shares: shares, threshold: threshold) }

        func run() throws {
            let codes = Restore.readCodes()
            guard codes.count >= 2 else {
                throw CLIError("give at least 2 of the current share codes, one per line, on standard input",
                               hints: ["each trustee reads out their code; the organisation's threshold says how many are needed"])
            }
            var newCodes: [String] = []
            var moved = 0
            let organisation = try global.withVault { vault -> String in
                let organisation = try vault.organisationID(org)
                let old = try RecoveryShares.combine(codes, vaultID: vault.vaultID, organisationID: organisation.rawValue)
                let replacement = try X25519.PrivateKey.generate()
                // The codes are made before the change is recorded: if they cannot be made, nothing changes.
                newCodes = try RecoveryShares.split(replacement, vaultID: vault.vaultID, organisationID: organisation.rawValue, shares: shares, threshold: threshold)
                moved = try vault.replaceRecoveryKey(organisationID: organisation, oldKey: old, newKey: replacement.publicKey)
                return organisation.rawValue
            }
            if global.json {
                try global.emitJSON(Replaced(organisation: organisation, keys: moved, recoveryShares: newCodes, recoveryThreshold: threshold))
                return
            }
            Terminal.printOut("\(organisation) has a new recovery key (\(moved) keys moved to it); the old share codes open nothing now.")
            Terminal.printOut("")
            Terminal.printOut("New recovery share codes: any \(threshold) of these \(shares) rebuild it. Give each to a different trustee,")
            Terminal.printOut("on paper, and ask them to destroy their old code. They are shown only now.")
            RecoveryShares.printCodes(newCodes)
        }

        struct Replaced: Encodable {
            let organisation: String
            let keys: Int
            let recoveryShares: [String]
            let recoveryThreshold: Int

            enum CodingKeys: String, CodingKey {
                case organisation, keys, recoveryShares = "recovery_shares", recoveryThreshold = "recovery_threshold"
            }
        }
    }
}
