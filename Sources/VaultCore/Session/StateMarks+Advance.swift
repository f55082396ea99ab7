import Foundation
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

extension StateMarks {
    /// Moves the mark to `sequence` (the mark made by `make`) unless the valid mark on disk is already at or past it;
    /// `force` writes it whatever is there (a restore, or an older state someone accepted). Returns whether it wrote.
    ///
    /// The read, the comparison and the write happen under an exclusive lock on a file beside the marks: without it
    /// two writers (two requests of one server, two instances on one machine, or two CLI commands) could both read
    /// the old mark, and the one with the older checkpoint, writing last, would take the mark backwards. flock locks
    /// belong to an open file description, so each call's own open() excludes other threads of this process too.
    @discardableResult
    func advance(vaultID: String, folder: String, to sequence: Int64, publicKey: Ed25519.PublicKey, force: Bool,
                 make: () throws -> StateMark) throws -> Bool {
        try ensureDirectory()
        let lockPath = try path(vaultID: vaultID, folder: folder) + ".lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw FileError.system(operation: "open", path: lockPath, errno: errno) }
        defer { close(fd) }    // closing the descriptor releases the lock
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw FileError.system(operation: "lock", path: lockPath, errno: errno) }
        }
        if !force, case .valid(let current) = try read(vaultID: vaultID, folder: folder, publicKey: publicKey), current.sequence >= sequence {
            return false
        }
        try write(try make(), folder: folder)
        return true
    }

    /// The marks' folder, 0700 (made if missing; an existing one is set back to 0700).
    func ensureDirectory() throws {
        if try PrivateFiles.status(directory) == nil {
            let parent = PrivateFiles.parentDirectory(of: directory)
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            if try PrivateFiles.status(directory) == nil { try PrivateFiles.createPrivateDirectory(directory) }
        }
        guard chmod(directory, 0o700) == 0 else { throw FileError.system(operation: "chmod", path: directory, errno: errno) }
    }
}
