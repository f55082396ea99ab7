import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault.IdentityCommand {
    struct Renew: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "renew",
            abstract: "Replace the keys of your new identity file with keys only you hold, before a manager confirms you.",
            discussion: """
            The administrator who added you wrote your identity file and chose its passphrase, so they could have kept \\
            a copy ('casevault passwd' changes the passphrase, not the keys). This makes new keys, moves everything the \\
            vault gave you to them and replaces your file (--keys), so any copy of the old one opens nothing. The new \\
            passphrase is read from $CASEVAULT_NEW_PASSPHRASE, else asked twice. Then read the fingerprint it prints \\
            to a manager of your organisation, who confirms you. Only an account awaiting confirmation renews this way.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Write the new identity without a passphrase (anyone who can read the file can then act as you).")
        var noPassphrase = false

        func run() throws {
            try global.requireLocalVault()
            let path = global.paths.keyFile
            let pending = VaultSetup.renewedIdentityPath(for: path)
            try IdentityOutput.requireFree(pending)
            let (renewed, organisation) = try global.withVault { vault -> (Vault.RenewedIdentity, String?) in
                // Read before the renewal: afterwards this process's identity is the replaced one.
                let organisation = try vault.advocates().first { $0.id == vault.actor }?.organisationName
                let passphrase = try NewPassphrase.read(noPassphrase: noPassphrase, for: "your new")
                // The new file is written beside the old one inside the vault's transaction (removed again if that
                // fails), and takes the old one's place only after the commit: the person always has a working file.
                let renewed = try IdentityOutput.delivering(to: pending) { deliver in
                    try vault.renewOwnIdentity(passphrase: passphrase, deliver: deliver)
                }
                return (renewed, organisation)
            }
            do {
                try VaultSetup.installRenewedIdentity(at: path)
            } catch {
                throw CLIError("the vault now knows your new identity, but it could not replace \(path): \(error)",
                               hints: ["your new identity file is \(pending): move it to \(path) (the old one opens nothing any more)"])
            }
            if global.json {
                try global.emitJSON(RenewedJSON(account: renewed.accountID, identityFile: path, fingerprint: renewed.fingerprint,
                                                keysRewrapped: renewed.keysRewrapped))
            } else {
                Terminal.printOut("Renewed \(path): new keys, which only this file holds.\nFingerprint: \(renewed.fingerprint)")
                Terminal.printError("Next: read this fingerprint to a manager of \(organisation ?? "your organisation"), who runs "
                                    + "'casevault advocate confirm <your name> --fingerprint \(renewed.fingerprint)'")
            }
        }
    }
}

/// `identity renew --json`: the count as a number, not text.
private struct RenewedJSON: Encodable {
    let account: String
    let identityFile: String
    let fingerprint: String
    let keysRewrapped: Int

    enum CodingKeys: String, CodingKey {
        case account, fingerprint
        case identityFile = "identity_file"
        case keysRewrapped = "keys_rewrapped"
    }
}
