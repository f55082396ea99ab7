import Consent
import Foundation
import NIOPosix
import VaultCrypto
import XCTest
@testable import VaultServer
@testable import VaultCore

/// What an authorized read of a letter costs the request's reading connection on PostgreSQL, counted as the server's
/// gateway makes it (open, the consent gate with the document named, the read): each wait is a hand-off between the
/// worker and the connection's event loop and back, which under load cost more CPU than the statements themselves.
/// The gate names the reads it is about to make, the case's facts record and the vault key's wrapper among them, so
/// they share its one wait (`gateReads`, `ReadBatching.prefetch`).
final class GatewayRoundTripsTests: XCTestCase {
    func testAnAuthorizedReadWaitsForTheDatabaseAtMostTenTimes() async throws {
        let w = try ServerTestWorld()
        let identity = try XCTUnwrap(try w.open(as: w.sam).hierarchy.unlock.identity)
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let marks = StateMarks(directory: w.directory.appendingPathComponent("gateway-state").path)
        let gateway = try VaultGateway(vaultFolder: w.root, pool: pool, stateMarks: marks, now: { Date() })
        let store = try XCTUnwrap(gateway.store)
        let letter = w.letter
        func read() async throws -> Int {
            try await gateway.run(as: identity) { vault in
                vault.acknowledged = RuleID.allCases
                try vault.requireConsent(.viewDocuments, ofDocument: DocumentID(letter))
                return try vault.plaintext(documentID: DocumentID(letter)).count
            }
        }
        // The first read connects, checks the schema and learns the tables' columns.
        _ = try await read()
        let before = store.readRoundTrips
        let count = try await read()
        let waits = store.readRoundTrips - before
        XCTAssertEqual(count, ServerTestWorld.letterText.utf8.count)
        XCTAssertGreaterThan(waits, 0, "the read went to the database")
        // The open's batch (with BEGIN), the document, the case, the gate's batch, the reads of the rules' facts and
        // the document's key that depend on rows the batch returned, COMMIT: 10 in this world; 11 before the facts
        // record and the vault key's wrapper joined the gate's batch (in the load test's world, 13 → 11 with the write).
        XCTAssertLessThanOrEqual(waits, 10, "waits of one authorized read")
        gateway.close()
        try await pool.shutdownGracefully()
    }
}
