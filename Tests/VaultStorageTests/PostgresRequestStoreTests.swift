import Dispatch
import Foundation
import PostgresTestSupport
import VaultStorage
import VaultStoragePostgres
import XCTest

/// A server request's reads share one snapshot until it writes or is released (the end of a trip to the thread pool):
/// the open, the consent gate and the document's view no longer each begin and commit a transaction and ask the same
/// rows again. These tests hold it to what a request must see: one moment of the vault until its own write, the
/// newest state after it, and its connection back whenever it is released or fails.
final class PostgresRequestStoreTests: XCTestCase {
    struct Rig {
        let server: PostgresTestServer
        let pool: PostgresStorePool
        /// Another instance's connection, writing while the request reads.
        let other: PostgresRecordStore
    }

    func rig(readers: Int = 2) throws -> Rig {
        let server = try PostgresTestServer.start()
        let endpoint = server.endpoint(database: try server.makeDatabase())
        let other = try PostgresRecordStore(endpoint: endpoint)
        try other.write { tx in try tx.setMeta("answered", "first") }
        return Rig(server: server, pool: PostgresStorePool(endpoint: endpoint, readers: readers), other: other)
    }

    func stop(_ rig: Rig) {
        rig.pool.close()
        rig.other.close()
        rig.server.stop()
    }

    func testReadsShareOneSnapshotUntilReleasedAndSendEachStatementOnce() throws {
        let rig = try rig()
        defer { stop(rig) }
        let request = PostgresRequestStore(pool: rig.pool)
        // The connection opened (and its schema checked) before counting.
        _ = try request.read { try $0.meta("vault_id") }
        request.release()
        let sent = rig.pool.readStatementsSent
        XCTAssertEqual(try request.read { try $0.meta("answered") }, "first")
        try rig.other.write { tx in try tx.setMeta("answered", "second") }
        XCTAssertEqual(try request.read { try $0.meta("answered") }, "first", "the second read is in the first one's snapshot")
        request.release()
        XCTAssertEqual(rig.pool.readStatementsSent - sent, 3, "BEGIN, one SELECT, COMMIT for both reads")
        XCTAssertEqual(try request.read { try $0.meta("answered") }, "second", "after the release a new snapshot")
        request.release()
    }

    func testAWriteEndsTheSnapshotSoLaterReadsSeeIt() throws {
        let rig = try rig()
        defer { stop(rig) }
        let request = PostgresRequestStore(pool: rig.pool)
        XCTAssertEqual(try request.read { try $0.meta("answered") }, "first")
        try rig.other.write { tx in try tx.setMeta("answered", "second") }
        try request.write { tx in try tx.setMeta("written", "by the request") }
        let (answered, written) = try request.read { tx in (try tx.meta("answered"), try tx.meta("written")) }
        XCTAssertEqual(answered, "second", "what another instance committed before the write")
        XCTAssertEqual(written, "by the request", "the request's own write")
        request.release()
    }

    func testAFailedReadEndsTheSnapshotAndTheNextOneWorks() throws {
        struct Refused: Error {}
        let rig = try rig()
        defer { stop(rig) }
        let request = PostgresRequestStore(pool: rig.pool)
        XCTAssertEqual(try request.read { try $0.meta("answered") }, "first")
        try rig.other.write { tx in try tx.setMeta("answered", "second") }
        XCTAssertThrowsError(try request.read { tx -> String? in
            _ = try tx.meta("answered")
            throw Refused()
        })
        XCTAssertEqual(try request.read { try $0.meta("answered") }, "second", "a failed read ends its snapshot")
        // A statement the database refuses aborts the transaction: the next read must not inherit it.
        XCTAssertThrowsError(try request.read { tx in _ = try tx.auditEntries(caseID: "\u{0}", since: nil, actor: nil) })
        XCTAssertEqual(try request.read { try $0.meta("answered") }, "second")
        request.release()
    }

    func testAReleasedOrDroppedRequestGivesItsConnectionBack() throws {
        let rig = try rig(readers: 1)
        defer { stop(rig) }
        for _ in 0..<3 {
            let first = PostgresRequestStore(pool: rig.pool)
            XCTAssertEqual(try first.read { try $0.meta("answered") }, "first")
            first.release()
            var second: PostgresRequestStore? = PostgresRequestStore(pool: rig.pool)
            // With one connection, a request that kept it would leave this one waiting: wait a bounded time.
            let done = DispatchSemaphore(value: 0)
            let reader = second
            DispatchQueue.global().async {
                _ = try? reader?.read { try $0.meta("answered") }
                done.signal()
            }
            XCTAssertEqual(done.wait(timeout: .now() + 20), .success, "the released connection was handed to the next request")
            second = nil  // dropped unreleased: its deinit gives the connection back
        }
        let last = PostgresRequestStore(pool: rig.pool)
        XCTAssertEqual(try last.read { try $0.meta("answered") }, "first")
        last.release()
    }
}
