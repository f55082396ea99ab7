import Foundation
import VaultCrypto

/// Vaults whose keys follow people (issue 17): `init` writes the first administrator's identity instead of a master
/// key file, and opening the vault unlocks one person's identity, which opens only the keys wrapped to it.
extension VaultSetup {
    /// Creates the vault folder (0700), the first administrator's identity file (0600, at `paths.keyFile`) and
    /// vault.json (last: it marks the vault complete). The vault's own keys are made when the database is first opened
    /// (`Vault.init`), wrapped to this identity. On any failure everything this call created is removed again.
    public static func initializeWithIdentity(paths: VaultPaths, passphrase: SecureBytes?, now: Date,
                                              scrypt: Scrypt.Parameters = .passphrase, database: DatabaseLocation? = nil) throws -> OpenedVault {
        let createdFolder = try prepareFolder(paths)
        var wroteIdentity = false
        do {
            let vaultID = UUID().uuidString.lowercased()
            let created = timestamp(now)
            let (file, identity) = try IdentityFile.create(vaultID: vaultID, accountID: try Vault.newID("adv"), passphrase: passphrase,
                                                           createdAt: created, scrypt: scrypt)
            try PrivateFiles.atomicWrite(try file.encoded(), to: paths.keyFile, replacing: false)
            wroteIdentity = true
            let info = VaultInfo(format: VaultInfo.formatName, formatVersion: VaultInfo.currentFormatVersion, vaultID: vaultID, createdAt: created,
                                 database: database)
            try PrivateFiles.atomicWrite(try encode(info), to: paths.infoFile, replacing: false)
            return OpenedVault(paths: paths, info: info, unlock: .identity(file, identity))
        } catch {
            if wroteIdentity { unlink(paths.keyFile) }
            if createdFolder { rmdir(paths.root) }
            throw error
        }
    }

    /// Unlocks an identity file for this vault. `passphrase` is asked only when the file needs one.
    static func openIdentity(_ data: Data, info: VaultInfo, paths: VaultPaths, unlocked: ((IdentityFile) -> UnlockedIdentity?)?,
                             passphrase: () throws -> SecureBytes) throws -> OpenedVault {
        let file = try IdentityFile.decode(data)
        guard file.vaultID == info.vaultID else { throw VaultSetupError.identityOfAnotherVault(identityVault: file.vaultID, expected: info.vaultID) }
        // A cached identity counts only if it is this file's: same vault, account and public keys.
        if file.needsPassphrase, let cached = unlocked?(file), cached.vaultID == file.vaultID, cached.accountID == file.accountID,
           cached.agreementKey.publicKey == (try file.agreementPublicKey), cached.signingKey.publicKey == (try file.signingPublicKey) {
            return OpenedVault(paths: paths, info: info, unlock: .identity(file, cached))
        }
        let identity = try file.unlock(passphrase: file.needsPassphrase ? try passphrase() : nil)
        return OpenedVault(paths: paths, info: info, unlock: .identity(file, identity))
    }

    /// Writes a new person's identity file (0600) where they asked, refusing to replace an existing file.
    public static func writeNewIdentity(_ file: IdentityFile, to path: String) throws {
        try PrivateFiles.atomicWrite(try file.encoded(), to: path, replacing: false)
    }

    /// Where a renewed identity file (`Vault.renewOwnIdentity`) is written inside the renewal's transaction, beside
    /// the old one (same folder, so the rename that replaces it is atomic).
    public static func renewedIdentityPath(for path: String) -> String { path + ".renewed" }

    /// Puts a renewed identity in the old file's place once the vault has committed the new keys. Written first under
    /// its own name, fsynced, then renamed: at every moment the person has a file the vault accepts (the old one
    /// until the commit, the new one after it, under the new name should a crash fall between commit and rename).
    public static func installRenewedIdentity(at path: String) throws {
        guard rename(renewedIdentityPath(for: path), path) == 0 else {
            throw FileError.system(operation: "rename", path: path, errno: errno)
        }
        try PrivateFiles.syncDirectory(PrivateFiles.parentDirectory(of: path))
    }

    /// Replaces an identity file atomically (a changed passphrase).
    public static func replaceIdentity(_ file: IdentityFile, at path: String) throws {
        try PrivateFiles.atomicWrite(try file.encoded(), to: path, replacing: true)
    }
}
