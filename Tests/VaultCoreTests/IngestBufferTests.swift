import Foundation
import XCTest
@testable import VaultCore

/// An upload held in a memory file (the web interface's upload form) goes through the same ingest as a file on disk:
/// the same body read back, duplicates found, the name sealed; and once sealed the memory file cannot change.
final class IngestBufferTests: XCTestCase {
    func testAMemoryFileIsIngestedLikeAFileOnDisk() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        let body = pattern(200_000, seed: 7) + Array("\nDated 3 March 2025\n".utf8)
        let buffer = try IngestBuffer()
        defer { buffer.close() }
        // In pieces, as a request body arrives.
        for start in stride(from: 0, to: body.count, by: 65_536) {
            try body[start..<min(body.count, start + 65_536)].withUnsafeBytes { try buffer.append($0) }
        }
        XCTAssertEqual(buffer.size, Int64(body.count))
        let file = try buffer.sealed(name: Array("Reply from PALS.txt".utf8))
        XCTAssertThrowsError(try [UInt8](repeating: 1, count: 4).withUnsafeBytes { try buffer.append($0) }, "a sealed upload changed")
        let results = try t.vault.ingest(caseID: caseID, files: [file], options: .init(kind: .reply, date: "2025-03-03"))
        let id = t.storedID(try XCTUnwrap(results.first))
        XCTAssertEqual(try t.vault.plaintext(documentID: id), body)
        let view = try t.vault.document(id)
        XCTAssertEqual(view.name, "Reply from PALS.txt")
        XCTAssertEqual(view.kind, "reply")
        XCTAssertEqual(view.documentDate, "2025-03-03")
        // The same content again, from disk or from memory, is a duplicate of it; the buffer can be read twice.
        let again = try t.vault.ingest(caseID: caseID, files: [file, Vault.IngestFile(path: try t.file("copy.txt", body))], options: .init())
        for result in again {
            guard case .duplicate(let of) = result.outcome else { return XCTFail("not found as a duplicate: \(result.outcome)") }
            XCTAssertEqual(of, id)
        }
        // Nothing of the body is in any file of the vault folder (the memory file has no path).
        for path in t.allVaultFiles() {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            XCTAssertNil(data.range(of: Data(body.prefix(64))), "\(path) holds the upload in clear")
        }
    }
}
