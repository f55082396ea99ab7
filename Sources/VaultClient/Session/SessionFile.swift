import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where the session lives and how it is written: `$CASEVAULT_SESSION_FILE`, else `$XDG_CONFIG_HOME/casevault/session`,
/// else `~/.config/casevault/session`. The file is 0600 and its folder 0700, both ours; one that group or others can
/// reach is refused (as ssh refuses a private key), not silently used. Writes are atomic: a temp file beside it,
/// fsync, rename, fsync the folder, so a crash leaves the old session or the new one.
public struct SessionFile: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public static func standard(environment: [String: String]) -> SessionFile {
        if let path = environment["CASEVAULT_SESSION_FILE"], !path.isEmpty { return SessionFile(path: path) }
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return SessionFile(path: config + "/casevault/session")
    }

    var folder: String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The session, or nil when there is none.
    public func read() throws -> ServerSession? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw ClientError.sessionFile(path: path, reason: String(cString: strerror(errno)))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw ClientError.sessionFile(path: path, reason: "it is not a regular file") }
        try requirePrivate(info, path, expected: "600")
        var folderInfo = stat()
        if stat(folder, &folderInfo) == 0 { try requirePrivate(folderInfo, folder, expected: "700") }
        guard let data = FileManager.default.contents(atPath: path), data.count < 1 << 20 else {
            throw ClientError.sessionFile(path: path, reason: "it cannot be read")
        }
        guard let session = try? JSONDecoder().decode(ServerSession.self, from: data), session.format == ServerSession.formatName else {
            throw ClientError.sessionFile(path: path, reason: "it is not a casevault session file")
        }
        guard session.version <= ServerSession.currentVersion else {
            throw ClientError.sessionFile(path: path, reason: "it was written by a newer casevault")
        }
        return session
    }

    public func write(_ session: ServerSession) throws {
        try makeFolder()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(session))
        defer { bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        let temporary = folder + "/.session.tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw failure("create", temporary) }
        var committed = false
        defer { if !committed { unlink(temporary) } }
        do {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw failure("chmod", temporary) }
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw failure("write", temporary)
                }
                offset += n
            }
            guard fsync(fd) == 0 else { throw failure("fsync", temporary) }
        }
        guard rename(temporary, path) == 0 else { throw failure("rename", path) }
        committed = true
        syncFolder()
    }

    /// Removes the session; true if there was one.
    @discardableResult
    public func delete() throws -> Bool {
        guard unlink(path) == 0 else {
            if errno == ENOENT { return false }
            throw failure("remove", path)
        }
        syncFolder()
        return true
    }

    /// The folder (and any missing parent) made 0700; an existing folder others can reach is refused.
    private func makeFolder() throws {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw ClientError.sessionFile(path: path, reason: "\(folder) is not a folder") }
            try requirePrivate(info, folder, expected: "700")
            return
        }
        var built = folder.hasPrefix("/") ? "" : "."
        for part in folder.split(separator: "/") {
            built += "/" + part
            if mkdir(built, 0o700) != 0 && errno != EEXIST { throw failure("mkdir", built) }
        }
        guard chmod(folder, 0o700) == 0 else { throw failure("chmod", folder) }
    }

    private func requirePrivate(_ info: stat, _ path: String, expected: String) throws {
        if info.st_mode & 0o077 != 0 {
            throw ClientError.sessionFile(path: self.path, reason: "\(path) has mode \(String(format: "%04o", info.st_mode & 0o7777)): "
                                          + "group or others can reach it (run: chmod \(expected) '\(path)')")
        }
        if info.st_uid != geteuid() { throw ClientError.sessionFile(path: self.path, reason: "\(path) belongs to another user") }
    }

    private func syncFolder() {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { _ = fsync(fd); close(fd) }
    }

    private func failure(_ operation: String, _ path: String) -> ClientError {
        .sessionFile(path: self.path, reason: "\(operation) \(path): \(String(cString: strerror(errno)))")
    }
}
