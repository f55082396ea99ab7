import CProcessShims
import Foundation
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

/// Encrypted document bodies on disk: `objects/ab/<document-id>`, written through `tmp/` (same file system)
/// with fsync, rename and a folder fsync, so a listed document's body is always complete.
public struct BlobStore: Sendable {
    public let root: String

    public var objects: String { root + "/objects" }
    public var temporary: String { root + "/tmp" }
    public var quarantine: String { root + "/quarantine" }

    public func shard(for documentID: String) -> String {
        let hex = documentID.split(separator: "-").last.map(String.init) ?? documentID
        return objects + "/" + String(hex.prefix(2))
    }

    public func path(for documentID: String) -> String { shard(for: documentID) + "/" + documentID }

    func ensureLayout() throws {
        for folder in [objects, temporary] where try PrivateFiles.status(folder) == nil {
            try PrivateFiles.createPrivateDirectory(folder)
            try PrivateFiles.syncDirectory(root)
        }
    }

    /// Where a body is written before its batch moves it into place.
    func temporaryPath(for documentID: String) -> String { temporary + "/" + documentID + ".tmp" }

    /// Takes away a body that will not be committed (its row did not, or will not, go in).
    func removeTemporary(documentID: String) { unlink(temporaryPath(for: documentID)) }

    /// A new temp file for a body being written; the caller closes it.
    func createTemporary(for documentID: String) throws -> (fd: Int32, path: String) {
        let path = temporaryPath(for: documentID)
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw FileError.system(operation: "create", path: path, errno: errno) }
        return (fd, path)
    }

    /// Makes a batch of written temp files durable with one `syncfs` (one journal commit instead of one
    /// fsync each), moves them into place, and fsyncs each folder that received one. After this returns,
    /// every blob of the batch is durable under its final name.
    func commitBatch(_ documentIDs: [String]) throws {
        guard !documentIDs.isEmpty else { return }
        let fd = open(temporary, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileError.system(operation: "open", path: temporary, errno: errno) }
        defer { close(fd) }
        guard CProcessShims_syncfs(fd) == 0 else { throw FileError.system(operation: "syncfs", path: temporary, errno: errno) }
        var shards = Set<String>()
        var newShard = false
        for id in documentIDs {
            let shard = shard(for: id)
            if !shards.contains(shard), try PrivateFiles.status(shard) == nil {
                if mkdir(shard, 0o700) != 0 && errno != EEXIST { throw FileError.system(operation: "mkdir", path: shard, errno: errno) }
                newShard = true
            }
            shards.insert(shard)
            guard rename(temporaryPath(for: id), path(for: id)) == 0 else {
                throw FileError.system(operation: "rename", path: path(for: id), errno: errno)
            }
        }
        if newShard { try PrivateFiles.syncDirectory(objects) }
        for shard in shards { try PrivateFiles.syncDirectory(shard) }
        try PrivateFiles.syncDirectory(temporary)
    }

    func remove(documentID: String) {
        unlink(path(for: documentID))
    }

    /// Every body file present, by document id.
    func storedDocumentIDs() throws -> [String: String] {
        var found: [String: String] = [:]
        let fm = FileManager.default
        for shard in (try? fm.contentsOfDirectory(atPath: objects)) ?? [] {
            let folder = objects + "/" + shard
            for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] { found[name] = folder + "/" + name }
        }
        return found
    }

    func temporaryLeftovers() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).map { temporary + "/" + $0 }
    }

    /// Moves a file into `quarantine/` (never deletes silently).
    func quarantine(_ path: String) throws {
        if try PrivateFiles.status(quarantine) == nil { try PrivateFiles.createPrivateDirectory(quarantine) }
        let target = quarantine + "/" + (path as NSString).lastPathComponent
        guard rename(path, target) == 0 else { throw FileError.system(operation: "rename", path: path, errno: errno) }
        try PrivateFiles.syncDirectory(quarantine)
    }
}

/// What streaming one file into the vault measured.
struct EncryptedBody {
    var plaintextSize: Int64 = 0
    var ciphertextSize: Int64 = 0
    var ciphertextSHA256: [UInt8] = []
    var contentMAC: [UInt8] = []
    /// The first bytes of the plaintext, kept in memory only, for finding the document date.
    var head: [UInt8] = []
}

/// Streams files into blobs. One writer serves a whole ingest, so its 1 MiB buffers are allocated (and
/// their pages faulted in) once, not once per file; what a file left in them is wiped after each file.
final class BodyWriter {
    static let readSize = 1 << 20
    static let headSize = 64 << 10
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 16)
    private var sink = BufferedSink(fd: -1)

    deinit {
        secureZero(buffer)
        buffer.deallocate()
    }

    /// Reads `input` to its end, encrypting to `output` in constant memory while hashing the ciphertext
    /// and MACing the plaintext. Returns what it measured; the caller fsyncs and commits.
    func encrypt(input: Int32, output: Int32, key: SecureBytes, context: [UInt8], macKey: SecureBytes) throws -> EncryptedBody {
        let encryptor = try CobblestoneEncryptor(key: key, context: context)
        let mac = try HMACSHA256(key: macKey)
        let digest = try StreamingHash(.sha256)
        sink.reset(fd: output)
        var body = EncryptedBody()
        var used = 0
        defer { secureZero(UnsafeMutableRawBufferPointer(rebasing: buffer[0..<used])) }
        try encryptor.header.withUnsafeBytes { header in
            try digest.update(header)
            try sink.write(header)
        }
        var source = FileDescriptorSource(fd: input)
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { break }
            used = max(used, n)
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            if body.head.count < Self.headSize { body.head += chunk.prefix(Self.headSize - body.head.count) }
            try mac.update(chunk)
            try encryptor.update(chunk) { sealed in
                try digest.update(sealed)
                try sink.write(sealed)
            }
            body.plaintextSize += Int64(n)
        }
        try encryptor.finish { sealed in
            try digest.update(sealed)
            try sink.write(sealed)
        }
        try sink.flush()
        body.ciphertextSize = sink.written
        body.ciphertextSHA256 = try digest.finalize()
        body.contentMAC = try mac.finalize()
        return body
    }
}

/// Gathers small writes into 1 MiB `write` calls. Holds only ciphertext.
struct BufferedSink: ByteSink {
    private(set) var fd: Int32
    private var buffer: [UInt8] = []
    private(set) var written: Int64 = 0

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 20)
    }

    mutating func reset(fd: Int32) {
        self.fd = fd
        buffer.removeAll(keepingCapacity: true)
        written = 0
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        var sink = FileDescriptorSink(fd: fd)
        try buffer.withUnsafeBytes { try sink.write($0) }
        written += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }
}
