import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault {
    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "passwd",
            abstract: "Change the passphrase of your identity file.",
            discussion: """
            The current passphrase is asked (or read from --passphrase-file or $CASEVAULT_PASSPHRASE); the new one from \\
            $CASEVAULT_NEW_PASSPHRASE, else asked twice. The keys stay the same, so nothing in the vault changes; the file \\
            is replaced atomically. Forgot it? An administrator or your manager can give you a new identity with your \\
            organisation's recovery shares ('casevault recovery restore').
            """
        )
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Remove the passphrase (anyone who can read the file can then act as you).")
        var noPassphrase = false

        func run() throws {
            // The current passphrase is asked even in an unlocked session: whoever sits at an unlocked terminal must
            // not be able to change it without knowing it.
            try global.requireLocalVault()  // it checks the identity against the vault, which is the server's when logged in
            let opened = try VaultSetup.open(paths: global.paths) { try global.passphrase.read(confirm: false) }
            guard let file = opened.unlock.identityFile, let identity = opened.unlock.identity else {
                throw CLIError("this vault has no identities yet: its key file has no personal passphrase to change",
                               hints: ["'casevault migrate' gives every account an identity"])
            }
            let passphrase = try NewPassphrase.read(noPassphrase: noPassphrase, for: "your")
            try VaultSetup.replaceIdentity(try file.changingPassphrase(identity, to: passphrase), at: opened.paths.keyFile)
            // An unlocked session stays valid: the keys did not change, only what protects them on disk.
            if global.json {
                try global.emitJSON(["identity_file": opened.paths.keyFile, "protection": passphrase == nil ? "none" : "passphrase"])
            } else {
                Terminal.printOut("Changed the passphrase of \(opened.paths.keyFile)\(passphrase == nil ? " (now unprotected)" : "")")
            }
        }
    }
}
