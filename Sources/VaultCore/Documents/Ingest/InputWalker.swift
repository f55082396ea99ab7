import Foundation
#if canImport(Glibc)
import Glibc
#endif

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
        let display = DisplayText.escaped(bytes: path)
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
