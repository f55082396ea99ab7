import Foundation
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Many files are encrypted on worker threads while the calling thread completes and commits their rows batch by
/// batch (IngestPool). These check what one thread guaranteed: results in the files' order, a repeat found whichever
/// worker encrypted it, every blob durable before its row, and no temp blob left by a batch that failed while the
/// workers were ahead of it.
final class ParallelIngestTests: XCTestCase {
    func testManyFilesInSmallBatchesKeepTheirOrderAndFindRepeatsAcrossWorkers() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let before = try t.file("stored-before.txt", pattern(3_000, seed: 999))
        let earlierID = t.storedID(try t.ingest(caseID, [before])[0])
        var paths: [String] = []
        var contents: [[UInt8]] = []
        for index in 0..<120 {
            // File 70 repeats file 10 (found in order, not by the workers); file 71 repeats the file stored before.
            let bytes = index == 70 ? contents[10] : index == 71 ? pattern(3_000, seed: 999) : pattern(2_000 + 97 * index, seed: UInt64(index))
            contents.append(bytes)
            paths.append(try t.file("letter-\(index).txt", bytes))
        }
        paths[40] = t.directory.appendingPathComponent("inputs/missing.txt").path  // fails; the others still go in
        let results = try t.vault.ingest(caseID: caseID, files: paths.map { Vault.IngestFile(path: $0) },
                                         options: .init(batchSize: 16))
        XCTAssertEqual(results.map(\.file.path), paths, "results in the order the files were given")
        var ids: [Int: DocumentID] = [:]
        for (index, result) in results.enumerated() {
            switch (index, result.outcome) {
            case (40, .failed): continue
            case (70, .duplicate(let of)): XCTAssertEqual(of, ids[10], "file 70 repeats file 10")
            case (71, .duplicate(let of)): XCTAssertEqual(of, earlierID, "file 71 repeats the earlier ingest")
            case (_, .stored(let id, let size)):
                XCTAssertEqual(size, Int64(contents[index].count))
                XCTAssertEqual(try t.vault.plaintext(documentID: id), contents[index], "file \(index)")
                ids[index] = id
            default: XCTFail("file \(index): \(result.outcome)")
            }
        }
        XCTAssertEqual(ids.count, 117)
        XCTAssertEqual(try t.vault.documents(caseID: caseID).count, 118)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.paths.root + "/tmp"), [], "no temp blob left")
        let report = try t.vault.verify(readData: true, repair: false)
        XCTAssertTrue(report.ok, "\(report.problems)")
    }

    /// A batch's documents get ids with one random first byte, so their blobs share one folder and committing the
    /// batch fsyncs that folder once, not one folder per file; the ids stay distinct and every blob reads back.
    func testEachBatchsBlobsShareOneFolder() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let contents = (0..<60).map { pattern(2_500 + 13 * $0, seed: UInt64($0) + 31) }
        let paths = try contents.enumerated().map { try t.file("page-\($0.offset).txt", $0.element) }
        let results = try t.vault.ingest(caseID: caseID, files: paths.map { Vault.IngestFile(path: $0) }, options: .init(batchSize: 20))
        let ids = results.map { t.storedID($0) }
        XCTAssertEqual(Set(ids).count, 60)
        for batch in 0..<3 {
            let folders = Set(ids[batch * 20..<(batch + 1) * 20].map { t.vault.blobs.shard(for: $0.rawValue) })
            XCTAssertEqual(folders.count, 1, "batch \(batch): its 20 blobs in one folder")
        }
        for (index, id) in ids.enumerated() { XCTAssertEqual(try t.vault.plaintext(documentID: id), contents[index], "file \(index)") }
        let report = try t.vault.verify(readData: true, repair: false)
        XCTAssertTrue(report.ok, "\(report.problems)")
    }

    /// The second batch cannot be moved into place; by then the workers have encrypted files of later batches ahead
    /// of it. The ingest fails, and neither its batch's temp blobs nor those of the files encrypted ahead remain.
    func testABatchThatFailsLeavesNoTempBlobOfTheFilesEncryptedAhead() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let paths = try (0..<60).map { try t.file("note-\($0).txt", pattern(4_000 + $0, seed: UInt64($0) + 7)) }
        let temporary = t.paths.root + "/tmp"
        let objects = t.paths.root + "/objects"
        var sabotaged = false
        XCTAssertThrowsError(try t.vault.ingest(caseID: caseID, files: paths.map { Vault.IngestFile(path: $0) },
                                                options: .init(batchSize: 10)) { done, _ in
            // After the first batch's last file (and so after its commit at file 10), wait for the workers to fill
            // their window, then put a file where the blob folders are, so the second batch cannot be moved there.
            guard done == 19, !sabotaged else { return }
            sabotaged = true
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, ((try? FileManager.default.contentsOfDirectory(atPath: temporary)) ?? []).count < 15 { usleep(1_000) }
            XCTAssertGreaterThanOrEqual((try? FileManager.default.contentsOfDirectory(atPath: temporary))?.count ?? 0, 15,
                                        "the workers ran ahead of the batch being committed")
            try? FileManager.default.removeItem(atPath: objects + ".moved")
            XCTAssertEqual(rename(objects, objects + ".moved"), 0)
            XCTAssertTrue(FileManager.default.createFile(atPath: objects, contents: Data("not a folder".utf8)))
        })
        XCTAssertTrue(sabotaged)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temporary), [], "no temp blob of any batch left")
        unlink(objects)
        XCTAssertEqual(rename(objects + ".moved", objects), 0)
        XCTAssertEqual(try t.vault.documents(caseID: caseID).count, 10, "only the first batch's rows")
        XCTAssertEqual(try t.vault.blobs.storedDocumentIDs().count, 10, "and only their blobs")
    }
}
