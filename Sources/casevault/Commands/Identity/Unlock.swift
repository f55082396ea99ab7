import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault {
    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "unlock",
            abstract: "Unlock your identity for this login session, so later commands ask for no passphrase.",
            discussion: """
            The unlocked keys are kept by the Linux kernel (the session keyring, readable only by this session) until \\
            the timeout, then forgotten; they are never written to disk. 'casevault lock' forgets them at once.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("How long, e.g. 15m, 2h or 900s (at most 12h).", valueName: "DURATION")) var timeout = "15m"

        func run() throws {
            guard let seconds = Self.seconds(timeout), seconds > 0, seconds <= 12 * 3600 else {
                throw CLIError("--timeout \(timeout) is not a duration up to 12 hours", hints: ["write it like 15m, 2h or 900s"])
            }
            try global.requireLocalVault()  // an unlock is for a local vault's commands; the server unlocks at login
            // Unlocked with the passphrase (never from an earlier unlock), and checked against the vault first.
            let opened = try VaultSetup.open(paths: global.paths) { try global.passphrase.read(confirm: false) }
            guard let identity = opened.unlock.identity else {
                throw CLIError("this vault has no identities yet, so there is no personal identity to unlock",
                               hints: ["'casevault migrate' gives every account an identity"])
            }
            let vault = try Vault(opened, actor: global.advocate, stateMarks: global.stateMarks)
            _ = try vault.advocates()  // refuses an identity the vault no longer knows
            do {
                try IdentitySession.store(identity, timeoutSeconds: UInt32(seconds))
            } catch {
                throw CLIError("the identity could not be kept for this session: \(error)",
                               hints: ["this computer's kernel or container does not allow session keyrings; commands will keep asking for the passphrase"])
            }
            let minutes = seconds / 60
            Terminal.printOut("Unlocked \(identity.accountID) for \(minutes >= 1 ? "\(minutes) minute\(minutes == 1 ? "" : "s")" : "\(seconds) seconds") in this login session ('casevault lock' to forget it now)")
        }

        static func seconds(_ text: String) -> Int? {
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            guard let unit = trimmed.last else { return nil }
            let multiplier: Int? = unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : unit.isNumber ? 1 : nil
            let number = unit.isNumber ? trimmed : String(trimmed.dropLast())
            guard let multiplier, let value = Int(number) else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
            return overflow ? nil : product
        }
    }

    struct Lock: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lock", abstract: "Forget the identity 'casevault unlock' kept for this session.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let file = try IdentityFile.decode(try PrivateFiles.read(global.paths.keyFile))
            let removed = try IdentitySession.remove(vaultID: file.vaultID, accountID: file.accountID)
            Terminal.printOut(removed ? "Locked: the next command asks for the passphrase again" : "Nothing was unlocked for \(file.accountID)")
        }
    }
}
