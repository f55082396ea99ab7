import CProcessShims
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file received over the network, held in an anonymous memory file until the core's ingest has encrypted it.
/// The web interface's upload form streams each file in here rather than to a temp file in the vault folder: the
/// plaintext then never reaches a disk (only swap, like any memory), and nothing is left behind if the server is
/// killed mid-upload. Writes go straight to the kernel in the caller's chunks, so no whole copy sits in Swift memory.
public final class IngestBuffer: @unchecked Sendable {
    // @unchecked: the descriptor is written by one request's reader, then sealed and only read; `close` is
    // idempotent and runs from the owner (deinit or the request's end), never concurrently with a write.
    private var fd: Int32
    public private(set) var size: Int64 = 0

    public init() throws {
        fd = CProcessShims_memoryFile("casevault-upload")
        guard fd >= 0 else { throw FileError.system(operation: "create", path: "(memory file)", errno: errno) }
    }

    deinit { close() }

    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw FileError.system(operation: "write", path: "(memory file)", errno: EBADF) }
        var offset = 0
        while offset < bytes.count, let base = bytes.baseAddress {
            let written = Glibc.write(fd, base + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileError.system(operation: "write", path: "(memory file)", errno: errno)
            }
            offset += written
        }
        size += Int64(bytes.count)
    }

    /// Freezes the content (no write, growth or shrinking from now on), so what the core reads and checks is what
    /// arrived, and returns the file to ingest under `name` (the name the sender gave; sealed by the core).
    public func sealed(name: [UInt8]) throws -> Vault.IngestFile {
        guard CProcessShims_sealMemoryFile(fd) == 0 else { throw FileError.system(operation: "seal", path: "(memory file)", errno: errno) }
        return Vault.IngestFile(descriptor: fd, originalName: name)
    }

    /// Frees the memory. Any `IngestFile` made from this buffer must not be ingested afterwards.
    public func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }
}
