import Foundation
import XCTest
@testable import VaultCrypto

/// `decryptParallel`: runs of 32 chunks read and opened on worker threads, written in order by the caller. Sizes
/// around chunk and run boundaries, one to three workers, and a failure of each kind.
final class ParallelDecryptTests: XCTestCase {
    let context = Array("casevault/document/v1".utf8) + [0] + Array("vault-1".utf8) + [0] + Array("doc-1".utf8)
    let chunk = Cobblestone256.chunkSize
    let run = ParallelDecryption.chunksPerJob * Cobblestone256.chunkSize

    func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E3779B97F4A7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    func testRoundTripsAtChunkAndRunBoundariesWithOneToThreeWorkers() throws {
        let key = try SecureBytes.random(count: 32)
        for size in [0, 1, chunk - 1, chunk, chunk + 1, run - 1, run, run + 1, 2 * run, 5 * run + chunk + 7] {
            let plaintext = pattern(size, seed: UInt64(size) + 3)
            let sealed = try Cobblestone256.seal(plaintext, key: key, context: context)
            for workers in 1...3 {
                var sink = ArraySink()
                XCTAssertEqual(try Cobblestone256.decryptParallel(source: ArraySource(sealed), to: &sink, key: key, context: context,
                                                                  workers: workers), Int64(size))
                XCTAssertEqual(sink.bytes, plaintext, "size \(size), \(workers) workers")
            }
        }
    }

    /// A real file through `pread`.
    func testAFileDecryptsThroughPread() throws {
        let key = try SecureBytes.random(count: 32)
        let plaintext = pattern((3 << 20) + 5 * chunk + 11, seed: 8)
        let path = NSTemporaryDirectory() + "parallel-\(UUID().uuidString)"
        try Data(try Cobblestone256.seal(plaintext, key: key, context: context)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var sink = ArraySink()
        try Cobblestone256.decryptParallel(source: try FileDescriptorRandomAccess(fd: fd), to: &sink, key: key, context: context)
        XCTAssertEqual(sink.bytes, plaintext)
    }

    func testAFlippedByteReleasesOnlyTheAuthenticRunsBeforeIt() throws {
        let key = try SecureBytes.random(count: 32)
        let plaintext = pattern(6 * run + 100, seed: 9)
        var sealed = try Cobblestone256.seal(plaintext, key: key, context: context)
        let bad = 2 * ParallelDecryption.chunksPerJob + 5  // in the third run
        sealed[Cobblestone256.headerSize + bad * Cobblestone256.sealedChunkSize + 1234] ^= 0x01
        for workers in 1...3 {
            var released = ArraySink()
            XCTAssertThrowsError(try Cobblestone256.decryptParallel(source: ArraySource(sealed), to: &released, key: key, context: context,
                                                                    workers: workers)) {
                XCTAssertEqual($0 as? VaultCryptoError, .authenticationFailure)
            }
            XCTAssertLessThanOrEqual(released.bytes.count, 2 * run, "nothing from the tampered run or after it")
            XCTAssertEqual(released.bytes, Array(plaintext.prefix(released.bytes.count)), "only authentic plaintext, in order")
        }
    }

    func testAWrongContextFailsAtTheCommitmentBeforeAnyChunk() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try Cobblestone256.seal(pattern(3 * run, seed: 1), key: key, context: context)
        var sink = ArraySink()
        XCTAssertThrowsError(try Cobblestone256.decryptParallel(source: ArraySource(sealed), to: &sink, key: key, context: context + [1])) {
            XCTAssertEqual($0 as? VaultCryptoError, .commitmentMismatch)
        }
        XCTAssertEqual(sink.bytes, [])
    }

    /// Cut at a chunk boundary (no short final chunk: the length says so), inside a chunk (the last tag fails), and a
    /// source shorter than it said (a blob cut while it is read).
    func testACutMessageFails() throws {
        let key = try SecureBytes.random(count: 32)
        let plaintext = pattern(3 * run + 50, seed: 2)
        let sealed = try Cobblestone256.seal(plaintext, key: key, context: context)
        let atBoundary = Array(sealed.prefix(Cobblestone256.headerSize + 2 * run / chunk * Cobblestone256.sealedChunkSize))
        let inside = Array(sealed.prefix(sealed.count - 30))
        for (cut, expected) in [(atBoundary, VaultCryptoError.truncated), (inside, .authenticationFailure)] {
            var sink = ArraySink()
            XCTAssertThrowsError(try Cobblestone256.decryptParallel(source: ArraySource(cut), to: &sink, key: key, context: context)) {
                XCTAssertEqual($0 as? VaultCryptoError, expected)
            }
            XCTAssertEqual(sink.bytes, Array(plaintext.prefix(sink.bytes.count)))
        }
        var sink = ArraySink()
        XCTAssertThrowsError(try Cobblestone256.decryptParallel(source: ShortSource(bytes: sealed, claimed: UInt64(sealed.count) + 16_400),
                                                                to: &sink, key: key, context: context)) {
            XCTAssertEqual($0 as? VaultCryptoError, .truncated)
        }
    }

    /// A full disk in the sink stops the workers; its error is the one thrown.
    func testASinkFailureStopsTheWorkers() throws {
        let key = try SecureBytes.random(count: 32)
        let sealed = try Cobblestone256.seal(pattern(40 * run, seed: 4), key: key, context: context)
        let source = CountingSource(bytes: sealed)
        var sink = FailingSink(after: 2)
        XCTAssertThrowsError(try Cobblestone256.decryptParallel(source: source, to: &sink, key: key, context: context, workers: 2)) {
            XCTAssertEqual($0 as? VaultCryptoError, .io(operation: "write", errno: ENOSPC))
        }
        XCTAssertLessThanOrEqual(source.reads.value, 1 + 3 + 4 + 2, "the header, the runs written, and no more than the buffers in flight")
    }
}

/// Says it is longer than it is: a file cut after its size was taken.
private struct ShortSource: RandomAccessByteSource, Sendable {
    let bytes: [UInt8]
    let claimed: UInt64
    var size: UInt64 { claimed }
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try ArraySource(bytes).read(at: offset, into: buffer)
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

private struct CountingSource: RandomAccessByteSource, Sendable {
    let bytes: [UInt8]
    let reads = Counter()
    var size: UInt64 { UInt64(bytes.count) }
    func read(at offset: UInt64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        reads.increment()
        return try ArraySource(bytes).read(at: offset, into: buffer)
    }
}

private struct FailingSink: ByteSink {
    var after: Int
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard after > 0 else { throw VaultCryptoError.io(operation: "write", errno: ENOSPC) }
        after -= 1
    }
}
