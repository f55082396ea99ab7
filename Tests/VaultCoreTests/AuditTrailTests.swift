import Foundation
import GRDB
import XCTest
@testable import Audit
@testable import VaultCrypto
@testable import VaultCore

final class AuditTrailTests: XCTestCase {
    func actions(_ vault: Vault) throws -> [String] {
        // The log is read by the administrator (advocates may not read it).
        // The state ledger's own events (one per changing transaction) are checked in StateLedgerTests.
        try TemporaryVault.administrator(of: vault).auditLog(caseID: nil, since: nil, actor: nil)
            .filter { !$0.action.hasPrefix("state.") }.map { "\($0.action):\($0.outcome)" }
    }

    func testEveryListedActionWritesExactlyTheExpectedEvent() throws {
        let t = try TemporaryVault()
        XCTAssertEqual(try actions(t.vault), ["vault.init:success", "advocate.add:success"])
        let caseID = try t.openCase(withConsent: true)
        XCTAssertEqual(try actions(t.vault).suffix(6), ["organisation.add:success", "advocate.add:success", "person.add:success", "case.open:success",
                                                        "document.ingest:success", "consent.record:success"])
        let manager = try t.asManager()

        func newEvents(_ body: () throws -> Void) throws -> [String] {
            let before = try actions(t.vault).count
            try body()
            return Array(try actions(t.vault).dropFirst(before))
        }
        let bytes = pattern(3000, seed: 1)
        var docID: DocumentID = ""
        XCTAssertEqual(try newEvents { docID = t.storedID(try t.ingest(caseID, [try t.file("a.txt", bytes)])[0]) },
                       ["consent.decision:success", "document.ingest:success"], "R-CON-7's warning (a consent to the organisation) is logged once per session")
        XCTAssertEqual(try newEvents { _ = try t.ingest(caseID, [try t.file("b.txt", bytes)]) }, ["document.ingest:duplicate"])
        XCTAssertEqual(try newEvents { _ = try t.vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: t.directory.path + "/nope")], options: .init()) },
                       ["document.ingest:failure"])
        XCTAssertEqual(try newEvents { _ = try t.vault.plaintext(documentID: docID) }, ["consent.decision:success", "document.read:success"])
        XCTAssertEqual(try newEvents { _ = try t.vault.verify(readData: true, repair: false) }, ["vault.verify:success"])
        XCTAssertEqual(try newEvents { _ = try manager.rotateMasterKey() }, ["keys.rotate:success"])
        XCTAssertEqual(try newEvents { try manager.retireMasterKey(version: 1) }, ["keys.retire:success"])
        t.vault = try t.reopen()  // the advocate's process starts after the rotation, with the new key file
        XCTAssertEqual(try newEvents { _ = try t.vault.rekeyCase(caseID) }, ["case.rekey:success"])
        XCTAssertEqual(try newEvents { _ = try manager.backup(to: t.directory.path + "/bk", includeKeyFile: false) }, ["vault.backup:success"])
        XCTAssertEqual(try newEvents { try t.vault.closeCase(caseID) }, ["case.close:success"])
        XCTAssertEqual(try newEvents { _ = try manager.eraseCase(caseID, reason: "erasure request") }, ["case.erase:success"])
        // The only events a front end writes itself come from a closed set, each with its own action and details.
        XCTAssertEqual(try newEvents {
            try t.vault.record(.signedIn(session: "ses-1"))
            try t.vault.record(.signedOut(session: "ses-1"))
            try manager.record(.restored(documents: 3))
        }, ["session.login:success", "session.logout:success", "vault.restore:success"])
        let recorded = try TemporaryVault.administrator(of: t.vault).auditLog(caseID: nil, since: nil, actor: nil)
            .filter { !$0.action.hasPrefix("state.") }.suffix(3)
        XCTAssertEqual(recorded.map(\.details), [["session": "ses-1"], ["session": "ses-1"], ["documents": "3"]])
        XCTAssertEqual(recorded.map(\.actor), [t.vault.actor, t.vault.actor, manager.actor])

        // Erasure removes no audit rows, so the chain still verifies, and the details hold ids only.
        try t.vault.writeCheckpoint()
        XCTAssertTrue(try t.reopen().verifyAudit(external: nil).ok)
        let log = try t.reopen(as: t.administratorID).auditLog(caseID: caseID, since: nil, actor: nil)
        XCTAssertTrue(log.contains { $0.action == "document.ingest" && $0.documentID == docID.rawValue })
        let everything = try JSONEncoder().encode(try t.reopen(as: t.administratorID).auditLog(caseID: nil, since: nil, actor: nil))
        for secret in ["Margaret", "Ellis", "a.txt", "erasure request", "bk"] {
            XCTAssertNil(everything.range(of: Data(secret.utf8)), "\(secret) appears in the audit log")
        }
    }

    func testTamperingInTheDatabaseIsDetectedWithTheRightKind() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        for index in 0..<6 { _ = try t.ingest(caseID, [try t.file("f\(index).txt", pattern(100, seed: UInt64(index)))]) }
        try t.vault.writeCheckpoint()
        let exported = try XCTUnwrap(try t.vault.latestCheckpoint())
        let database = t.paths.root + "/vault.db"
        func tamper(_ sql: String) throws -> Vault.AuditVerification {
            let backup = t.directory.path + "/pristine-\(UUID().uuidString).db"
            try t.vault.store.backup(to: backup)
            let queue = try DatabaseQueue(path: database)
            try queue.write { try $0.execute(sql: sql) }
            let result = try t.reopen().verifyAudit(external: exported)
            // Put the pristine database back for the next case.
            try queue.write { db in
                try db.execute(sql: "ATTACH DATABASE ? AS pristine", arguments: [backup])
                try db.execute(sql: "DELETE FROM audit_events; INSERT INTO audit_events SELECT * FROM pristine.audit_events")
                try db.execute(sql: "DELETE FROM audit_checkpoints; INSERT INTO audit_checkpoints SELECT * FROM pristine.audit_checkpoints")
            }
            try queue.writeWithoutTransaction { try $0.execute(sql: "DETACH DATABASE pristine") }
            return result
        }
        for column in ["time", "actor", "action", "case_id", "document_id", "outcome", "details", "rule_ids"] {
            let value = column == "details" ? "'{\"bytes\":\"1\"}'" : column == "rule_ids" ? "'[\"R-X\"]'" : "'x'"
            XCTAssertEqual(try tamper("UPDATE audit_events SET \(column) = \(value) WHERE seq = 7").breakKind, "modified_entry", column)
        }
        XCTAssertEqual(try tamper("DELETE FROM audit_events WHERE seq = 7").breakKind, "deleted_entry")
        XCTAssertEqual(try tamper("UPDATE audit_events SET seq = -1 WHERE seq = 7; UPDATE audit_events SET seq = 7 WHERE seq = 8; UPDATE audit_events SET seq = 8 WHERE seq = -1").breakKind,
                       "reordered_entries")
        let last = try XCTUnwrap(try t.reopen(as: t.administratorID).auditLog(caseID: nil, since: nil, actor: nil).last?.sequence)
        XCTAssertEqual(try tamper("DELETE FROM audit_events WHERE seq >= \(last - 1); DELETE FROM audit_checkpoints").breakKind,
                       "truncated_after_checkpoint")
        XCTAssertEqual(try tamper("UPDATE audit_checkpoints SET checkpoint = replace(checkpoint, '\"sequence\":', '\"sequence\":1')").breakKind,
                       "checkpoint_signature_invalid")
        XCTAssertTrue(try t.reopen().verifyAudit(external: exported).ok, "pristine again")
    }

    func testAFailedAuditWriteFailsTheActionAndChangesNothing() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let existing = t.storedID(try t.ingest(caseID, [try t.file("kept.txt", pattern(500, seed: 3))])[0])
        let queue = try DatabaseQueue(path: t.paths.root + "/vault.db")
        try queue.write { try $0.execute(sql: "CREATE TRIGGER no_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'audit log is read-only'); END") }
        let vault = try t.reopen()
        let objectsBefore = try vault.blobs.storedDocumentIDs().keys.sorted()

        XCTAssertThrowsError(try vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: try t.file("new.txt", pattern(900, seed: 4)))], options: .init()))
        XCTAssertEqual(try vault.store.read { try $0.documents(caseID: caseID.rawValue) }.map(\.id), [existing.rawValue], "no row")
        XCTAssertEqual(try vault.blobs.storedDocumentIDs().keys.sorted(), objectsBefore, "no blob")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.paths.root + "/tmp"), [])

        var sink = ArraySink()
        XCTAssertThrowsError(try vault.decrypt(documentID: existing, to: &sink))
        XCTAssertEqual(sink.bytes, [], "no plaintext leaves when the read cannot be recorded")
        XCTAssertThrowsError(try vault.addPerson(.init(name: "Someone New")))
        XCTAssertEqual(try vault.people().count, 1)
        XCTAssertThrowsError(try vault.eraseCase(caseID, reason: "again"))
        XCTAssertEqual(try vault.caseDetail(caseID).status, "open")
        XCTAssertEqual(try vault.plaintextWithoutAudit(existing.rawValue), pattern(500, seed: 3))
    }
}

extension Vault {
    /// Test-only: checks the blob still decrypts without going through the audited path.
    func plaintextWithoutAudit(_ id: String) throws -> [UInt8] {
        let (_, key, fd) = try prepareRead(id)
        defer { close(fd) }
        var source = FileDescriptorSource(fd: fd)
        var sink = ArraySink()
        try Cobblestone256.decrypt(from: &source, to: &sink, key: key, context: hierarchy.documentContext(documentID: id))
        return sink.bytes
    }
}
