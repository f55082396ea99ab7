import Consent
import Foundation
import XCTest
@testable import Audit
@testable import VaultCrypto
@testable import VaultCore

/// A team server's read ends right after its event: with `checkpointWithNextWrite` the event and the checkpoint that
/// signs it commit in one transaction, the mark moves after it, and the end of the work has nothing left to write.
final class ReadCheckpointTests: XCTestCase {
    func testAReadsEventCommitsWithItsCheckpointAndTheMarkFollows() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        let id = t.storedID(try t.ingest(caseID, [try t.file("letter.txt", pattern(4000, seed: 7))])[0])
        let marks = StateMarks(directory: t.directory.appendingPathComponent("state/casevault").path)
        let vault = try Vault(try VaultSetup.open(paths: t.paths) { throw KeyFileError.passphraseRequired }, actor: t.vault.actor, stateMarks: marks)
        vault.acknowledged = RuleID.allCases
        try vault.writeCheckpoint()

        // The gate first (its decision event, if any, is written on its own), then the read with the flag.
        _ = try vault.requireConsent(.viewDocuments, ofDocument: id)
        try vault.writeCheckpoint()
        let checkpointsBefore = try vault.store.read { try $0.auditCheckpoints() }.count
        vault.checkpointWithNextWrite = true
        var sink = ArraySink()
        try vault.decrypt(documentID: id, to: &sink)
        XCTAssertEqual(sink.bytes, pattern(4000, seed: 7))
        XCTAssertFalse(vault.checkpointWithNextWrite, "the flag is for one event")

        let (head, checkpoints) = try vault.store.read { (try $0.lastAuditEntry(), try $0.auditCheckpoints()) }
        XCTAssertEqual(head?.event.action, "document.read")
        XCTAssertEqual(checkpoints.count, checkpointsBefore + 1, "one checkpoint, written with the read")
        XCTAssertEqual(checkpoints.last?.sequence, head?.event.sequence, "it signs the read's event")
        XCTAssertEqual(vault.eventsWritten, 0)
        XCTAssertNil(try vault.writeCheckpoint(), "the end of the request has nothing left to sign")
        guard case .valid(let mark) = try marks.read(vaultID: vault.info.vaultID, folder: t.paths.root, publicKey: vault.signingPublicKey) else {
            return XCTFail("no valid mark")
        }
        XCTAssertEqual(mark.sequence, head?.event.sequence, "the mark moved to the read's checkpoint")

        // Without the flag the read's event waits for the end's checkpoint, as a CLI command's does.
        try vault.decrypt(documentID: id, to: &sink)
        XCTAssertEqual(vault.eventsWritten, 1)
        XCTAssertEqual(try vault.store.read { try $0.auditCheckpoints() }.count, checkpointsBefore + 1)
        XCTAssertNotNil(try vault.writeCheckpoint())
        XCTAssertTrue(try t.reopen().verifyAudit(external: nil).ok)
    }

    /// With `deferAllowedDecisions` (a server's download) the gate's decision waits for the read: both events and the
    /// checkpoint signing them commit in one transaction, the decision first; none is left for the end.
    func testADeferredDecisionCommitsWithTheReadItAllowed() throws {
        let (t, vault, id, before) = try vaultWithLetter(seed: 3)
        vault.deferAllowedDecisions = true
        _ = try vault.requireConsent(.viewDocuments, ofDocument: id)
        XCTAssertEqual(try vault.store.read { try $0.lastAuditEntry() }?.event.sequence, before, "held, not written")
        vault.checkpointWithNextWrite = true
        var sink = ArraySink()
        try vault.decrypt(documentID: id, to: &sink)
        XCTAssertEqual(sink.bytes, pattern(3000, seed: 3))

        let (events, checkpoints) = try vault.store.read { tx in
            (try tx.auditEntries(from: before + 1, through: Int64.max), try tx.auditCheckpoints())
        }
        XCTAssertEqual(events.map(\.event.action), ["consent.decision", "document.read"])
        XCTAssertEqual(events.first?.event.outcome, AuditOutcome.success.rawValue)
        XCTAssertEqual(events.first?.event.documentID, id.rawValue)
        XCTAssertEqual(checkpoints.last?.sequence, events.last?.event.sequence, "one checkpoint signs both")
        XCTAssertNil(try vault.writeCheckpoint(), "nothing is left for the end of the request")
        XCTAssertTrue(try t.reopen().verifyAudit(external: nil).ok)
    }

    /// A held decision whose read then fails (the blob is gone) is still recorded: by the end of the request.
    func testADeferredDecisionIsRecordedWhenTheReadFails() throws {
        let (t, vault, id, before) = try vaultWithLetter(seed: 4)
        try FileManager.default.removeItem(atPath: vault.blobs.path(for: id.rawValue))

        vault.deferAllowedDecisions = true
        _ = try vault.requireConsent(.viewDocuments, ofDocument: id)
        vault.checkpointWithNextWrite = true
        var sink = ArraySink()
        XCTAssertThrowsError(try vault.decrypt(documentID: id, to: &sink)) { XCTAssertEqual($0 as? VaultError, .blobMissing(documentID: id.rawValue)) }
        XCTAssertNotNil(try vault.writeCheckpoint(), "the held decision makes the end write")
        let events = try vault.store.read { try $0.auditEntries(from: before + 1, through: Int64.max) }
        XCTAssertEqual(events.map(\.event.action), ["consent.decision"])
        XCTAssertTrue(try t.reopen().verifyAudit(external: nil).ok)
    }

    /// A server's upload: the gate's decision held for the ingest, and `checkpointWithNextWrite`: the ingest's one
    /// write records the decision first, then its own events and the ledger's lines, and signs the head they make.
    func testAnIngestCarriesItsDecisionAndSignsItsOwnCheckpoint() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        let vault = try t.reopen()
        vault.acknowledged = RuleID.allCases
        try vault.writeCheckpoint()
        let before = try vault.store.read { try $0.lastAuditEntry() }?.event.sequence ?? 0

        vault.deferAllowedDecisions = true
        _ = try vault.requireConsent(.ingestDocument, caseID: caseID)
        vault.deferAllowedDecisions = false
        vault.checkpointWithNextWrite = true
        let stored = try vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: try t.file("note.txt", pattern(2000, seed: 5)))], options: .init())
        _ = t.storedID(stored[0])

        let (events, checkpoints) = try vault.store.read { tx in
            (try tx.auditEntries(from: before + 1, through: Int64.max), try tx.auditCheckpoints())
        }
        XCTAssertEqual(events.first?.event.action, "consent.decision", "the decision first, in the ingest's write")
        XCTAssertTrue(events.contains { $0.event.action == "document.ingest" }, "\(events.map(\.event.action))")
        XCTAssertEqual(checkpoints.last?.sequence, events.last?.event.sequence, "the checkpoint signs the write's last line")
        XCTAssertFalse(vault.checkpointWithNextWrite, "the flag is for one write")
        XCTAssertNil(try vault.writeCheckpoint(), "nothing is left for the end of the request")
        XCTAssertTrue(try t.reopen().verifyAudit(external: nil).ok)
    }

    /// A case with one 3 000-byte letter, the vault reopened as its advocate with every warning acknowledged and its
    /// events signed; and the audit head's sequence then.
    func vaultWithLetter(seed: UInt64) throws -> (TemporaryVault, Vault, DocumentID, Int64) {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        let id = t.storedID(try t.ingest(caseID, [try t.file("letter-\(seed).txt", pattern(3000, seed: seed))])[0])
        let vault = try t.reopen()
        vault.acknowledged = RuleID.allCases
        try vault.writeCheckpoint()
        return (t, vault, id, try vault.store.read { try $0.lastAuditEntry() }?.event.sequence ?? 0)
    }
}
