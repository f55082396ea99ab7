import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Names for messages: control characters and bytes that are not UTF-8 are escaped, so a file called
/// "a\nb" cannot forge a line of output.
public enum DisplayName {
    public static func escape(_ bytes: [UInt8]) -> String {
        var out = ""
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                switch byte {
                case 0x0A: out += "\\n"
                case 0x0D: out += "\\r"
                case 0x09: out += "\\t"
                case 0x5C: out += "\\\\"
                case 0..<0x20, 0x7F: out += String(format: "\\x%02x", byte)
                default: out.unicodeScalars.append(Unicode.Scalar(byte))
                }
                index += 1
                continue
            }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if index + length <= bytes.count, let text = String(validating: bytes[index..<(index + length)], as: UTF8.self), length > 1 {
                out += text
                index += length
            } else {
                out += String(format: "\\x%02x", byte)
                index += 1
            }
        }
        return out
    }
}

/// Expands the paths given to `ingest` into files: folders recursively, hidden entries and symlinks
/// skipped unless asked (and reported), symlink loops cut by remembering each folder's device and inode.
public struct InputWalker {
    public var includeHidden = false
    public var followSymlinks = false

    public struct Skipped: Sendable {
        /// Why an entry was left out: the first two are choices a front end can offer to change.
        public enum Kind: Sendable { case hidden, symbolicLink, other }
        public let path: String
        public let reason: String
        public var kind: Kind = .other
    }

    public init(includeHidden: Bool, followSymlinks: Bool) {
        self.includeHidden = includeHidden
        self.followSymlinks = followSymlinks
    }

    public func expand(_ paths: [String]) -> (files: [Vault.IngestFile], skipped: [Skipped]) {
        var files: [Vault.IngestFile] = []
        var skipped: [Skipped] = []
        var visited = Set<String>()
        for path in paths {
            walk(Array(path.utf8), topLevel: true, files: &files, skipped: &skipped, visited: &visited)
        }
        return (files, skipped)
    }

    private func walk(_ path: [UInt8], topLevel: Bool, files: inout [Vault.IngestFile], skipped: inout [Skipped], visited: inout Set<String>) {
        let display = DisplayName.escape(path)
        let name = Array(path.split(separator: UInt8(ascii: "/")).last ?? [])
        var info = stat()
        let cPath = path + [0]
        let linkStatus = cPath.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &info) } }
        guard linkStatus == 0 else {
            // Unreadable or vanished entries go to ingest, which reports the exact error for that file.
            files.append(Vault.IngestFile(pathBytes: path, originalName: name))
            return
        }
        if !topLevel && !includeHidden && name.first == UInt8(ascii: ".") {
            skipped.append(Skipped(path: display, reason: "hidden file (left out unless hidden files are asked for)", kind: .hidden))
            return
        }
        var resolved = path
        if info.st_mode & S_IFMT == S_IFLNK {
            guard followSymlinks else {
                skipped.append(Skipped(path: display, reason: "symbolic link (left out unless links are to be followed)", kind: .symbolicLink))
                return
            }
            let target = cPath.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &info) } }
            guard target == 0 else {
                skipped.append(Skipped(path: display, reason: "broken symbolic link"))
                return
            }
            // Ingest opens with O_NOFOLLOW, so hand it the link's real target (the name stays the link's).
            if info.st_mode & S_IFMT == S_IFREG,
               let real = cPath.withUnsafeBufferPointer({ $0.withMemoryRebound(to: CChar.self) { realpath($0.baseAddress!, nil) } }) {
                resolved = Array(UnsafeBufferPointer(start: UnsafeRawPointer(real).assumingMemoryBound(to: UInt8.self), count: strlen(real)))
                free(real)
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG:
            files.append(Vault.IngestFile(pathBytes: resolved, originalName: name))
        case S_IFDIR:
            let identity = "\(info.st_dev):\(info.st_ino)"
            guard !visited.contains(identity) else {
                skipped.append(Skipped(path: display, reason: "folder already visited (symbolic link loop)"))
                return
            }
            visited.insert(identity)
            guard let directory = cPath.withUnsafeBufferPointer({ $0.withMemoryRebound(to: CChar.self) { opendir($0.baseAddress!) } }) else {
                skipped.append(Skipped(path: display, reason: "cannot open folder: \(String(cString: strerror(errno)))"))
                return
            }
            var entries: [[UInt8]] = []
            while let entry = readdir(directory) {
                let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
                if entryName == [UInt8(ascii: ".")] || entryName == [UInt8(ascii: "."), UInt8(ascii: ".")] { continue }
                entries.append(entryName)
            }
            closedir(directory)
            for entryName in entries.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                let child = (path.last == UInt8(ascii: "/") ? path : path + [UInt8(ascii: "/")]) + entryName
                walk(child, topLevel: false, files: &files, skipped: &skipped, visited: &visited)
            }
        default:
            skipped.append(Skipped(path: display, reason: "not a regular file"))
        }
    }
}
