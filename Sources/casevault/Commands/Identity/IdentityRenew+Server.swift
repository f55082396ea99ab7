import Foundation
import VaultClient
import VaultCrypto
import VaultCore

extension CaseVault.IdentityCommand.Renew {
    /// `identity renew` over the team server. The key pairs are made here and only their public halves are sent: the
    /// server rewraps the account's keys to them with the session's (old) identity, and never sees a new private key.
    ///
    /// The new file is written beside the old one (`FILE.renewed`, 0600) before anything is sent, and takes the old
    /// one's place only once the server has answered that it holds the keys. Should that answer be lost after the
    /// server committed, the old file opens nothing, but the waiting file does: a second run finds it, sends its keys
    /// again (never new ones), and if the server already took them (its renewal ended the old session) a login with
    /// the waiting file proves it. At no moment is the person left with only a file that opens nothing.
    func runOnServer(_ target: ServerTarget) throws {
        guard !noPassphrase else {
            throw CLIError("the server refuses an identity file without a passphrase (over a network it is the second thing a thief would need)",
                           hints: ["run it again without --no-passphrase"], exitCode: 64)
        }
        let path = global.paths.keyFile
        let pending = VaultSetup.renewedIdentityPath(for: path)
        let current = try IdentityFile.decode(try PrivateFiles.read(path, limit: Self.identityLimit))
        let resuming = FileManager.default.fileExists(atPath: pending)
        let file: IdentityFile
        let passphrase: SecureBytes
        if resuming {
            file = try IdentityFile.decode(try PrivateFiles.read(pending, limit: Self.identityLimit))
            guard file.vaultID == current.vaultID, file.accountID == current.accountID else {
                throw CLIError("\(pending) is not a renewal of \(path) (another account or vault); nothing was sent",
                               hints: ["move it away if it is not yours, then run this again"])
            }
            Terminal.printError("Finishing an earlier renewal whose answer did not arrive, with the keys of \(pending).")
            passphrase = try Self.pendingPassphrase()
            // Checked here, so a wrong passphrase never reaches the server (where failed logins count towards a lock-out).
            _ = try file.unlock(passphrase: passphrase)
        } else {
            guard let chosen = try NewPassphrase.read(noPassphrase: false, for: "your new") else { throw CLIError("a passphrase is needed") }
            passphrase = chosen
            file = try IdentityFile.create(vaultID: current.vaultID, accountID: current.accountID, passphrase: passphrase,
                                           createdAt: ISO8601DateFormatter().string(from: Date())).0
            try VaultSetup.writeNewIdentity(file, to: pending)
        }
        let renewed: VaultAPI.Renewed?
        do {
            renewed = try target.api.renewIdentity(agreementPublic: try file.agreementPublicKey, signingPublic: try file.signingPublicKey)
        } catch ClientError.sessionEnded where resuming {
            renewed = nil  // perhaps by the earlier renewal itself: the login below says whether the server holds these keys
        } catch let error as ClientError {
            if !resuming, Self.answered(error) {
                // The server answered and changed nothing: the new file would open nothing, so it goes.
                unlink(pending)
                throw error
            }
            throw CLIError("\(ServerErrors.present(error).message); it is not known whether the server took your new keys",
                           hints: ["your new identity waits in \(pending) and your old one is unchanged: run 'casevault identity renew' again "
                                   + "to finish (it sends the same keys again, with the same new passphrase)"])
        }
        let loggedIn = try logIn(target, file: file, passphrase: passphrase, proving: renewed == nil, pending: pending)
        try install(pending, at: path)
        if !loggedIn {
            Terminal.printError("casevault: your session ended with the old identity; log in again with: casevault login --server \(target.server)")
        }
        let whom = renewed.map { Self.whom($0) } ?? "whoever confirms accounts of your organisation (a manager, or an advocate of one with no manager)"
        try report(RenewedJSON(account: current.accountID, identityFile: path, fingerprint: try file.fingerprint, keysRewrapped: renewed?.keysRewrapped),
                   confirmers: whom)
    }

    static let identityLimit = 64 * 1024

    /// Logs in with the new file (the renewal ended the old identity's session). `proving`: the renewal's answer was
    /// lost, so this login is what shows the server holds the new keys; failing, nothing is installed.
    func logIn(_ target: ServerTarget, file: IdentityFile, passphrase: SecureBytes, proving: Bool, pending: String) throws -> Bool {
        do {
            let api = try VaultAPI(server: try target.session.address, trust: target.session.trust)
            // An account with login codes on: on a terminal the code is asked for, as `login` asks.
            let result = try CaseVault.Login.logIn(api, identityFile: [UInt8](try file.encoded()), passphrase: passphrase, loginCode: nil)
            try global.sessionFile.write(ServerSession(server: try target.session.address, login: result, ca: target.session.ca, now: Date()))
            return true
        } catch {
            guard proving else { return false }
            throw CLIError("the server does not accept \(pending) either; nothing was changed on this computer",
                           hints: ["log in with your current identity file (casevault login --server \(target.server)), then run 'casevault identity renew' "
                                   + "again: it sends the keys of \(pending) again",
                                   "if you have turned login codes on, log in with \(pending) and --totp CODE first: if that works, move it to your identity file's place"])
        }
    }

    /// A definite answer, after which the server holds nothing of this renewal.
    static func answered(_ error: ClientError) -> Bool {
        switch error {
        case .refused, .failed, .sessionEnded, .notLoggedIn, .certificateRejected, .unreachable: true
        default: false
        }
    }

    /// Whom to read the fingerprint to, in the core's words, as locally.
    static func whom(_ renewed: VaultAPI.Renewed) -> String {
        Vault.Confirmers(organisation: renewed.organisation, names: renewed.confirmers,
                         role: AccountRole(rawValue: renewed.confirmedBy) ?? .manager).whom
    }

    /// The passphrase of the waiting file: the one chosen for it ($CASEVAULT_NEW_PASSPHRASE, else asked once).
    static func pendingPassphrase() throws -> SecureBytes {
        if let fromEnvironment = ProcessInfo.processInfo.environment["CASEVAULT_NEW_PASSPHRASE"] {
            return SecureBytes(copying: Array(fromEnvironment.utf8))
        }
        return try Terminal.readSecret(prompt: "The passphrase you chose for your new identity: ")
    }
}
