import Foundation
import VaultCrypto
import VaultCore

/// `casevault unlock` keeps the unlocked identity in the Linux kernel keyring (the login session's keyring, with the
/// timeout as the key's expiry), so later commands in that session ask for no passphrase. The keys are never written
/// to disk; `casevault lock` removes them. The cached value is only used for the identity file it came from.
enum IdentitySession {
    static func description(vaultID: String, accountID: String) -> String { "casevault:\(vaultID):\(accountID)" }

    /// The cached identity for this file, if this session unlocked it and the unlock has not expired. Expiry and a
    /// kernel without keyrings are not errors: the caller asks for the passphrase (and says why, for expiry).
    static func cached(for file: IdentityFile) -> UnlockedIdentity? {
        do {
            guard let bytes = try KernelKeyring.read(description: description(vaultID: file.vaultID, accountID: file.accountID)),
                  bytes.count == X25519.keySize + Ed25519.seedSize else { return nil }
            return UnlockedIdentity(vaultID: file.vaultID, accountID: file.accountID,
                                    agreementKey: try X25519.PrivateKey(rawRepresentation: bytes.slice(0..<X25519.keySize)),
                                    signingKey: try Ed25519.PrivateKey(seed: bytes.slice(X25519.keySize..<bytes.count)))
        } catch KernelKeyringError.expired {
            Terminal.printError("casevault: note: your unlock of this identity has expired; asking for the passphrase ('casevault unlock' starts a new one)")
            return nil
        } catch {
            return nil
        }
    }

    static func store(_ identity: UnlockedIdentity, timeoutSeconds: UInt32) throws {
        var raw = identity.agreementKey.rawRepresentation.unsafeCopyToArray() + identity.signingKey.seed.unsafeCopyToArray()
        defer { secureZero(&raw) }
        try KernelKeyring.store(description: description(vaultID: identity.vaultID, accountID: identity.accountID),
                                secret: SecureBytes(copying: raw), timeoutSeconds: timeoutSeconds)
    }

    @discardableResult
    static func remove(vaultID: String, accountID: String) throws -> Bool {
        try KernelKeyring.remove(description: description(vaultID: vaultID, accountID: accountID))
    }
}

/// A new passphrase for an identity file: `$CASEVAULT_NEW_PASSPHRASE`, else asked twice without echo; nil with
/// `--no-passphrase`.
enum NewPassphrase {
    static func read(noPassphrase: Bool, for whom: String) throws -> SecureBytes? {
        if noPassphrase { return nil }
        let entered: SecureBytes
        if let fromEnvironment = ProcessInfo.processInfo.environment["CASEVAULT_NEW_PASSPHRASE"] {
            entered = SecureBytes(copying: Array(fromEnvironment.utf8))
        } else {
            Terminal.printError("Choose a passphrase for \(whom)'s identity file (they will need it to open the vault).")
            let first = try Terminal.readSecret(prompt: "New passphrase: ")
            let second = try Terminal.readSecret(prompt: "New passphrase (again): ")
            guard first == second else { throw CLIError("the two passphrases differ", hints: ["run the command again"]) }
            entered = first
        }
        guard entered.count >= 8 else {
            throw CLIError("the passphrase is too short (at least 8 characters; a few random words are best)",
                           hints: ["or use --no-passphrase to write the identity unprotected (not recommended)"])
        }
        return entered
    }
}

/// A new identity file the person asked for (`--identity-out`): refused if the path is taken, written inside the
/// core's transaction (so a file that cannot be written records nothing), and removed again if that transaction then
/// fails, so no file is left for keys the vault does not know.
enum IdentityOutput {
    static func requireFree(_ path: String) throws {
        if FileManager.default.fileExists(atPath: path) {
            throw CLIError("\(path) already exists; refusing to overwrite it", hints: ["choose a new file name"])
        }
    }

    static func delivering<T>(to path: String, _ body: (_ deliver: @escaping (IdentityFile) throws -> Void) throws -> T) throws -> T {
        var wrote = false
        do {
            return try body { identity in
                try VaultSetup.writeNewIdentity(identity, to: path)
                wrote = true
            }
        } catch {
            if wrote { unlink(path) }
            throw error
        }
    }
}
