import Foundation
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

/// The high-water mark of a vault: the newest signed audit checkpoint this machine has seen. It lives outside the
/// vault folder, so putting an older copy of the folder in place (or cutting the end off its audit log) cannot
/// take the mark back with it. Signed with the vault's Ed25519 key: a mark cannot be forged without the key file.
public struct StateMark: Codable, Sendable, Equatable {
    public static let formatName = "casevault-state-mark/v1"
    /// v2 also names the state digest the checkpoint signed (issue 18): the mark pins the whole state, not only the log.
    public static let formatV2 = "casevault-state-mark/v2"

    public var format = StateMark.formatName
    public var vaultID: String
    public var sequence: Int64
    public var headMAC: String
    /// When the mark was written (the "last used on" of a refusal).
    public var time: String
    public var signature: String
    public var stateDigest: String?

    enum CodingKeys: String, CodingKey {
        case format, sequence, time, signature
        case vaultID = "vault_id"
        case headMAC = "head_mac"
        case stateDigest = "state_digest"
    }

    var signedBytes: [UInt8] {
        let v1 = Array(format.utf8) + [0] + Array(vaultID.utf8) + [0] + Array(String(sequence).utf8) + [0] + Array(headMAC.utf8) + [0] + Array(time.utf8)
        return format == Self.formatV2 ? v1 + [0] + Array((stateDigest ?? "").utf8) : v1
    }

    static func sign(vaultID: String, sequence: Int64, headMAC: String, time: String, stateDigest: String? = nil,
                     key: Ed25519.PrivateKey) throws -> StateMark {
        var mark = StateMark(vaultID: vaultID, sequence: sequence, headMAC: headMAC, time: time, signature: "")
        if let stateDigest {
            mark.format = Self.formatV2
            mark.stateDigest = stateDigest
        }
        mark.signature = try key.signature(for: mark.signedBytes).hexString
        return mark
    }

    func hasValidSignature(_ publicKey: Ed25519.PublicKey) -> Bool {
        guard format == Self.formatName || (format == Self.formatV2 && stateDigest != nil), let signature = Self.bytes(hex: signature) else { return false }
        return publicKey.isValidSignature(signature, for: signedBytes)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            out.append(byte)
        }
        return out
    }
}

/// The folder of marks, one file per vault id and vault folder: `$XDG_STATE_HOME/casevault` (else `~/.local/state/casevault`).
public struct StateMarks: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The XDG base-directory rule: `XDG_STATE_HOME` when it is an absolute path, else `$HOME/.local/state`.
    /// nil when neither is known (no home): then there is nowhere to keep a mark.
    public static func standard(environment: [String: String]) -> StateMarks? {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return StateMarks(directory: (state as NSString).appendingPathComponent("casevault"))
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        return StateMarks(directory: (home as NSString).appendingPathComponent(".local/state/casevault"))
    }

    /// What is on disk for a vault.
    enum Found {
        case none
        case valid(StateMark)
        /// There is a file, but it does not decode, names another vault or its signature is wrong.
        case invalid(path: String)
    }

    /// One mark per vault id and folder: a rollback replaces the folder the advocate uses, so that folder's mark
    /// catches it, while a backup or a restored copy in another folder (checked, opened read-only) keeps its own mark
    /// and never makes the working vault look older. vault.json can be edited, so its id is checked before it
    /// becomes part of a path; the folder enters as a hash of its real path.
    func path(vaultID: String, folder: String) throws -> String {
        guard !vaultID.isEmpty, vaultID.count <= 64, vaultID.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || isalnum(Int32($0)) != 0 }) else {
            throw VaultError.invalidInput("the vault id \(vaultID.prefix(64)) in vault.json is not a valid id")
        }
        var resolved = folder
        if let real = realpath(folder, nil) {
            resolved = String(cString: real)
            free(real)
        }
        let digest = try HashFunction.sha256.hash(Array(resolved.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        return (directory as NSString).appendingPathComponent(vaultID + "-" + digest + ".json")
    }

    func read(vaultID: String, folder: String, publicKey: Ed25519.PublicKey) throws -> Found {
        try load(vaultID: vaultID, folder: folder).checked(vaultID: vaultID, publicKey: publicKey)
    }

    /// What is on disk before its signature is checked: an open reads the mark before the vault's key is unwrapped,
    /// so that the rows the mark names are read in the open's one transaction (Vault+OpenReads).
    enum Loaded {
        case none
        case decoded(StateMark, path: String)
        case undecodable(path: String)

        var sequence: Int64? { if case .decoded(let mark, _) = self { mark.sequence } else { nil } }

        func checked(vaultID: String, publicKey: Ed25519.PublicKey) -> Found {
            switch self {
            case .none: return .none
            case .undecodable(let path): return .invalid(path: path)
            case .decoded(let mark, let path):
                guard mark.vaultID == vaultID, mark.hasValidSignature(publicKey) else { return .invalid(path: path) }
                return .valid(mark)
            }
        }
    }

    func load(vaultID: String, folder: String) throws -> Loaded {
        let path = try path(vaultID: vaultID, folder: folder)
        guard try PrivateFiles.status(path) != nil else { return .none }
        guard let mark = try? JSONDecoder().decode(StateMark.self, from: PrivateFiles.read(path, limit: 64 << 10)) else { return .undecodable(path: path) }
        return .decoded(mark, path: path)
    }

    /// Atomic (temp file, fsync, rename), mode 0600 in a 0700 folder: a crash leaves the old mark or the new one.
    /// Callers that move a mark go through `advance` (StateMarks+Advance.swift), which never takes it backwards.
    func write(_ mark: StateMark, folder: String) throws {
        try ensureDirectory()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try PrivateFiles.atomicWrite(try encoder.encode(mark), to: try path(vaultID: mark.vaultID, folder: folder), replacing: true)
    }
}
