import ArgumentParser
import Foundation
import VaultCrypto
import VaultStore

extension CaseVault {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new vault and its key file.",
            discussion: """
            The passphrase is asked twice without echo, or read from --passphrase-file or $CASEVAULT_PASSPHRASE.
            With --no-passphrase the master key is stored unprotected in the key file.
            """
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Store the master key without a passphrase (anyone who can read the key file can read the vault).")
        var noPassphrase = false

        @Option(name: .long, help: ArgumentHelp("The name of the vault's first administrator (who adds organisations and advocates).", valueName: "NAME"))
        var admin = "Vault administrator"

        func validate() throws {
            if noPassphrase && global.passphraseFile != nil {
                throw ValidationError("--no-passphrase and --passphrase-file contradict each other")
            }
        }

        func run() throws {
            let paths = global.paths
            var passphrase: SecureBytes?
            if noPassphrase {
                Terminal.printError("casevault: warning: the master key is stored unprotected in \(paths.keyFile); anyone who can read that file can read the vault")
            } else {
                let entered = try global.passphrase.read(confirm: true)
                guard entered.count >= 8 else {
                    throw CLIError("the passphrase is too short (at least 8 characters; a few random words are best)",
                                   hints: ["or use --no-passphrase to store the key unprotected (not recommended)"])
                }
                passphrase = entered
            }
            let vault = try VaultSetup.initialize(paths: paths, passphrase: passphrase, now: Date())
            let store = try Vault(vault, stateMarks: global.stateMarks)  // creates the database, objects/ and tmp/, and records the init
            let administrator = try store.addAdvocate(name: admin, organisationID: nil, role: .admin)
            global.finish(store)
            if global.json {
                try global.emitJSON(InitResult(id: vault.info.vaultID, vault: paths.root, keyFile: paths.keyFile,
                                               protection: passphrase == nil ? "none" : "passphrase", administrator: administrator))
            } else {
                Terminal.printOut("Created vault \(vault.info.vaultID) in \(paths.root)")
                Terminal.printOut("Key file: \(paths.keyFile) (\(passphrase == nil ? "no passphrase" : "passphrase-protected"))")
                Terminal.printOut("Administrator: \(administrator) (act as them with --as \(administrator) to add organisations and advocates)")
            }
            if paths.keyFileIsInsideVault {
                Terminal.printError("casevault: note: the key file is inside the vault folder; keep a copy somewhere safe and leave it out of backups (see README)")
            }
        }

        struct InitResult: Encodable {
            let id: String
            let vault: String
            let keyFile: String
            let protection: String
            let administrator: String

            enum CodingKeys: String, CodingKey {
                case id, vault, protection, administrator
                case keyFile = "key_file"
            }
        }
    }
}
