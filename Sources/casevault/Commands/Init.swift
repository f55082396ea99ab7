import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

extension CaseVault {
    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a new vault and its first administrator's identity file.",
            discussion: """
            Each person who uses the vault has their own identity file, protected by their own passphrase; keys to a case \
            are wrapped only to the people entitled to it. The identity written here is the first administrator's: they \
            add organisations and accounts (each account's identity file is written by 'advocate add --identity-out'), \
            but hold no key to any case.
            The passphrase is asked twice without echo, or read from --passphrase-file or $CASEVAULT_PASSPHRASE.
            With --no-passphrase the identity's keys are stored unprotected in the file.
            """
        )

        @OptionGroup var global: GlobalOptions

        @Flag(name: .long, help: "Store the identity's keys without a passphrase (anyone who can read the file can act as the administrator).")
        var noPassphrase = false

        @Option(name: .long, help: ArgumentHelp("The name of the vault's first administrator (who adds organisations and advocates).", valueName: "NAME"))
        var admin = "Vault administrator"

        @Option(name: .long, help: ArgumentHelp("Keep the vault's records in this PostgreSQL database (a team's shared server) instead of vault.db: postgresql://USER@HOST:PORT/NAME, or postgresql://USER@/NAME?host=/socket/folder. The password, if the server asks for one, comes from $PGPASSWORD.", valueName: "URL"))
        var database: String?

        /// A vault of the kind earlier releases made (one key file whose master keys open everything), for testing
        /// `migrate` and the commands that still read such vaults. Hidden: nobody should start a new vault this way.
        @Flag(name: .customLong("key-file-vault"), help: .hidden)
        var keyFileVault = false

        func validate() throws {
            if noPassphrase && global.passphraseFile != nil {
                throw ValidationError("--no-passphrase and --passphrase-file contradict each other")
            }
        }

        func run() throws {
            let paths = global.paths
            // Checked before any file is written: an unreachable database, or one that already holds a vault, leaves nothing behind.
            let location = try database.map { try DatabaseLocation(url: $0) }
            if let location { try VaultSetup.checkDatabaseIsFree(location) }
            var passphrase: SecureBytes?
            if noPassphrase {
                Terminal.printError("casevault: warning: the keys are stored unprotected in \(paths.keyFile); anyone who can read that file can act as its owner")
            } else {
                let entered = try global.passphrase.read(confirm: true)
                guard entered.count >= 8 else {
                    throw CLIError("the passphrase is too short (at least 8 characters; a few random words are best)",
                                   hints: ["or use --no-passphrase to store the key unprotected (not recommended)"])
                }
                passphrase = entered
            }
            let vault = keyFileVault ? try VaultSetup.initialize(paths: paths, passphrase: passphrase, now: Date(), database: location)
                : try VaultSetup.initializeWithIdentity(paths: paths, passphrase: passphrase, now: Date(), database: location)
            let store = try Vault(vault, stateMarks: global.stateMarks)  // creates the database, objects/ and tmp/, and records the init
            let administrator = try store.addAdvocate(name: admin, organisationID: nil, role: .admin)
            global.finish(store)
            if global.json {
                try global.emitJSON(InitResult(id: vault.info.vaultID, vault: paths.root, keyFile: paths.keyFile,
                                               protection: passphrase == nil ? "none" : "passphrase", administrator: administrator,
                                               keys: keyFileVault ? "key-file" : "identities"))
            } else if keyFileVault {
                Terminal.printOut("Created vault \(vault.info.vaultID) in \(paths.root)")
                Terminal.printOut("Key file: \(paths.keyFile) (\(passphrase == nil ? "no passphrase" : "passphrase-protected"))")
                Terminal.printOut("Administrator: \(administrator) (act as them with --as \(administrator) to add organisations and advocates)")
            } else {
                Terminal.printOut("Created vault \(vault.info.vaultID) in \(paths.root)")
                Terminal.printOut("Your identity (\(admin), administrator \(administrator)): \(paths.keyFile) (\(passphrase == nil ? "no passphrase" : "passphrase-protected"))")
                Terminal.printOut("Next: add an organisation ('casevault org add NAME'), then its people ('casevault advocate add NAME --org ORG --identity-out FILE').")
            }
            if paths.keyFileIsInsideVault {
                Terminal.printError("casevault: note: the \(keyFileVault ? "key" : "identity") file is inside the vault folder; keep a copy somewhere safe and leave it out of backups (see README)")
            }
        }

        struct InitResult: Encodable {
            let id: String
            let vault: String
            let keyFile: String
            let protection: String
            let administrator: String
            let keys: String

            enum CodingKeys: String, CodingKey {
                case id, vault, protection, administrator, keys
                case keyFile = "key_file"
            }
        }
    }
}
