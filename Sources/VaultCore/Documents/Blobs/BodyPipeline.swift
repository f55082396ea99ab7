import CProcessShims
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

extension BodyWriter {
    /// `encrypt` for a large file, overlapped: the file is read and its plaintext MACed on one thread, sealed on
    /// another, and the ciphertext hashed and written here, with the kernel asked to start writing it to disk as
    /// it goes. Same result, same blob; the caller still makes it durable (syncfs, rename, folder fsync) before
    /// its row commits, and removes the temp file if this throws.
    static func encryptOverlapped(input: Int32, output: Int32, key: SecureBytes, context: [UInt8], macKey: SecureBytes) throws -> EncryptedBody {
        let digest = try StreamingHash(.sha256)
        var sink = WriteBehindSink(fd: output)
        let headSize = Self.headSize
        let (read, written) = try OverlappedPipeline().run(
            source: { try PlaintextReadStage(fd: input, macKey: macKey, headSize: headSize) },
            transform: { try CobblestoneEncryptStage(key: key, context: context) },
            consume: { sealed in
                try digest.update(sealed)
                try sink.write(sealed)
            })
        guard written == sink.written else { throw VaultCryptoError.invalidParameter("the ciphertext written differs from the ciphertext sealed") }
        var body = EncryptedBody()
        body.plaintextSize = read.size
        body.ciphertextSize = sink.written
        body.ciphertextSHA256 = try digest.finalize()
        body.contentMAC = read.mac
        body.head = read.head
        return body
    }
}

/// The ingest's reader: the file in whole buffers, its plaintext MACed (duplicate detection) and its first
/// bytes kept for dating and classifying it.
struct PlaintextReadStage: PipelineSource {
    struct Summary: Sendable {
        let size: Int64
        let mac: [UInt8]
        let head: [UInt8]
    }

    private var file: FileReadStage
    private let mac: HMACSHA256
    private let headSize: Int
    private var head: [UInt8] = []

    init(fd: Int32, macKey: SecureBytes, headSize: Int) throws {
        file = try FileReadStage(fd: fd)
        mac = try HMACSHA256(key: macKey)
        self.headSize = headSize
    }

    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try file.fill(buffer)
        let plaintext = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        if head.count < headSize { head += plaintext.prefix(headSize - head.count) }
        try mac.update(plaintext)
        return n
    }

    mutating func finish() throws -> Summary {
        Summary(size: try file.finish().byteCount, mac: try mac.finalize(), head: head)
    }
}

/// Writes a blob and asks the kernel to start writing each full 8 MiB window to disk straight away, waiting
/// for the window four back, so the disk works while we encrypt and the final syncfs finds little left to do.
/// Only a head start: the blob is durable once its batch's syncfs returns, exactly as without it.
struct WriteBehindSink: ByteSink {
    static let window: Int64 = 8 << 20
    static let windowsInFlight: Int64 = 4
    let fd: Int32
    private(set) var written: Int64 = 0
    private var requested: Int64 = 0
    private var hinting = true

    init(fd: Int32) { self.fd = fd }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var sink = FileDescriptorSink(fd: fd)
        try sink.write(bytes)
        written += Int64(bytes.count)
        while hinting, written - requested >= Self.window {
            try startWriteback(requested)
            requested += Self.window
        }
    }

    /// Starts write-back of the window at `offset`, then waits for the one `windowsInFlight` back, which bounds
    /// the dirty pages this blob holds.
    private mutating func startWriteback(_ offset: Int64) throws {
        try hint(CProcessShims_startWriteback(fd, offset, Self.window))
        let older = offset - Self.windowsInFlight * Self.window
        if hinting, older >= 0 { try hint(CProcessShims_awaitWriteback(fd, older, Self.window)) }
    }

    private mutating func hint(_ rc: Int32) throws {
        guard rc != 0 else { return }
        switch errno {
        case EINVAL, ENOSYS, ESPIPE, EOPNOTSUPP:
            hinting = false  // a file or file system that takes no such hint: syncfs does all the work, as before
        default:
            // A write-back error (EIO, ENOSPC): the blob cannot become durable; stop now rather than at syncfs.
            throw VaultCryptoError.io(operation: "sync_file_range", errno: errno)
        }
    }
}
