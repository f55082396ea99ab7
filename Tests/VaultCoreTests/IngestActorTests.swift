import Foundation
import XCTest
@testable import VaultCore

/// Who ingested a document is the account acting, whoever calls: the CLI's `ingest` without `--as` (the identity in
/// use decides the account) recorded no one, where the server's upload named its session's account.
final class IngestActorTests: XCTestCase {
    func testAnIngestWithoutANamedActorRecordsTheAccountActing() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let advocate = try XCTUnwrap(t.advocateID)
        XCTAssertEqual(t.vault.actor, advocate)
        let id = t.storedID(try XCTUnwrap(try t.ingest(caseID, [try t.file("note.txt", Array("A note of the call.\n".utf8))]).first))
        XCTAssertEqual(try t.vault.document(id).ingestedBy, advocate)
    }
}
