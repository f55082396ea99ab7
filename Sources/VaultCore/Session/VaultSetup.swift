import Foundation
import VaultModel
import VaultCrypto

/// Where a vault and its key file are.
public struct VaultPaths: Sendable {
    public let root: String
    public let keyFile: String

    public init(root: String, keyFile: String?) {
        self.root = root
        self.keyFile = keyFile ?? (root as NSString).appendingPathComponent("keys.json")
    }

    public var infoFile: String { (root as NSString).appendingPathComponent("vault.json") }
    public var keyFileIsInsideVault: Bool {
        (keyFile as NSString).standardizingPath.hasPrefix((root as NSString).standardizingPath + "/")
    }
}

/// `vault.json`: identifies the folder as a casevault vault and names its id.
public struct VaultInfo: Codable, Sendable, Equatable {
    public static let formatName = "casevault-vault"
    public static let currentFormatVersion = 1

    public var format: String
    public var formatVersion: Int
    public var vaultID: String
    public var createdAt: String
    /// Where the records are when they are not in vault.db (absent in vault.json for a vault.db vault, so files
    /// written by earlier releases read the same).
    public var database: DatabaseLocation?

    enum CodingKeys: String, CodingKey {
        case format, database
        case formatVersion = "format_version"
        case vaultID = "vault_id"
        case createdAt = "created_at"
    }
}

/// An opened vault: its description and the keys this process unlocked (a key file, or a person's identity).
public struct OpenedVault: Sendable {
    public let paths: VaultPaths
    public let info: VaultInfo
    public let unlock: VaultUnlock
    /// A store the caller keeps open across opens (a server's connection pool with its group commit); nil opens the
    /// vault's own, as the CLI does.
    public let sharedStore: (any VaultRecordStore)?

    public init(paths: VaultPaths, info: VaultInfo, unlock: VaultUnlock, sharedStore: (any VaultRecordStore)? = nil) {
        self.paths = paths
        self.info = info
        self.unlock = unlock
        self.sharedStore = sharedStore
    }

    init(paths: VaultPaths, info: VaultInfo, keyFile: KeyFile, keys: UnlockedKeys) {
        self.init(paths: paths, info: info, unlock: .keyFile(keyFile, keys))
    }

    public var keyFile: KeyFile? { unlock.keyFile }
    public var keys: UnlockedKeys? { unlock.keys }
}

public enum VaultSetupError: Error, Equatable, Sendable, CustomStringConvertible {
    case folderNotEmpty(path: String)
    case notAVault(path: String)
    case damagedVaultInfo(path: String)
    case newerFormat(found: Int, supported: Int)
    case keyFileExists(path: String)
    case identityOfAnotherVault(identityVault: String, expected: String)

    public var description: String {
        switch self {
        case .folderNotEmpty(let path): "\(path) already exists and is not empty"
        case .notAVault(let path): "\(path) is not a casevault vault (no vault.json)"
        case .damagedVaultInfo(let path): "the vault description \(path) is damaged or truncated"
        case .newerFormat(let found, let supported):
            "this vault has format version \(found); this casevault understands up to \(supported)"
        case .keyFileExists(let path): "a key file already exists at \(path); refusing to overwrite it"
        case .identityOfAnotherVault(let identityVault, let expected):
            "the identity file belongs to another vault (identity for vault \(identityVault), this vault \(expected))"
        }
    }
}

public enum VaultSetup {
    static func timestamp(_ date: Date) -> String {
        InternetTime.string(from: date)
    }

    /// Creates the vault folder (0700), the key file (0600) and vault.json. Written last, vault.json marks
    /// the vault complete; on any failure everything this call created is removed again.
    public static func initialize(paths: VaultPaths, passphrase: SecureBytes?, now: Date,
                                  scrypt: Scrypt.Parameters = .passphrase, database: DatabaseLocation? = nil) throws -> OpenedVault {
        let createdFolder = try prepareFolder(paths)

        var wroteKeyFile = false
        do {
            let vaultID = UUID().uuidString.lowercased()
            let created = timestamp(now)
            let (keyFile, keys) = try KeyFile.create(vaultID: vaultID, passphrase: passphrase, createdAt: created, scrypt: scrypt)
            try PrivateFiles.atomicWrite(try keyFile.encoded(), to: paths.keyFile, replacing: false)
            wroteKeyFile = true
            let info = VaultInfo(format: VaultInfo.formatName, formatVersion: VaultInfo.currentFormatVersion,
                                 vaultID: vaultID, createdAt: created, database: database)
            try PrivateFiles.atomicWrite(try encode(info), to: paths.infoFile, replacing: false)
            return OpenedVault(paths: paths, info: info, keyFile: keyFile, keys: keys)
        } catch {
            if wroteKeyFile { unlink(paths.keyFile) }
            if createdFolder { rmdir(paths.root) }
            throw error
        }
    }

    /// Opens an existing vault: checks folder and key-file permissions, that the key file belongs to this
    /// vault, then unlocks it. `passphrase` is asked only when the key file needs one.
    /// `unlocked`: an identity this login session already unlocked (`casevault unlock`), used instead of asking for the
    /// passphrase when it is the one in the file.
    public static func open(paths: VaultPaths, unlocked: ((IdentityFile) -> UnlockedIdentity?)? = nil,
                            passphrase: () throws -> SecureBytes) throws -> OpenedVault {
        let info = try readInfo(paths)
        try PrivateFiles.requirePrivate(paths.keyFile, what: .keyFile)
        let data = try PrivateFiles.read(paths.keyFile)
        if IdentityFile.isIdentityFile(data) {
            return try openIdentity(data, info: info, paths: paths, unlocked: unlocked, passphrase: passphrase)
        }
        let keyFile = try KeyFile.decode(data)
        guard keyFile.vaultID == info.vaultID else {
            throw KeyFileError.belongsToAnotherVault(keyFileVault: keyFile.vaultID, expected: info.vaultID)
        }
        let keys: UnlockedKeys
        do {
            keys = try keyFile.unlock(passphrase: keyFile.needsPassphrase ? try passphrase() : nil)
        } catch KeyFileError.wrongPassphrase where keyFile.createdAt != info.createdAt {
            // Both files are written with one creation time at `init`: another vault's key file with an edited
            // vault id fails the passphrase check (the id is bound into it), and this says why.
            throw KeyFileError.madeForAnotherVault(keyFileCreated: keyFile.createdAt, vaultCreated: info.createdAt)
        } catch KeyFileError.damaged where keyFile.createdAt != info.createdAt {
            throw KeyFileError.madeForAnotherVault(keyFileCreated: keyFile.createdAt, vaultCreated: info.createdAt)
        }
        // A key file from before the audit key was stored: its audit key (derived from master version 1 at unlock) is
        // written into it now, once, so that retiring version 1 later cannot take the audit log's key with it.
        if keyFile.auditKey == nil {
            let migrated = try keyFile.storingAuditKey(keys)
            try writeKeyFile(migrated, paths: paths)
            return OpenedVault(paths: paths, info: info, keyFile: migrated, keys: keys)
        }
        return OpenedVault(paths: paths, info: info, keyFile: keyFile, keys: keys)
    }

    /// Checks that the vault folder is absent or empty and private and that no key file is in the way, and creates the
    /// folder; returns whether it did (so a failed set-up removes it again).
    static func prepareFolder(_ paths: VaultPaths) throws -> Bool {
        let existing = try PrivateFiles.status(paths.root)
        if let existing {
            guard existing.isDirectory else { throw FileError.wrongType(subject: .vaultFolder, path: paths.root) }
            guard try FileManager.default.contentsOfDirectory(atPath: paths.root).isEmpty else {
                throw VaultSetupError.folderNotEmpty(path: paths.root)
            }
            try PrivateFiles.requirePrivate(paths.root, what: .vaultFolder)
        }
        if try PrivateFiles.status(paths.keyFile) != nil { throw VaultSetupError.keyFileExists(path: paths.keyFile) }
        if existing == nil { try PrivateFiles.createPrivateDirectory(paths.root) }
        return existing == nil
    }

    public static func readInfo(_ paths: VaultPaths) throws -> VaultInfo {
        try PrivateFiles.requirePrivate(paths.root, what: .vaultFolder)
        guard try PrivateFiles.status(paths.infoFile) != nil else { throw VaultSetupError.notAVault(path: paths.root) }
        try PrivateFiles.requirePrivate(paths.infoFile, what: .vaultFile)
        let info: VaultInfo
        do {
            info = try JSONDecoder().decode(VaultInfo.self, from: PrivateFiles.read(paths.infoFile))
        } catch {
            throw VaultSetupError.damagedVaultInfo(path: paths.infoFile)
        }
        guard info.format == VaultInfo.formatName else { throw VaultSetupError.damagedVaultInfo(path: paths.infoFile) }
        guard info.formatVersion <= VaultInfo.currentFormatVersion else {
            throw VaultSetupError.newerFormat(found: info.formatVersion, supported: VaultInfo.currentFormatVersion)
        }
        return info
    }

    public static func readKeyFile(_ paths: VaultPaths) throws -> KeyFile {
        try PrivateFiles.requirePrivate(paths.keyFile, what: .keyFile)
        return try KeyFile.decode(PrivateFiles.read(paths.keyFile))
    }

    /// Replaces the key file atomically (rotation, retirement).
    public static func writeKeyFile(_ keyFile: KeyFile, paths: VaultPaths) throws {
        try PrivateFiles.atomicWrite(try keyFile.encoded(), to: paths.keyFile, replacing: true)
    }

    static func encode(_ info: VaultInfo) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        var data = try encoder.encode(info)
        data.append(0x0A)
        return data
    }
}
