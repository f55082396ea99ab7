import Foundation
import XCTest
@testable import VaultCrypto

/// The three-thread pipeline with the real Cobblestone stages and OpenSSL, at sizes around chunk and buffer
/// boundaries, and with a failure in each stage.
final class OverlappedPipelineTests: XCTestCase {
    let context = Array("casevault/document/v1".utf8) + [0] + Array("vault-1".utf8) + [0] + Array("doc-1".utf8)
    let chunk = Cobblestone256.chunkSize
    /// Small buffers of odd sizes, so a run of a few chunks crosses many buffer boundaries in every lane.
    let small = OverlappedPipeline(inputBufferSize: 3 * 16384 + 5, outputBufferSize: 40_000, buffersPerLane: 2)

    func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E3779B97F4A7C15 | 1
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    func encrypt(_ plaintext: [UInt8], key: SecureBytes, pipeline: OverlappedPipeline) throws -> [UInt8] {
        var out: [UInt8] = []
        let context = context
        let (read, written) = try pipeline.run(source: { MemoryStage(bytes: plaintext) },
                                               transform: { try CobblestoneEncryptStage(key: key, context: context) },
                                               consume: { out.append(contentsOf: $0) })
        XCTAssertEqual(read, Int64(plaintext.count))
        XCTAssertEqual(written, Int64(out.count))
        return out
    }

    func decrypt(_ ciphertext: [UInt8], key: SecureBytes, pipeline: OverlappedPipeline, into out: inout [UInt8]) throws -> Int64 {
        let context = context
        return try pipeline.run(source: { MemoryStage(bytes: ciphertext) },
                                transform: { try CobblestoneDecryptStage(key: key, context: context) },
                                consume: { out.append(contentsOf: $0) }).1
    }

    func testRoundTripsAtChunkAndBufferBoundaries() throws {
        let key = try SecureBytes.random(count: 32)
        let input = small.inputBufferSize
        let sizes = [0, 1, chunk - 1, chunk, chunk + 1, input - 1, input, input + 1, 2 * input, 6 * chunk, 20 * chunk + 5]
        let full = OverlappedPipeline().inputBufferSize
        for (pipeline, sizes) in [(small, sizes), (OverlappedPipeline(), [full - 1, full, full + 1, 5 * full + chunk + 1])] {
            for size in sizes {
                let plaintext = pattern(size, seed: UInt64(size) + 11)
                let sealed = try encrypt(plaintext, key: key, pipeline: pipeline)
                XCTAssertEqual(UInt64(sealed.count), Cobblestone256.ciphertextSize(forPlaintextSize: UInt64(size)), "size \(size)")
                XCTAssertEqual(try Cobblestone256.open(sealed, key: key, context: context), plaintext, "one-thread open of \(size)")
                var back: [UInt8] = []
                XCTAssertEqual(try decrypt(sealed, key: key, pipeline: pipeline, into: &back), Int64(size))
                XCTAssertEqual(back, plaintext, "pipeline round trip of \(size)")
            }
        }
    }

    /// A real file through the file reader (fadvise, whole-buffer reads, hashing) and the default buffers.
    func testFileReaderHashesWhatItReadsAndDecryptsToASink() throws {
        let key = try SecureBytes.random(count: 32)
        let plaintext = pattern((2 << 20) + 3 * chunk + 7, seed: 5)
        let sealed = try Cobblestone256.seal(plaintext, key: key, context: context)
        let path = NSTemporaryDirectory() + "pipeline-\(UUID().uuidString)"
        try Data(sealed).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var sink = ArraySink()
        XCTAssertEqual(try Cobblestone256.decrypt(fd: fd, to: &sink, key: key, context: context), Int64(plaintext.count))
        XCTAssertEqual(sink.bytes, plaintext)
        lseek(fd, 0, SEEK_SET)
        let context = context
        let (read, produced) = try OverlappedPipeline().run(source: { try FileReadStage(fd: fd, hashing: .sha256) },
                                                            transform: { try CobblestoneDecryptStage(key: key, context: context) })
        XCTAssertEqual(read.byteCount, Int64(sealed.count))
        XCTAssertEqual(read.digest, try HashFunction.sha256.hash(sealed))
        XCTAssertEqual(produced, Int64(plaintext.count))
    }

    func testAFlippedByteInAMiddleChunkReleasesNothingPastTheLastAuthenticChunk() throws {
        let key = try SecureBytes.random(count: 32)
        let plaintext = pattern(40 * chunk + 100, seed: 9)
        var sealed = try Cobblestone256.seal(plaintext, key: key, context: context)
        let bad = 25
        sealed[Cobblestone256.headerSize + bad * Cobblestone256.sealedChunkSize + 1234] ^= 0x01
        for pipeline in [small, OverlappedPipeline()] {
            var released: [UInt8] = []
            XCTAssertThrowsError(try decrypt(sealed, key: key, pipeline: pipeline, into: &released)) {
                XCTAssertEqual($0 as? VaultCryptoError, .authenticationFailure)
            }
            XCTAssertLessThanOrEqual(released.count, bad * chunk, "nothing from the tampered chunk or after it")
            XCTAssertEqual(released, Array(plaintext.prefix(released.count)), "only authentic plaintext, in order")
        }
    }

    func testAReadErrorMidStreamStopsEveryStageWithThatError() throws {
        let key = try SecureBytes.random(count: 32)
        let plaintext = pattern(30 * chunk, seed: 3)
        var consumed = 0
        let context = context
        XCTAssertThrowsError(try small.run(source: { MemoryStage(bytes: plaintext, failAfter: 2 * 16384) },
                                           transform: { try CobblestoneEncryptStage(key: key, context: context) },
                                           consume: { consumed += $0.count })) {
            XCTAssertEqual($0 as? VaultCryptoError, .io(operation: "read", errno: EIO))
        }
        XCTAssertLessThan(consumed, plaintext.count)
    }

    /// A full disk in the consumer: the reader stops too (it cannot run ahead by more than the buffers).
    func testAConsumerFailureStopsTheReader() throws {
        let key = try SecureBytes.random(count: 32)
        let plaintext = pattern(200 * chunk, seed: 4)
        let reads = ReadCounter()
        let context = context
        XCTAssertThrowsError(try small.run(source: { MemoryStage(bytes: plaintext, counter: reads) },
                                           transform: { try CobblestoneEncryptStage(key: key, context: context) },
                                           consume: { _ in throw VaultCryptoError.io(operation: "write", errno: ENOSPC) })) {
            XCTAssertEqual($0 as? VaultCryptoError, .io(operation: "write", errno: ENOSPC))
        }
        XCTAssertLessThanOrEqual(reads.value, 2 * small.buffersPerLane + 2, "the reader stopped after the buffers in flight")
    }

    func testATransformThatCannotStartFailsCleanly() {
        XCTAssertThrowsError(try small.run(source: { MemoryStage(bytes: [1, 2, 3]) },
                                           transform: { try CobblestoneDecryptStage(key: SecureBytes(copying: [1, 2]), context: []) },
                                           consume: { _ in XCTFail("nothing is consumed") })) {
            XCTAssertEqual($0 as? VaultCryptoError, .incorrectKeySize(expected: 32, got: 2))
        }
    }
}

/// Counts buffers read, across threads. @unchecked Sendable: `value` is guarded by `lock`.
final class ReadCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    func increment() {
        lock.lock()
        defer { lock.unlock() }
        count += 1
    }
}

/// An in-memory reader that can fail part-way, like a disk read error.
struct MemoryStage: PipelineSource {
    let bytes: [UInt8]
    var failAfter: Int?
    var counter: ReadCounter?
    private var position = 0

    init(bytes: [UInt8], failAfter: Int? = nil, counter: ReadCounter? = nil) {
        self.bytes = bytes
        self.failAfter = failAfter
        self.counter = counter
    }

    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        counter?.increment()
        if let failAfter, position >= failAfter { throw VaultCryptoError.io(operation: "read", errno: EIO) }
        let n = min(buffer.count, bytes.count - position)
        bytes.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[position..<(position + n)])) }
        position += n
        return n
    }

    mutating func finish() throws -> Int64 { Int64(position) }
}
