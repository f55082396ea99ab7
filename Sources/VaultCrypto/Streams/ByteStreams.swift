#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where streaming encryption reads from. `read` returns 0 only at the end.
public protocol ByteSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Where streaming encryption writes to. `write` consumes the whole buffer or throws.
public protocol ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws
}

/// Random access to a ciphertext of known size (a file via `pread`, or memory).
public protocol RandomAccessByteSource {
    var size: UInt64 { get }
    /// Fills `buffer` from `offset`; returns fewer bytes only at the end.
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Reads until `buffer` is full or the source ends; returns the count read.
    mutating func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}

/// Reads a file descriptor, retrying on EINTR. Does not own or close the descriptor.
public struct FileDescriptorSource: ByteSource {
    public let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw VaultCryptoError.io(operation: "read", errno: errno)
        }
    }
}

/// Writes a file descriptor, looping over short writes and EINTR. Does not own or close the descriptor.
public struct FileDescriptorSink: ByteSink {
    public let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw VaultCryptoError.io(operation: "write", errno: errno)
            }
            offset += n
        }
    }
}

/// `pread` on a descriptor of known size. Does not own or close the descriptor.
public struct FileDescriptorRandomAccess: RandomAccessByteSource, Sendable {
    public let fd: Int32
    public let size: UInt64

    public init(fd: Int32) throws {
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw VaultCryptoError.io(operation: "fstat", errno: errno) }
        self.fd = fd
        self.size = UInt64(info.st_size)
    }

    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = pread(fd, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset) + off_t(filled))
            if n < 0 {
                if errno == EINTR { continue }
                throw VaultCryptoError.io(operation: "pread", errno: errno)
            }
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}

/// An in-memory source over a byte array.
public struct ArraySource: ByteSource, RandomAccessByteSource, Sendable {
    public let bytes: [UInt8]
    private var position = 0
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var size: UInt64 { UInt64(bytes.count) }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - position)
        bytes.withUnsafeBytes { src in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[position..<(position + n)]))
        }
        position += n
        return n
    }

    public func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < UInt64(bytes.count) else { return 0 }
        let start = Int(offset)
        let n = min(buffer.count, bytes.count - start)
        bytes.withUnsafeBytes { src in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + n)]))
        }
        return n
    }
}

/// An in-memory sink that collects everything written.
public struct ArraySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public mutating func write(_ chunk: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: chunk) }
}
