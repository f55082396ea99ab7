import Consent
import Foundation
import GRDB
import XCTest
@testable import Audit
@testable import VaultCrypto
@testable import VaultCore

/// Issue 18's sequences, each made with SQLite directly and no key: `verify` must name what was changed.
final class StateLedgerTests: XCTestCase {
    /// A case with a consent, a registered third party, a note and a document, checkpointed.
    func makeCase() throws -> (TemporaryVault, String, String) {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        let neighbour = try t.vault.addPerson(.init(name: "Brian Cole"))
        try t.vault.addCasePerson(caseID: caseID, personID: neighbour, role: .thirdParty, firstNameIsSafe: false)
        _ = try t.vault.addNote(caseID: caseID, text: "Phoned the ward manager.")
        let document = t.storedID(try t.ingest(caseID, [try t.file("letter.txt", Array("Dear Sir,\nA letter.\n".utf8))])[0])
        try t.vault.writeCheckpoint()
        XCTAssertEqual(try t.reopen().verify(readData: true, repair: false, record: false).problems, [], "a vault casevault wrote is clean")
        return (t, caseID.rawValue, document.rawValue)
    }

    func sql(_ t: TemporaryVault, _ statement: String, _ arguments: StatementArguments = []) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        try DatabaseQueue(path: t.paths.root + "/vault.db", configuration: configuration).write { try $0.execute(sql: statement, arguments: arguments) }
    }

    func stateProblems(_ t: TemporaryVault) throws -> [Vault.VerifyProblem] {
        try t.reopen().verify(readData: false, repair: false, record: false).problems.filter { $0.kind == "state" }
    }

    func testWithdrawalUndoneWithTheOldSealedValueIsNamed() throws {
        let (t, caseID, _) = try makeCase()
        let consent = try XCTUnwrap(try t.vault.authorities(caseID: CaseID(caseID)).first)
        let before = try XCTUnwrap(try t.vault.store.read { try $0.consentRecord(consent.authority.id) })
        _ = try t.vault.withdrawAuthority(RecordID(consent.authority.id), on: t.vault.today(), receivedBy: .letter)
        try sql(t, "UPDATE consent_records SET sealed = ?, updated_at = ? WHERE id = ?", [before.sealed, before.updatedAt, consent.authority.id])
        let problems = try stateProblems(t)
        XCTAssertEqual(problems.map(\.id), ["sealed \(consent.authority.id)"])
        XCTAssertTrue(problems[0].message.contains("older value put back"), problems[0].message)
    }

    func testClearColumnEditOfAnAdvocatesOrganisationIsNamed() throws {
        let (t, _, _) = try makeCase()
        let advocate = try XCTUnwrap(t.advocateID)
        try sql(t, "UPDATE advocates SET organisation_id = NULL WHERE id = ?", [advocate])
        XCTAssertEqual(try stateProblems(t).map(\.id), ["advocate \(advocate)"])
    }

    func testDeletedRegisteredPeopleNotesAndDocumentsAreNamed() throws {
        let (t, caseID, document) = try makeCase()
        let sealedRows = try t.vault.store.read { try $0.consentRecords(type: nil, caseID: caseID, personID: nil) }
        let casePeople = try XCTUnwrap(sealedRows.first { $0.recordType == "case_people" })
        try sql(t, "DELETE FROM consent_records WHERE record_type = 'case_people'")
        XCTAssertEqual(try stateProblems(t).map(\.id), ["sealed \(casePeople.id)"])
        try sql(t, "DELETE FROM documents WHERE id = ?", [document])
        try FileManager.default.removeItem(atPath: t.vault.blobs.path(for: document))
        let problems = try stateProblems(t)
        XCTAssertEqual(Set(problems.map(\.id)), ["sealed \(casePeople.id)", "document \(document)"])
        XCTAssertTrue(problems.allSatisfy { $0.message.contains("deleted outside casevault") })
    }

    /// `document remove` is a ledgered deletion: the vault stays clean, and putting the row back, or deleting the
    /// tombstone that remembers it, is named.
    func testRemovedDocumentIsLedgeredAndItsTombstoneIsCovered() throws {
        let (t, _, document) = try makeCase()
        let row = try XCTUnwrap(try t.vault.store.read { try $0.document(document) })
        _ = try t.vault.removeDocument(DocumentID(document), reason: "filed on the wrong case")
        XCTAssertNil(try t.vault.store.read { try $0.document(document) })
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.vault.blobs.path(for: document)))
        XCTAssertEqual(try t.reopen().verify(readData: true, repair: false, record: false).problems, [])
        try sql(t, "DELETE FROM consent_records WHERE id = ?", ["removed-" + document])
        XCTAssertEqual(try stateProblems(t).map(\.id), ["sealed removed-\(document)"])
        try sql(t, "INSERT INTO documents (id, case_id, kind, media_type, size, document_date, document_date_source, ingested_at, "
                + "ingested_by, case_key_version, wrapped_key, original_name_sealed, ciphertext_size, ciphertext_sha256, content_mac, "
                + "date_source_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [row.id, row.caseID, row.kind, row.mediaType, row.size, row.documentDate, row.documentDateSource, row.ingestedAt,
                 row.ingestedBy, row.caseKeyVersion, row.wrappedKey, row.originalNameSealed, row.ciphertextSize, row.ciphertextSHA256, row.contentMAC,
                 row.dateSourceSealed])
        XCTAssertEqual(Set(try stateProblems(t).map(\.id)), ["sealed removed-\(document)", "document \(document)"])
    }

    func testInsertedRowsAndEditedIndexAreNamed() throws {
        let (t, caseID, _) = try makeCase()
        try sql(t, "INSERT INTO organisations (id, name, created_at) VALUES ('org-evil', 'Another service', '2026-01-01T00:00:00Z')")
        try sql(t, "INSERT INTO case_advocates (case_id, advocate_id) VALUES (?, 'adv-evil')", [caseID])
        XCTAssertEqual(Set(try stateProblems(t).map(\.id)), ["organisation org-evil", "case_advocate \(caseID)/adv-evil"])
        try sql(t, "DELETE FROM organisations WHERE id = 'org-evil'; DELETE FROM case_advocates WHERE advocate_id = 'adv-evil'")
        try sql(t, "UPDATE record_state SET version = version + 1 WHERE kind = 'case'")
        XCTAssertEqual(try stateProblems(t).map(\.id), ["case \(caseID)"])
    }

    /// Wiping the index and the flag so the vault is "adopted" afresh (blessing an edit) is itself reported.
    func testResettingTheLedgerIsReported() throws {
        let (t, _, document) = try makeCase()
        try sql(t, "UPDATE documents SET kind = 'internal_note' WHERE id = ?", [document])
        try sql(t, "DELETE FROM record_state; DELETE FROM vault_meta WHERE key = 'state_ledger'")
        let problems = try stateProblems(t)
        XCTAssertTrue(problems.contains { $0.message.contains("state index was reset") }, "\(problems)")
        XCTAssertTrue(problems.contains { $0.id == "document \(document)" }, "the edit stays visible: \(problems)")
    }

    /// Each checkpoint signs the state digest; one whose digest the log does not lead to is reported.
    func testCheckpointsSignTheStateDigest() throws {
        let (t, _, _) = try makeCase()
        let vault = try t.reopen()
        let checkpoint = try XCTUnwrap(try vault.latestCheckpoint())
        XCTAssertEqual(checkpoint.format, AuditCheckpoint.formatV2)
        var replay = StateReplay()
        for entry in try vault.store.read({ try $0.auditEntries(caseID: nil, since: nil, actor: nil) }) where entry.event.sequence <= checkpoint.sequence {
            replay.apply(entry.event)
        }
        XCTAssertEqual(checkpoint.stateDigest, try replay.root().hexString, "the signed digest is the ledger's root at the checkpoint")
        // A checkpoint carrying another digest, properly signed: verify says the state does not match it.
        let forged = try AuditCheckpoint.sign(vaultID: vault.info.vaultID, sequence: checkpoint.sequence, headMAC: try XCTUnwrap(StateMark.bytes(hex: checkpoint.headMAC)),
                                              time: checkpoint.time, stateDigest: [UInt8](repeating: 7, count: 32), key: vault.secrets.signingKey)
        try vault.store.write { try $0.insert(forged) }
        XCTAssertTrue(try stateProblems(t).contains { $0.id == "checkpoint \(checkpoint.sequence)" })
        // Dropping the digest to pass as a v1 checkpoint breaks the signature.
        var downgraded = checkpoint
        downgraded.format = "casevault-audit-checkpoint/v1"
        downgraded.stateDigest = nil
        XCTAssertFalse(downgraded.hasValidSignature(vaultPublicKey: vault.signingPublicKey))
    }

    /// Ordinary commands check the records they rely on against the signed state: the tampered consent, membership
    /// or account is refused at once, not only by `verify`.
    func testCommandsRefuseRecordsTheVaultDidNotSign() throws {
        func refused(_ t: TemporaryVault, _ document: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertThrowsError(try t.reopen().plaintext(documentID: DocumentID(document)), file: file, line: line) { error in
                guard case VaultError.changedOutside = error else { return XCTFail("\(error)", file: file, line: line) }
            }
        }
        // A withdrawal undone with the old sealed value.
        var (t, caseID, document) = try makeCase()
        XCTAssertNoThrow(try t.reopen().plaintext(documentID: DocumentID(document)), "an untouched vault reads")
        let consent = try XCTUnwrap(try t.vault.authorities(caseID: CaseID(caseID)).first)
        let before = try XCTUnwrap(try t.vault.store.read { try $0.consentRecord(consent.authority.id) })
        _ = try t.vault.withdrawAuthority(RecordID(consent.authority.id), on: t.vault.today(), receivedBy: .letter)
        try t.vault.writeCheckpoint()
        try sql(t, "UPDATE consent_records SET sealed = ?, updated_at = ? WHERE id = ?", [before.sealed, before.updatedAt, consent.authority.id])
        refused(t, document)
        // The index rewound too, to match the old value: its bucket no longer matches the signed digest.
        let oldHash = try StateHash.of(RecordKey(kind: .sealed, id: consent.authority.id), before)
        try sql(t, "UPDATE record_state SET hash = ? WHERE kind = 'sealed' AND record_id = ?", [Data(oldHash), consent.authority.id])
        refused(t, document)
        // A registered third party deleted (their name would no longer be redacted).
        (t, caseID, document) = try makeCase()
        try sql(t, "DELETE FROM consent_records WHERE record_type = 'case_people'")
        refused(t, document)
        // A case assignment added for someone else, and an account moved to another organisation.
        (t, caseID, document) = try makeCase()
        try sql(t, "INSERT INTO case_advocates (case_id, advocate_id) VALUES (?, ?)", [caseID, t.administratorID])
        refused(t, document)
        (t, caseID, document) = try makeCase()
        try sql(t, "UPDATE advocates SET role = 'manager' WHERE id = ?", [try XCTUnwrap(t.advocateID)])
        refused(t, document)
    }
}
