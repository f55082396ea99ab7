import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault.Advocate {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add an advocate, manager or administrator, and write their identity file.",
            discussion: """
            The new person's identity file is written to --identity-out (mode 0600; it must not exist yet): give it to \\
            them, and they open the vault with it (--keys FILE). Its passphrase is read from $CASEVAULT_NEW_PASSPHRASE, \\
            else asked twice; they can change it with 'casevault passwd'.
            """
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The advocate's name (stored encrypted).") var name: String
        @Option(help: "The organisation: its name or id (every advocate and manager belongs to one; an administrator to none).") var org: String?
        @Option(help: "advocate (works on assigned cases), manager (supervises the organisation's cases) or admin (accounts only).")
        var role: AccountRole = .advocate
        @Option(name: .customLong("identity-out"), help: ArgumentHelp("Where to write the new person's identity file.", valueName: "FILE"))
        var identityOut: String?
        @Flag(name: .long, help: "Write the identity without a passphrase (for scripts; anyone who can read the file can act as this person).")
        var noPassphrase = false

        func run() throws {
            let created = try global.withVault { vault -> Vault.NewAccount in
                guard vault.usesIdentityFiles else {
                    if identityOut != nil {
                        throw CLIError("this vault has no identities yet, so --identity-out has nothing to write",
                                       hints: ["'casevault migrate' gives every account an identity"])
                    }
                    return try vault.addAccount(name: name, organisationID: try org.map(vault.organisationID), role: role, identityPassphrase: nil)
                }
                guard let identityOut else {
                    throw CLIError("each person has their own identity file: say where to write it with --identity-out FILE",
                                   hints: ["for example: --identity-out \"\(name.replacingOccurrences(of: " ", with: "-").lowercased()).identity\""])
                }
                // Checked before anything is recorded, so a bad path adds no account without an identity.
                try IdentityOutput.requireFree(identityOut)
                let passphrase = try NewPassphrase.read(noPassphrase: noPassphrase, for: name)
                return try IdentityOutput.delivering(to: identityOut) { deliver in
                    try vault.addAccount(name: name, organisationID: try org.map(vault.organisationID), role: role,
                                         identityPassphrase: passphrase, deliver: deliver)
                }
            }
            if global.json {
                try global.emitJSON(AddedAccount(id: created.id, identityFile: created.identity == nil ? nil : identityOut,
                                                 awaitingConfirmation: created.awaitsConfirmation))
            } else {
                Terminal.printOut(created.id)
                if created.identity != nil, let identityOut {
                    Terminal.printError("Identity file for \(name): \(identityOut) (give it to them; they open the vault with --keys \(identityOut))")
                }
                if created.awaitsConfirmation {
                    Terminal.printError("\(name) awaits confirmation by a manager of their organisation before they hold any of its keys: "
                                        + "they first run 'casevault identity renew' (new keys only they hold), then read the fingerprint it prints to the manager, "
                                        + "who runs 'casevault advocate confirm'")
                }
            }
        }
    }

    struct AddedAccount: Encodable {
        let id: String
        let identityFile: String?
        let awaitingConfirmation: Bool

        enum CodingKeys: String, CodingKey { case id, identityFile = "identity_file", awaitingConfirmation = "awaiting_confirmation" }
    }
}
