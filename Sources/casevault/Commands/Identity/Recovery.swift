import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault {
    struct Recovery: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "recovery",
            abstract: "Recovery shares: re-issue a forgotten identity, or replace an organisation's recovery key.",
            subcommands: [Restore.self, Split.self]
        )

        struct Restore: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "restore",
                abstract: "Re-issue a person's identity from their organisation's recovery share codes.",
                discussion: """
                An administrator, or a manager of the organisation, runs it with their own identity. The trustees' share \\
                codes are read from standard input as printed, separated by an empty line (typed at a terminal, end with two \
                empty lines). The \\
                person's old identity file opens nothing afterwards. The new file's passphrase is read from \\
                $CASEVAULT_NEW_PASSPHRASE, else asked twice.
                """
            )
            @OptionGroup var global: GlobalOptions
            @Option(help: "The organisation whose recovery shares are given (name or id).") var org: String
            @Option(help: "The person to re-issue (advocate id).") var account: String
            @Option(name: .customLong("identity-out"), help: ArgumentHelp("Where to write their new identity file.", valueName: "FILE"))
            var identityOut: String
            @Flag(name: .long, help: "Write the new identity without a passphrase (for scripts).") var noPassphrase = false

            func run() throws {
                try IdentityOutput.requireFree(identityOut)
                let codes = Self.readCodes()
                guard codes.count >= 2 else {
                    throw CLIError("give at least 2 share codes, one per line, on standard input",
                                   hints: ["each trustee reads out their code; the organisation's threshold says how many are needed"])
                }
                let reissued = try global.withVault { vault -> Vault.ReissuedIdentity in
                    let organisation = try vault.organisationID(org)
                    let key = try RecoveryShares.combine(codes, vaultID: vault.vaultID, organisationID: organisation.rawValue)
                    let passphrase = try NewPassphrase.read(noPassphrase: noPassphrase, for: account)
                    return try IdentityOutput.delivering(to: identityOut) { deliver in
                        try vault.reissueIdentity(accountID: AccountID(account), organisationID: organisation, recoveryKey: key,
                                                  passphrase: passphrase, deliver: deliver)
                    }
                }
                if global.json {
                    try global.emitJSON(["account": reissued.accountID, "identity_file": identityOut, "keys": String(reissued.keysRewrapped),
                                         "login_codes_reset": String(reissued.loginCodesReset)])
                } else {
                    Terminal.printOut("New identity for \(reissued.accountID): \(identityOut) (\(reissued.keysRewrapped) keys re-wrapped; the old identity file opens nothing now)")
                    if reissued.loginCodesReset {
                        Terminal.printOut("Their login codes were turned off with the old identity (the secret was sealed to it). Once they have "
                                          + "logged in with the new file, they set them up again: casevault totp enable, then totp confirm CODE")
                    }
                }
            }

            /// Share codes as printed (numbered words over several lines), separated by an empty line. Typed at a terminal,
            /// two empty lines in a row end the input; piped, the end of input does.
            static func readCodes() -> [String] {
                var codes: [String] = []
                var current: [String] = []
                var emptyInARow = 0
                while let line = readLine() {
                    let trimmed = line.trimmingCharacters(in: .whitespaces)
                    if trimmed.isEmpty {
                        if !current.isEmpty { codes.append(current.joined(separator: " ")); current = [] }
                        emptyInARow += 1
                        if emptyInARow >= 2 && isatty(0) != 0 { break }
                        continue
                    }
                    emptyInARow = 0
                    current.append(trimmed)
                }
                if !current.isEmpty { codes.append(current.joined(separator: " ")) }
                return codes
            }
        }
    }
}
