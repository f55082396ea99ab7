import Foundation
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// `verify` checks blobs on worker threads (`BlobCheckPool`) while the calling thread reads rows and unwraps keys.
/// What it reports must be exactly what one thread finds, in the same order, for small and large documents alike.
final class ParallelVerifyTests: XCTestCase {
    let large = Int(OverlappedPipeline.worthwhileSize) + 3 * Cobblestone256.chunkSize + 5

    /// A case of twelve documents, six of them damaged: a flipped byte (small, large), a missing blob (small, large),
    /// blobs swapped between two documents of the same size (two small, two large). Returns the ids, in ingest
    /// order, and the ids expected in the report.
    func damagedVault() throws -> (TemporaryVault, ids: [String], damaged: [String: String]) {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let sizes = [100, 3_000, large, 3_000, large, 50_000, 700, large + 17, 16_384, 9_000, 20_000, large + 1]
        var ids: [String] = []
        for (i, size) in sizes.enumerated() {
            ids.append(t.storedID(try t.ingest(caseID, [try t.file("doc-\(i).bin", pattern(size, seed: UInt64(300 + i)))])[0]).rawValue)
        }
        func path(_ i: Int) -> URL { URL(fileURLWithPath: t.vault.blobs.path(for: ids[i])) }
        for i in [5, 7] {
            var blob = try Data(contentsOf: path(i))
            blob[blob.count / 2] ^= 0x10
            try blob.write(to: path(i))
        }
        for i in [0, 11] { try FileManager.default.removeItem(at: path(i)) }
        for (a, b) in [(1, 3), (2, 4)] {
            let first = try Data(contentsOf: path(a)), second = try Data(contentsOf: path(b))
            try second.write(to: path(a))
            try first.write(to: path(b))
        }
        let damaged = [0: "is missing", 11: "is missing", 1: VaultCryptoError.commitmentMismatch.description,
                       3: VaultCryptoError.commitmentMismatch.description, 2: VaultCryptoError.commitmentMismatch.description,
                       4: VaultCryptoError.commitmentMismatch.description]
        var expected = Dictionary(uniqueKeysWithValues: damaged.map { (ids[$0.key], $0.value) })
        // A flipped byte: the chunk's tag with --read-data, the SHA-256 without.
        expected[ids[5]] = "is damaged"
        expected[ids[7]] = "is damaged"
        return (t, ids, expected)
    }

    func testParallelVerifyReportsWhatOneThreadFindsInTheSameOrder() throws {
        let (t, _, damaged) = try damagedVault()
        for readData in [true, false] {
            let vault = try t.reopen()
            let one = try vault.verify(readData: readData, repair: false, record: false, blobWorkers: 0)
            XCTAssertEqual(Set(one.problems.filter { $0.kind == "document" }.map(\.id)), Set(damaged.keys), "read data: \(readData)")
            for problem in one.problems {
                let expected = try XCTUnwrap(damaged[problem.id], "\(problem)")
                XCTAssertTrue(problem.message.contains(expected), "\(problem.message) should say \(expected)")
            }
            XCTAssertEqual(one.problems.count, 6 + 2, "nothing but the eight damaged documents: \(one.problems)")
            for _ in 0..<3 {
                let parallel = try t.reopen().verify(readData: readData, repair: false, record: false, blobWorkers: 2)
                XCTAssertEqual(parallel.problems, one.problems, "the same problems, in the same order")
                XCTAssertEqual(parallel.documentsChecked, one.documentsChecked)
                XCTAssertEqual(parallel.bytesDecrypted, one.bytesDecrypted)
            }
        }
    }

    /// Problems come in the order of the documents, whichever worker finishes first.
    func testProblemsFollowTheDocumentOrder() throws {
        let (t, _, damaged) = try damagedVault()
        let order = try t.vault.store.read { try $0.documents(caseID: nil) }.map(\.id).filter { damaged[$0] != nil }
        let report = try t.reopen().verify(readData: true, repair: false, record: false, blobWorkers: 2)
        XCTAssertEqual(report.problems.map(\.id), order)
    }

    /// A healthy vault of many small documents (several batches) and a few large ones: no problem, every byte decrypted.
    func testAHealthyVaultVerifiesOnWorkersWithEveryByteDecrypted() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        var files: [String] = []
        var total = 0
        for i in 0..<(BlobCheckPool.batchCount * 3 + 5) {
            let size = i % 40 == 7 ? large + i : 1_000 + 37 * i
            total += size
            files.append(try t.file("note-\(i).bin", pattern(size, seed: UInt64(900 + i))))
        }
        _ = try t.ingest(caseID, files)
        let report = try t.reopen().verify(readData: true, repair: false, record: false, blobWorkers: 2)
        XCTAssertTrue(report.ok, "\(report.problems)")
        XCTAssertEqual(report.bytesDecrypted, Int64(total))
        XCTAssertEqual(report.documentsChecked, files.count)
    }

    /// Why `verify` keeps the stored SHA-256 beside the GCM tags and the commitment: both of those are keyed, so
    /// whoever holds a document's key can seal other content for it that passes them. Reading returns that
    /// content; only the SHA-256 recorded in the (ledgered, signed) row shows the blob is not the one ingested.
    func testABlobResealedUnderItsOwnKeyIsFoundOnlyByTheRecordedSHA256() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let original = pattern(40_000, seed: 5)
        let id = t.storedID(try t.ingest(caseID, [try t.file("letter.bin", original)])[0])
        let (_, key, fd) = try t.vault.prepareRead(id.rawValue)
        close(fd)
        let forged = Array("I withdraw my complaint.".utf8) + [UInt8](repeating: 0x20, count: original.count - 24)
        let sealed = try Cobblestone256.seal(forged, key: key, context: t.vault.hierarchy.documentContext(documentID: id.rawValue))
        try Data(sealed).write(to: URL(fileURLWithPath: t.vault.blobs.path(for: id.rawValue)))

        let vault = try t.reopen()
        XCTAssertEqual(try vault.plaintextWithoutAudit(id.rawValue), forged, "every tag and the commitment check out")
        for readData in [true, false] {
            let report = try vault.verify(readData: readData, repair: false, record: false)
            XCTAssertEqual(report.problems, [Vault.VerifyProblem(kind: "document", id: id.rawValue,
                message: VaultError.blobDamaged(documentID: id.rawValue, reason: "its SHA-256 differs from the recorded one").description)])
        }
    }
}
