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
            to whoever it names (a manager of your organisation, or an advocate of one that has no manager), who \
            confirms you. Only an account awaiting confirmation renews this way. Over a team server (after 'casevault \
            login') the new keys are made on this computer and only their public halves are sent; you are then logged \
            in again with the new file. Should the server's answer be lost, the new file waits beside the old one \
            (FILE.renewed): run this again to finish with its keys.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Write the new identity without a passphrase (anyone who can read the file can then act as you).")
        var noPassphrase = false

        func run() throws {
            if let target = try global.serverTarget() { try runOnServer(target); return }
            let path = global.paths.keyFile
            let pending = VaultSetup.renewedIdentityPath(for: path)
            try IdentityOutput.requireFree(pending)
            let renewed = try global.withVault { vault -> Vault.RenewedIdentity in
                let passphrase = try NewPassphrase.read(noPassphrase: noPassphrase, for: "your new")
                // The new file is written beside the old one inside the vault's transaction (removed again if that
                // fails), and takes the old one's place only after the commit: the person always has a working file.
                return try IdentityOutput.delivering(to: pending) { deliver in
                    try vault.renewOwnIdentity(passphrase: passphrase, deliver: deliver)
                }
            }
            try install(pending, at: path)
            try report(RenewedJSON(account: renewed.accountID, identityFile: path, fingerprint: renewed.fingerprint,
                                   keysRewrapped: renewed.keysRewrapped), confirmers: renewed.confirmers.whom)
        }

        /// Puts the renewed file in the old one's place, once the vault holds its keys.
        func install(_ pending: String, at path: String) throws {
            do {
                try VaultSetup.installRenewedIdentity(at: path)
            } catch {
                throw CLIError("the vault now knows your new identity, but it could not replace \(path): \(error)",
                               hints: ["your new identity file is \(pending): move it to \(path) (the old one opens nothing any more)"])
            }
        }

        /// The same words locally and over the server: the fingerprint, and to whom to read it.
        func report(_ renewed: RenewedJSON, confirmers whom: String) throws {
            if global.json {
                try global.emitJSON(renewed)
            } else {
                Terminal.printOut("Renewed \(renewed.identityFile): new keys, which only this file holds.\nFingerprint: \(renewed.fingerprint)")
                Terminal.printError("Next: read this fingerprint to \(whom), who runs "
                                    + "'casevault advocate confirm <your name> --fingerprint \(renewed.fingerprint)'")
            }
        }
    }
}

/// `identity renew --json`: the count as a number, not text; left out only when a renewal over the server is
/// finished after its answer was lost (the count was in that answer).
struct RenewedJSON: Encodable {
    let account: String
    let identityFile: String
    let fingerprint: String
    let keysRewrapped: Int?

    enum CodingKeys: String, CodingKey {
        case account, fingerprint
        case identityFile = "identity_file"
        case keysRewrapped = "keys_rewrapped"
    }
}
