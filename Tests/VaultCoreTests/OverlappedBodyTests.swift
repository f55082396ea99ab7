import Foundation
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Large documents go in and out through the overlapped pipeline (reader, crypto and writer threads); these
/// check that it keeps the one-thread path's guarantees: same blobs, durable before their rows, nothing left
/// behind by a failure, and no plaintext released past the last chunk that authenticated.
final class OverlappedBodyTests: XCTestCase {
    let threshold = Int(OverlappedPipeline.worthwhileSize)
    let chunk = Cobblestone256.chunkSize

    func testLargeFilesRoundTripAtBufferBoundaries() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let buffer = OverlappedPipeline().inputBufferSize
        for size in [threshold - 1, threshold, threshold + 1, threshold + chunk - 1, threshold + buffer + chunk + 1] {
            let bytes = pattern(size, seed: UInt64(size))
            let id = t.storedID(try t.ingest(caseID, [try t.file("large-\(size).bin", bytes)])[0])
            XCTAssertEqual(try t.vault.plaintext(documentID: id), bytes, "size \(size)")
            let record = try XCTUnwrap(try t.vault.store.read { try $0.document(id.rawValue) })
            let blob = try Data(contentsOf: URL(fileURLWithPath: t.vault.blobs.path(for: id.rawValue)))
            XCTAssertEqual(Int64(blob.count), record.ciphertextSize)
            XCTAssertEqual(UInt64(blob.count), Cobblestone256.ciphertextSize(forPlaintextSize: UInt64(size)))
            XCTAssertEqual(try HashFunction.sha256.hash(Array(blob)), Array(record.ciphertextSHA256), "recorded SHA-256 of \(size)")
        }
        let report = try t.vault.verify(readData: true, repair: false)
        XCTAssertTrue(report.ok, "\(report.problems)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.paths.root + "/tmp"), [])
    }

    func testAFlippedByteInAMiddleChunkFailsAsDamagedAndReleasesOnlyAuthenticChunks() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let bytes = pattern(threshold + 2 * chunk + 3, seed: 21)
        let id = t.storedID(try t.ingest(caseID, [try t.file("letter.bin", bytes)])[0])
        let path = t.vault.blobs.path(for: id.rawValue)
        let bad = 150
        var blob = try Data(contentsOf: URL(fileURLWithPath: path))
        blob[Cobblestone256.headerSize + bad * Cobblestone256.sealedChunkSize + 99] ^= 0x20
        try blob.write(to: URL(fileURLWithPath: path))

        var released = ArraySink()
        XCTAssertThrowsError(try t.vault.decrypt(documentID: id, to: &released)) { error in
            guard case VaultError.blobDamaged(id.rawValue, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(reason, VaultCryptoError.authenticationFailure.description)
        }
        XCTAssertLessThanOrEqual(released.bytes.count, bad * chunk, "nothing from the tampered chunk or after it")
        XCTAssertEqual(released.bytes, Array(bytes.prefix(released.bytes.count)), "only authentic plaintext, in order")
        let report = try t.vault.verify(readData: true, repair: false)
        XCTAssertEqual(report.problems.map(\.id), [id.rawValue])
    }

    /// The source is cut while the pipeline reads it: the file is refused and leaves no blob, temp file or row.
    func testASourceTruncatedMidIngestLeavesNoBlobNoTempFileAndNoRow() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let path = try t.file("growing.bin", [])
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: 2 << 30)  // sparse: 2 GiB to read, so the cut lands mid-stream
        try handle.close()
        let temporary = t.paths.root + "/tmp"
        let cutter = Thread {
            // Cut it once its temp blob exists, that is once the ingest is reading it.
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).isEmpty { usleep(500) }
            truncate(path, 1 << 20)
        }
        cutter.start()
        let results = try t.ingest(caseID, [path])
        guard case .failed(let message) = results[0].outcome else { return XCTFail("\(results[0].outcome)") }
        XCTAssertTrue(message.contains("changed while it was being read"), message)
        XCTAssertEqual(try t.vault.documents(caseID: caseID).count, 0, "no row")
        XCTAssertEqual(try t.vault.blobs.storedDocumentIDs().count, 0, "no blob")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary), [], "no temp file")
        XCTAssertTrue(try t.vault.verify(readData: true, repair: false).ok)
    }
}
