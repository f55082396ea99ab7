import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What `restore` accepts: exactly the layout `backup` writes, nothing else. A crafted folder (a symlinked
/// shard, a file outside `objects/xx/<id>`, a wrongly named object) is refused before anything is written, so
/// a restore never follows a link or copies a file it would not have written itself.
enum BackupLayout {
    /// Top-level entries a backup may hold: regular files, and the two folders. SQLite leaves its side files
    /// beside the database copy when `backup` reads it back (they are not restored, as before).
    static let files: Set<String> = ["vault.json", "vault.db", "keys.json", "vault.db-wal", "vault.db-shm", "vault.db-journal"]
    static let folders: Set<String> = ["objects", "tmp"]

    /// The stored bodies (document id → path), or the first thing that is not as `backup` writes it.
    static func check(_ root: String) throws -> [String: String] {
        let blobs = BlobStore(root: root)
        for name in try entries(root) {
            if files.contains(name) {
                try require(root + "/" + name, isFolder: false, why: "\(name) is not a plain file")
            } else if folders.contains(name) {
                try require(root + "/" + name, isFolder: true, why: "\(name) is not a plain folder")
            } else {
                throw refusal("it holds \(name), which a backup never does")
            }
        }
        if try PrivateFiles.status(blobs.temporary) != nil, try !entries(blobs.temporary).isEmpty {
            throw refusal("its tmp folder is not empty")
        }
        var found: [String: String] = [:]
        guard try PrivateFiles.status(blobs.objects) != nil else { return found }
        for shard in try entries(blobs.objects) {
            let folder = blobs.objects + "/" + shard
            guard shard.utf8.count == 2, shard.utf8.allSatisfy(isLowerHex) else { throw refusal("objects/ holds \(shard), not a shard folder") }
            try require(folder, isFolder: true, why: "objects/\(shard) is not a plain folder (a link, or a file)")
            for name in try entries(folder) {
                guard isDocumentID(name), blobs.shard(for: name) == folder else {
                    throw refusal("objects/\(shard) holds \(name), which is not a document of that folder")
                }
                try require(folder + "/" + name, isFolder: false, why: "objects/\(shard)/\(name) is not a plain file")
                found[name] = folder + "/" + name
            }
        }
        return found
    }

    /// `doc-` and 16 lower-case hex digits, as `Vault.newID("doc")` makes them.
    static func isDocumentID(_ name: String) -> Bool {
        let hex = name.utf8.dropFirst(4)
        return name.hasPrefix("doc-") && hex.count == 16 && hex.allSatisfy(isLowerHex)
    }

    static func isLowerHex(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
    }

    static func entries(_ folder: String) throws -> [String] {
        do { return try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
            throw VaultError.invalidInput("the backup folder \(folder) cannot be read; nothing was restored")
        }
    }

    /// lstat, so a link is seen as a link and never followed.
    static func require(_ path: String, isFolder: Bool, why: String) throws {
        guard let status = try PrivateFiles.status(path), isFolder ? status.isDirectory : status.isRegularFile else {
            throw refusal(why)
        }
    }

    static func refusal(_ why: String) -> VaultError {
        .invalidInput("this is not a backup casevault made, or it was changed since: \(why); nothing was restored")
    }
}
