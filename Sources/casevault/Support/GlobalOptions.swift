import ArgumentParser
import Foundation
import VaultCrypto
import VaultStore

/// The options every command shares (README: scripting contract).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The vault folder (else $CASEVAULT_VAULT, else ./vault).", valueName: "DIR"))
    var vault: String?

    @Option(name: .long, help: ArgumentHelp("The key file (else $CASEVAULT_KEYS, else DIR/keys.json).", valueName: "FILE"))
    var keys: String?

    @Option(name: .long, help: ArgumentHelp("Read the passphrase from this file (mode 0600) instead of $CASEVAULT_PASSPHRASE or a prompt.", valueName: "FILE"))
    var passphraseFile: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("The acting advocate id (else $CASEVAULT_ADVOCATE).", valueName: "ADVOCATE-ID"))
    var actingAdvocate: String?

    @Flag(name: .long, help: "Print exactly one JSON document on stdout; diagnostics go to stderr.")
    var json = false

    var paths: VaultPaths {
        let environment = ProcessInfo.processInfo.environment
        let root = vault ?? environment["CASEVAULT_VAULT"] ?? "vault"
        return VaultPaths(root: root, keyFile: keys ?? environment["CASEVAULT_KEYS"])
    }

    var advocate: String? { actingAdvocate ?? ProcessInfo.processInfo.environment["CASEVAULT_ADVOCATE"] }

    var passphrase: PassphraseSource { PassphraseSource(file: passphraseFile) }

    func openVault() throws -> OpenedVault {
        try VaultSetup.open(paths: paths) { try passphrase.read(confirm: false) }
    }

    /// Prints one JSON document (sorted keys) on stdout.
    func emitJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Terminal.printVerbatim(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
