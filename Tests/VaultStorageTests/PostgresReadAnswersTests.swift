import Foundation
import PostgresTestSupport
import VaultStorage
import VaultStoragePostgres
import XCTest

/// A read transaction sees one snapshot, so a statement it sends twice (the consent gate reads the case, its records
/// and the audit head from several places) is answered from the first time; a write transaction asks every time.
final class PostgresReadAnswersTests: XCTestCase {
    func testARepeatedStatementInAReadIsSentOnceAndAWriteAsksAgain() throws {
        let server = try PostgresTestServer.start()
        defer { server.stop() }
        let store = try PostgresRecordStore(endpoint: server.endpoint(database: try server.makeDatabase()))
        defer { store.close() }
        try store.write { tx in try tx.setMeta("answered", "first") }

        var sent = store.statementsSent
        let (once, again) = try store.read { tx in (try tx.meta("answered"), try tx.meta("answered")) }
        XCTAssertEqual([once, again], ["first", "first"])
        XCTAssertEqual(store.statementsSent - sent, 3, "BEGIN, one SELECT, COMMIT")

        sent = store.statementsSent
        let seen = try store.write { tx -> [String?] in
            let before = try tx.meta("answered")
            try tx.setMeta("answered", "second")
            return [before, try tx.meta("answered")]
        }
        XCTAssertEqual(seen, ["first", "second"], "a write reads its own change")
        XCTAssertEqual(store.statementsSent - sent, 6, "BEGIN, the writers' lock, SELECT, the change, SELECT again, COMMIT")
        XCTAssertEqual(try store.read { try $0.meta("answered") }, "second", "answers end with their transaction")
    }
}
