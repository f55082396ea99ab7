import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File-system rules for everything the vault writes: folders 0700, files 0600, writes atomic and durable.
public enum PrivateFiles {
    /// Bits that must be clear on a private file or folder (group and other: read, write, execute).
    static let groupOtherBits: mode_t = 0o077

    public struct Status: Sendable {
        public let mode: mode_t
        public let isDirectory: Bool
        public let isRegularFile: Bool
        public let ownerID: uid_t
        public let size: UInt64
    }

    /// `lstat` without following links; nil when nothing is there.
    public static func status(_ path: String) throws -> Status? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw FileError.system(operation: "stat", path: path, errno: errno)
        }
        let type = info.st_mode & S_IFMT
        return Status(mode: info.st_mode & 0o7777, isDirectory: type == S_IFDIR, isRegularFile: type == S_IFREG,
                      ownerID: info.st_uid, size: UInt64(info.st_size))
    }

    /// Refuses a secret-bearing file that group or others can read or write, or that someone else owns,
    /// the way ssh refuses a private key (`chmod 600` fixes it).
    public static func requirePrivate(_ path: String, what: FileError.Subject) throws {
        guard let status = try status(path) else { throw FileError.missing(subject: what, path: path) }
        switch what {
        case .vaultFolder:
            guard status.isDirectory else { throw FileError.wrongType(subject: what, path: path) }
        case .keyFile, .passphraseFile, .vaultFile:
            guard status.isRegularFile else { throw FileError.wrongType(subject: what, path: path) }
        }
        if status.mode & groupOtherBits != 0 {
            throw FileError.insecurePermissions(subject: what, path: path, mode: status.mode)
        }
        if status.ownerID != geteuid() {
            throw FileError.wrongOwner(subject: what, path: path)
        }
    }

    /// Creates a folder with mode 0700 whatever the umask.
    public static func createPrivateDirectory(_ path: String) throws {
        guard mkdir(path, 0o700) == 0 else { throw FileError.system(operation: "mkdir", path: path, errno: errno) }
        guard chmod(path, 0o700) == 0 else { throw FileError.system(operation: "chmod", path: path, errno: errno) }
    }

    /// The folder `path` is in ("." for a bare name). Not NSString's deletingLastPathComponent: Foundation on Linux
    /// traps on a one-character name ("k"), which a person may well type for --keys or --output.
    public static func parentDirectory(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        var parent = trimmed[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent = parent.dropLast() }
        return String(parent)
    }

    /// Writes `data` to `path` so that a crash leaves either the old file or the new one, never a mix:
    /// a temp file beside it (same file system), fsync, rename, fsync the folder. Mode 0600.
    /// `replacing: false` refuses to overwrite an existing file.
    public static func atomicWrite(_ data: Data, to path: String, replacing: Bool) throws {
        try atomicWrite(to: path, replacing: replacing) { fd, temporary in try writeAll(data, to: fd, path: temporary) }
    }

    /// The same, for content too large to hold: `produce` writes it to the temp file's descriptor piece by piece (a
    /// download, for one); if it throws, the temp file goes and `path` is untouched.
    public static func atomicWrite(to path: String, replacing: Bool, _ produce: (_ fd: Int32, _ temporary: String) throws -> Void) throws {
        let directory = parentDirectory(of: path)
        let name = (path as NSString).lastPathComponent
        let suffix = try randomSuffix()
        let temporary = (directory as NSString).appendingPathComponent(".\(name).tmp-\(suffix)")
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw FileError.system(operation: "create", path: temporary, errno: errno) }
        var committed = false
        defer {
            if !committed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            guard fchmod(fd, 0o600) == 0 else { throw FileError.system(operation: "chmod", path: temporary, errno: errno) }
            try produce(fd, temporary)
            guard fsync(fd) == 0 else { throw FileError.system(operation: "fsync", path: temporary, errno: errno) }
        }
        if replacing {
            guard rename(temporary, path) == 0 else { throw FileError.system(operation: "rename", path: path, errno: errno) }
        } else {
            // link() fails if the target exists, so a concurrent writer or an existing file is never replaced.
            guard link(temporary, path) == 0 else {
                if errno == EEXIST { throw FileError.alreadyExists(path: path) }
                throw FileError.system(operation: "link", path: path, errno: errno)
            }
            unlink(temporary)
        }
        committed = true
        try syncDirectory(directory)
    }

    /// Whether `path` is a character device (`/dev/null`, a terminal): output goes straight to it, since a temp
    /// file beside it and a rename would mean writing into /dev. Follows links (`/dev/stdout` is one).
    public static func isCharacterDevice(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFCHR
    }

    /// Writes `data` to an existing character device (never creates or truncates anything).
    public static func writeToDevice(_ data: Data, path: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw FileError.system(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFCHR else { throw FileError.alreadyExists(path: path) }
        try writeAll(data, to: fd, path: path)
    }

    static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw FileError.system(operation: "write", path: path, errno: errno)
                }
                offset += n
            }
        }
    }

    /// fsync on a folder makes a rename or create in it durable.
    public static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.system(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw FileError.system(operation: "fsync", path: path, errno: errno) }
    }

    /// Reads a whole small file (key file, vault info).
    public static func read(_ path: String, limit: Int = 1 << 20) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw FileError.system(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileError.system(operation: "read", path: path, errno: errno)
            }
            if n == 0 { break }
            data.append(contentsOf: buffer[0..<n])
            guard data.count <= limit else { throw FileError.tooLarge(path: path) }
        }
        buffer.withUnsafeMutableBytes { bytes in bytes.initializeMemory(as: UInt8.self, repeating: 0) }
        return data
    }

    static func randomSuffix() throws -> String {
        var bytes = [UInt8](repeating: 0, count: 8)
        let fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        guard fd >= 0, Glibc.read(fd, &bytes, 8) == 8 else {
            if fd >= 0 { close(fd) }
            throw FileError.system(operation: "read", path: "/dev/urandom", errno: errno)
        }
        close(fd)
        return bytes.hexString
    }
}

/// File-system failures, naming the path (paths are the user's own, not personal data) and never contents.
public enum FileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Subject: String, Sendable {
        case vaultFolder = "vault folder"
        case keyFile = "key file"
        case passphraseFile = "passphrase file"
        case vaultFile = "vault file"
    }

    case missing(subject: Subject, path: String)
    case wrongType(subject: Subject, path: String)
    case insecurePermissions(subject: Subject, path: String, mode: mode_t)
    case wrongOwner(subject: Subject, path: String)
    case alreadyExists(path: String)
    case tooLarge(path: String)
    case system(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case .missing(let subject, let path): "no \(subject.rawValue) at \(path)"
        case .wrongType(let subject, let path): "\(path) is not a \(subject == .vaultFolder ? "folder" : "regular file") (expected the \(subject.rawValue))"
        case .insecurePermissions(let subject, let path, let mode):
            "the \(subject.rawValue) \(path) has mode \(String(format: "%04o", mode)): group or others can access it"
        case .wrongOwner(let subject, let path): "the \(subject.rawValue) \(path) belongs to another user"
        case .alreadyExists(let path): "\(path) already exists"
        case .tooLarge(let path): "\(path) is larger than expected"
        case .system(let operation, let path, let code): "\(operation) \(path): \(String(cString: strerror(code)))"
        }
    }
}
