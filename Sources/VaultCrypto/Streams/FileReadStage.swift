#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pipeline's reader: whole buffers from a descriptor's current offset, optionally hashed as they are read
/// (the ciphertext's SHA-256, for verify). Does not own or close the descriptor.
public struct FileReadStage: PipelineSource {
    public struct Summary: Sendable {
        public let byteCount: Int64
        public let digest: [UInt8]?
    }

    private var source: FileDescriptorSource
    private let digest: StreamingHash?
    private var byteCount: Int64 = 0

    public init(fd: Int32, hashing function: HashFunction? = nil) throws {
        #if os(Linux)
        // Read-ahead for a sequential scan. A hint only: a descriptor that cannot take it reads the same without it.
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        source = FileDescriptorSource(fd: fd)
        digest = try function.map { try StreamingHash($0) }
    }

    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try source.readFully(into: buffer)
        try digest?.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        byteCount += Int64(n)
        return n
    }

    public mutating func finish() throws -> Summary {
        Summary(byteCount: byteCount, digest: try digest?.finalize())
    }
}
