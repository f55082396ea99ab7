import XCTest
@testable import VaultCore
import VaultStorage

/// Ingest encrypts outside its write transaction, with the case key it read at the start. A rekey committed by
/// someone else in between destroys that key version; the documents must still be stored under a key that exists.
final class KeyRotationDuringIngestTests: XCTestCase {
    func testDocumentsEncryptedBeforeARekeyAreStoredUnderTheNewKey() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let manager = try t.asManager()
        let contents = (0..<5).map { pattern(3_000 + $0 * 1_000, seed: UInt64(40 + $0)) }
        let files = try contents.enumerated().map { Vault.IngestFile(path: try t.file("letter-\($0.offset).txt", $0.element)) }
        var rotations: [Int] = []
        var rotationError: Error?
        // Batches of two: the first batch's second file and the rows of both are written after the first rekey, the
        // second batch after the second one, so rows wrapped under a destroyed version reach two transactions.
        let results = try t.vault.ingest(caseID: caseID, files: files, options: .init(batchSize: 2)) { done, _ in
            guard done == 1 || done == 3 else { return }
            do { rotations.append(try manager.rekeyCase(caseID)) } catch { rotationError = error }
        }
        XCTAssertNil(rotationError)
        XCTAssertEqual(rotations, [2, 3])
        let ids = results.map { t.storedID($0) }
        XCTAssertEqual(ids.count, 5)

        let reopened = try t.reopen()
        let versions = try reopened.store.read { tx in try tx.documents(caseID: caseID.rawValue).map(\.caseKeyVersion) }
        XCTAssertEqual(versions, [3, 3, 3, 3, 3], "every row is wrapped under the only case key version left")
        for (id, content) in zip(ids, contents) {
            XCTAssertEqual(try reopened.plaintext(documentID: id), content)
        }
        XCTAssertEqual(try reopened.documents(caseID: caseID).map(\.id).sorted(), ids.sorted())
        XCTAssertTrue(try reopened.verify(readData: true, repair: false).ok)
    }
}
