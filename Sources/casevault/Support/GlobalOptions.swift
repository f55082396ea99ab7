import ArgumentParser
import Foundation
import VaultCrypto
import VaultCore

/// The options every command shares (README: scripting contract).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The vault folder (else $CASEVAULT_VAULT, else ./vault).", valueName: "DIR"))
    var vault: String?

    @Option(name: .long, help: ArgumentHelp("Your identity file (else $CASEVAULT_KEYS, else DIR/keys.json); in a vault of an earlier release, its key file.", valueName: "FILE"))
    var keys: String?

    @Option(name: .long, help: ArgumentHelp("Read the passphrase from this file (mode 0600) instead of $CASEVAULT_PASSPHRASE or a prompt.", valueName: "FILE"))
    var passphraseFile: String?

    @Option(name: .customLong("as"), help: ArgumentHelp("The acting advocate id (else $CASEVAULT_ADVOCATE); with identities you act as your identity's account, and naming anyone else is refused.", valueName: "ADVOCATE-ID"))
    var actingAdvocate: String?

    @Option(name: .long, help: ArgumentHelp("Act on the team server's vault (else $CASEVAULT_SERVER; after 'casevault login', its server unless --vault or $CASEVAULT_VAULT names a local vault).", valueName: "URL"))
    var server: String?

    @Flag(name: .long, help: "Print exactly one JSON document on stdout; diagnostics go to stderr.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Open this vault although it is older than the one last used on this computer (else $CASEVAULT_ACCEPT_OLDER_STATE); the reason is recorded in the audit log, in clear, so name no one.", valueName: "REASON"))
    var acceptOlderState: String?

    var paths: VaultPaths {
        let environment = ProcessInfo.processInfo.environment
        let root = vault ?? environment["CASEVAULT_VAULT"] ?? "vault"
        return VaultPaths(root: root, keyFile: keys ?? environment["CASEVAULT_KEYS"])
    }

    /// An empty $CASEVAULT_ADVOCATE (as `export CASEVAULT_ADVOCATE=` leaves it) counts as unset, not as a name.
    var advocate: String? { actingAdvocate ?? ProcessInfo.processInfo.environment["CASEVAULT_ADVOCATE"].flatMap { $0.isEmpty ? nil : $0 } }

    var passphrase: PassphraseSource { PassphraseSource(file: passphraseFile) }

    /// Where this computer keeps each vault's high-water mark ($XDG_STATE_HOME/casevault, else ~/.local/state/casevault).
    var stateMarks: StateMarks? { StateMarks.standard(environment: ProcessInfo.processInfo.environment) }

    /// `--accept-older-state REASON`, else the environment's; an empty reason is a usage error (checked in `validate`).
    var olderStateAcceptance: OlderStateAcceptance? {
        let reason = acceptOlderState ?? ProcessInfo.processInfo.environment["CASEVAULT_ACCEPT_OLDER_STATE"]
        return reason.map { .accepted(reason: $0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    func validate() throws {
        if server != nil && vault != nil {
            throw ValidationError("--server and --vault name two different vaults; give one of them")
        }
        if case .accepted(let reason) = olderStateAcceptance, reason.isEmpty {
            throw ValidationError("--accept-older-state needs a reason (for example: \"restored from last week's backup after the disk failed\")")
        }
    }

    /// Opens with the key file or identity file; an identity this login session unlocked asks for no passphrase.
    func openVault() throws -> OpenedVault {
        try requireLocalVault()
        return try VaultSetup.open(paths: paths, unlocked: IdentitySession.cached(for:)) { try passphrase.read(confirm: false) }
    }

    /// Prints one JSON document (sorted keys) on stdout.
    func emitJSON(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Terminal.printVerbatim(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
