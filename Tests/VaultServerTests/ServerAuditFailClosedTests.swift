import Foundation
import XCTest
@testable import VaultServer
@testable import VaultCore

/// An audited read fails closed under group commit: when the transaction that carries the read's audit event cannot
/// commit, the request answers an error (the 200 head waits for the read's event to commit) with no byte of the
/// document, and nothing is recorded as read.
final class ServerAuditFailClosedTests: XCTestCase {
    func psql(_ w: ServerTestWorld, _ sql: String) async throws {
        _ = try await ServerTestWorld.run("/usr/bin/psql", ["-h", w.postgres.socketFolder, "-p", String(w.postgres.port), "-U", "casevault",
                                                            "-d", w.databaseName, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql])
    }

    func reads(_ w: ServerTestWorld) throws -> Int {
        try w.open(as: w.lee).auditLog(caseID: CaseID(w.caseID), since: nil, actor: w.sam).filter { $0.action == "document.read" }.count
    }

    func testAReadWhoseAuditEventCannotCommitAnswersAnErrorAndNoData() async throws {
        let w = try ServerTestWorld()
        try await w.start()
        do {
            let token = try await w.token(w.sam)
            let path = "/api/v1/documents/\(w.letter)/content?acknowledge=R-CON-9"
            let served = try await w.request("GET", path, token: token)
            XCTAssertEqual(served.status, 200)
            XCTAssertEqual(served.body, Data(ServerTestWorld.letterText.utf8))
            let readsBefore = try reads(w)

            // Refused at COMMIT (deferred), so every statement of the batch succeeds and only the commit fails: the case
            // group commit must not answer as if the event were durable.
            try await psql(w, """
                CREATE FUNCTION refuse_reads() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused at commit'; END $$;
                CREATE CONSTRAINT TRIGGER refuse_reads AFTER INSERT ON audit_events DEFERRABLE INITIALLY DEFERRED
                    FOR EACH ROW WHEN (NEW.action = 'document.read') EXECUTE FUNCTION refuse_reads();
                """)
            let refused = try await w.request("GET", path, token: token)
            XCTAssertEqual(refused.status, 500, refused.text)
            XCTAssertFalse(refused.text.contains("Dear Ms Ellis"), "no byte of the letter: \(refused.text)")
            XCTAssertEqual(try reads(w), readsBefore, "the failed read is not in the log")

            try await psql(w, "DROP TRIGGER refuse_reads ON audit_events; DROP FUNCTION refuse_reads();")
            let again = try await w.request("GET", path, token: token)
            XCTAssertEqual(again.status, 200, "the server's writer connection is usable again")
            XCTAssertEqual(again.body, Data(ServerTestWorld.letterText.utf8))
            XCTAssertEqual(try reads(w), readsBefore + 1)
            let report = try w.open(as: w.lee).verify(readData: true, repair: false, record: false)
            XCTAssertEqual(report.problems, [], "\(report.problems)")
        } catch {
            await w.stop()
            throw error
        }
        await w.stop()
    }
}
