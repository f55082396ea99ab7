import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Give a vault of an earlier release identities: one identity file per person instead of one key file.",
            discussion: """
            Run once, with the old key file, as an administrator or manager (--as). Every account gets an identity file in \\
            --identities-out (one per account, named by account id; the folder is created, mode 0700), every organisation \\
            a recovery key printed as share codes for trustees, and each case key is wrapped only to the people entitled \\
            to it. Afterwards the old key file opens nothing: destroy it and every copy. The identity files' passphrase is \\
            read from $CASEVAULT_NEW_PASSPHRASE (else asked twice); each person should change it with 'casevault passwd'.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("identities-out"), help: ArgumentHelp("A new folder for the identity files.", valueName: "DIR"))
        var identitiesOut: String
        @Flag(name: .long, help: "Write the identity files without a passphrase (for scripts).")
        var noPassphrase = false

        func run() throws {
            if FileManager.default.fileExists(atPath: identitiesOut) {
                throw CLIError("\(identitiesOut) already exists; refusing to write identity files into it", hints: ["name a new folder"])
            }
            let passphrase = try NewPassphrase.read(noPassphrase: noPassphrase, for: "each person")
            try PrivateFiles.createPrivateDirectory(identitiesOut)
            var written: [String] = []
            var shares: [(String, [String])] = []
            do {
                try global.withVault { vault in
                    let migration = try vault.migrateToIdentities(passphrase: passphrase) { identities in
                        // Written inside the migration's transaction: if one cannot be written, nothing is migrated.
                        for (account, file) in identities {
                            let path = (identitiesOut as NSString).appendingPathComponent(account + ".identity")
                            try VaultSetup.writeNewIdentity(file, to: path)
                            written.append(path)
                        }
                    }
                    for (organisation, key) in migration.recoveryKeys {
                        shares.append((organisation, try RecoveryShares.split(key, vaultID: vault.vaultID, organisationID: organisation,
                                                                              shares: 3, threshold: 2)))
                    }
                }
            } catch {
                for path in written { unlink(path) }
                rmdir(identitiesOut)
                throw error
            }
            if global.json {
                try global.emitJSON(MigrationResult(identityFiles: written,
                                                    recoveryShares: Dictionary(uniqueKeysWithValues: shares.map { ($0.0, $0.1) })))
                return
            }
            Terminal.printOut("This vault now uses identities. \(written.count) identity files are in \(identitiesOut):")
            for path in written { Terminal.printOut("  " + path) }
            Terminal.printOut("Give each person theirs; destroy the old key file and every copy of it: it opens nothing now.")
            for (organisation, codes) in shares {
                Terminal.printOut("")
                Terminal.printOut("Recovery share codes for \(organisation) (any 2 of 3 rebuild its recovery key; give each to a different trustee):")
                for (index, code) in codes.enumerated() { Terminal.printOut("Share \(index + 1) of 3:\n\(code)") }
            }
        }

        struct MigrationResult: Encodable {
            let identityFiles: [String]
            let recoveryShares: [String: [String]]

            enum CodingKeys: String, CodingKey { case identityFiles = "identity_files", recoveryShares = "recovery_shares" }
        }
    }
}
