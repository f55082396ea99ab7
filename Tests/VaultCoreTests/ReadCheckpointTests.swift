import Consent
import Foundation
import XCTest
@testable import Audit
@testable import VaultCrypto
@testable import VaultCore

/// A team server's read ends right after its event: with `checkpointWithNextEvent` the event and the checkpoint that
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
        vault.checkpointWithNextEvent = true
        var sink = ArraySink()
        try vault.decrypt(documentID: id, to: &sink)
        XCTAssertEqual(sink.bytes, pattern(4000, seed: 7))
        XCTAssertFalse(vault.checkpointWithNextEvent, "the flag is for one event")

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
}
