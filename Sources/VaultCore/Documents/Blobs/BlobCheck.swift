import Foundation
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

/// What `verify` checks in one document's blob. It is made on the calling thread, which reads the database and
/// unwraps the document key, and run on a worker thread, which only reads the file: it holds everything it needs.
struct BlobCheck: Sendable {
    enum Depth: Sendable {
        /// No key (a document of a case this identity holds no key to): the blob exists with the recorded size
        /// and SHA-256.
        case ciphertext
        /// Also the commitment checks and the final chunk (the length) authenticates.
        case ends
        /// Also every chunk decrypts, to the recorded plaintext size (`--read-data`).
        case everyChunk
    }

    let documentID: String
    let path: String
    let ciphertextSize: Int64
    let ciphertextSHA256: [UInt8]
    let plaintextSize: Int64
    let key: SecureBytes?
    let context: [UInt8]
    let depth: Depth

    init(documentID: String, path: String, ciphertextSize: Int64, ciphertextSHA256: [UInt8], plaintextSize: Int64,
         key: SecureBytes?, context: [UInt8], depth: Depth) {
        self.documentID = documentID
        self.path = path
        self.ciphertextSize = ciphertextSize
        self.ciphertextSHA256 = ciphertextSHA256
        self.plaintextSize = plaintextSize
        self.key = key
        self.context = context
        self.depth = key == nil ? .ciphertext : depth
    }

    /// Runs the check; returns the bytes decrypted. Throws the first thing found wrong, as a `VaultError` naming
    /// the document (or a `FileError` if the blob cannot be opened for another reason than being missing).
    func run() throws -> Int64 {
        guard let key, depth != .ciphertext else {
            try checkCiphertext()
            return 0
        }
        let fd = try Vault.openBlob(path: path, documentID: documentID, expectedSize: ciphertextSize)
        defer { close(fd) }
        let sha256: [UInt8]
        let decrypted: Int64
        do {
            // Opening checks the commitment and authenticates the final chunk (the length).
            _ = try CobblestoneReader(source: try FileDescriptorRandomAccess(fd: fd), key: key, context: context)
            if depth == .everyChunk, ciphertextSize >= OverlappedPipeline.worthwhileSize {
                // Read and hashed on one thread, decrypted on another; the plaintext is dropped, not copied.
                let (read, produced) = try OverlappedPipeline.decrypting.run(
                    source: { try FileReadStage(fd: fd, hashing: .sha256) },
                    transform: { [context] in try CobblestoneDecryptStage(key: key, context: context) })
                sha256 = read.digest ?? []
                decrypted = produced
            } else {
                // Read once: hashed as it streams into the decryptor.
                var source = HashingSource(FileDescriptorSource(fd: fd), digest: try StreamingHash(.sha256))
                var counter = CountingSink()
                if depth == .everyChunk {
                    try Cobblestone256.decrypt(from: &source, to: &counter, key: key, context: context)
                } else {
                    try source.drain()
                }
                sha256 = try source.digest.finalize()
                decrypted = counter.count
            }
        } catch let error as VaultCryptoError {
            throw VaultError.blobDamaged(documentID: documentID, reason: error.description)
        }
        try checkDigest(sha256)
        guard depth != .everyChunk || decrypted == plaintextSize else {
            throw VaultError.blobDamaged(documentID: documentID, reason: "it decrypts to \(decrypted) bytes, expected \(plaintextSize)")
        }
        return decrypted
    }

    /// The blob exists with the recorded size and SHA-256 (no key needed).
    private func checkCiphertext() throws {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw VaultError.blobMissing(documentID: documentID) }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw VaultError.blobMissing(documentID: documentID) }
        guard Int64(status.st_size) == ciphertextSize else {
            throw VaultError.blobWrongSize(documentID: documentID, expected: ciphertextSize, found: Int64(status.st_size))
        }
        var source = HashingSource(FileDescriptorSource(fd: fd), digest: try StreamingHash(.sha256))
        try source.drain()
        try checkDigest(try source.digest.finalize())
    }

    /// The GCM tags and the commitment are keyed: whoever holds the document key can seal other content that passes
    /// both. The SHA-256 in the ledgered, signed row is what ties the blob to the bytes that were ingested.
    private func checkDigest(_ sha256: [UInt8]) throws {
        guard constantTimeEquals(sha256, ciphertextSHA256) else {
            throw VaultError.blobDamaged(documentID: documentID, reason: "its SHA-256 differs from the recorded one")
        }
    }
}

/// Hashes everything read through it.
struct HashingSource<Base: ByteSource>: ByteSource {
    var base: Base
    let digest: StreamingHash

    init(_ base: Base, digest: StreamingHash) {
        self.base = base
        self.digest = digest
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        try digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        return n
    }

    /// Reads (and hashes) to the end.
    mutating func drain() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while try read(into: buffer) > 0 {}
    }
}

/// Counts and forgets (verification decrypts without keeping plaintext).
struct CountingSink: ByteSink {
    var count: Int64 = 0
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws { count += Int64(bytes.count) }
}
