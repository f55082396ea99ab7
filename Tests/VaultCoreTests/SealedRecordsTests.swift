import Consent
import Foundation
import GRDB
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Issue 18: records about a person that reveal a health fact look like any other person record in vault.db, and
/// sealed values are bound to their ledger version (an older value put back does not open). Every tamper is made with
/// SQLite directly, with no key.
final class SealedRecordsTests: XCTestCase {
    func sql(_ t: TemporaryVault, _ statement: String, _ arguments: StatementArguments = []) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        try DatabaseQueue(path: t.paths.root + "/vault.db", configuration: configuration).write { try $0.execute(sql: statement, arguments: arguments) }
    }

    func value(_ t: TemporaryVault, _ query: String) throws -> String? {
        try DatabaseQueue(path: t.paths.root + "/vault.db").read { try String.fetchOne($0, sql: query) }
    }

    /// vault.db and its WAL, as someone with the folder and no key reads them.
    func databaseBytes(_ t: TemporaryVault) throws -> Data {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: t.paths.root + "/vault.db"))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: t.paths.root + "/vault.db-wal")) { bytes += wal }
        return bytes
    }

    let assessment = CapacityAssessment(decision: "conduct NHS complaint", date: CivilDate(iso: "2025-02-01")!, result: .lacksCapacity,
                                        assessor: "Dr B")

    func testACapacityAssessmentLeavesNoTraceOfItsKindInVaultDB() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let client = try t.vault.caseDetail(caseID).client
        let id = try t.vault.recordCapacity(personID: client, assessment: assessment, caseID: caseID)
        _ = try t.vault.updatePersonStatus(client) { $0.objectsTo = ["daughter"] }
        _ = try t.vault.editPerson(client, changes: [.address: "5 Mill Lane"])
        XCTAssertTrue(id.hasPrefix("rec-"), id)

        // Read through every path: the capacity list, the consent engine's facts, status and history.
        XCTAssertEqual(try t.vault.capacityAssessments(personID: client).map(\.id), [id])
        XCTAssertEqual(try t.vault.capacityAssessments(personID: client).first?.assessment, assessment)
        XCTAssertEqual(try t.vault.consentFacts(caseID: caseID.rawValue).person.capacityAssessments, [assessment])
        XCTAssertEqual(try t.vault.personStatus(client).objectsTo, ["daughter"])
        XCTAssertEqual(try t.vault.personHistory(client).map(\.field), [.address])
        XCTAssertEqual(try t.reopen().verify(readData: true, repair: false, record: false).problems, [])

        // In clear: three records of one generic type under random ids, and one generic audit action.
        XCTAssertEqual(try value(t, "SELECT group_concat(DISTINCT record_type) FROM consent_records WHERE case_id IS NULL"), "person_record")
        XCTAssertEqual(try value(t, "SELECT count(*) FROM consent_records WHERE person_id = '\(client)' AND case_id IS NULL AND id LIKE 'rec-%'"), "3")
        XCTAssertEqual(try value(t, "SELECT count(*) FROM audit_events WHERE action = 'person.record'"), "2", "the assessment and the status")
        let bytes = try databaseBytes(t)
        for revealing in ["capacity.record", "cap-", "status-per-", "history-per-", "person.status", "person_status", "person_history", "\"assessment\""] {
            XCTAssertNil(bytes.range(of: Data(revealing.utf8)), "\(revealing) is in vault.db")
        }
        XCTAssertEqual(try value(t, "SELECT count(*) FROM consent_records WHERE record_type = 'capacity'"), "0")

        // Erasure reaches them: the client was on no other case.
        _ = try t.asManager().eraseCase(caseID, reason: "Complaint withdrawn")
        XCTAssertEqual(try value(t, "SELECT count(*) FROM consent_records WHERE person_id = '\(client)' AND case_id IS NULL"), "0")
        XCTAssertEqual(try t.reopen().verify(readData: true, repair: false, record: false).problems, [])
    }

    /// Writes a row as a release before this one did: format 1 (no version in the AAD), its kind in clear.
    func saveEarlierRecord(_ t: TemporaryVault, id: String, type: Vault.ConsentRecordType, personID: String, value: some Encodable) throws {
        let vault = t.vault
        try vault.store.write { tx in
            let payload = Array(try SealedFormat.encode(value, with: JSONEncoder()))
            let sealed = try KeyHierarchy.seal(payload, fieldKey: try vault.metadataFieldKey(tx), table: "consent_records", column: type.rawValue,
                                               rowID: id, binding: Array("\(type.rawValue)||\(personID)".utf8))
            try tx.save(ConsentRecord(id: id, recordType: type.rawValue, personID: personID, createdAt: "2025-02-0\(type == .capacity ? 1 : 2)T10:00:00Z",
                                      updatedAt: "2025-02-02T10:00:00Z", sealed: sealed))
        }
    }

    /// An earlier release's capacity assessment and status: the upgrade makes them opaque once (one write, one event),
    /// reads them back the same, and leaves a row changed outside casevault as it is, named.
    func testAnEarlierReleasesPersonRecordsAreMadeOpaqueOnce() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let client = try t.vault.caseDetail(caseID).client
        let other = try t.vault.addPerson(.init(name: "Brian Cole")).rawValue
        try t.vault.addCasePerson(caseID: caseID, personID: PersonID(other), role: .thirdParty, firstNameIsSafe: false)
        var status = Vault.PersonStatus()
        status.deceased = true
        status.dateOfDeath = CivilDate(iso: "2025-01-20")
        try saveEarlierRecord(t, id: "cap-0011223344556677", type: .capacity, personID: client.rawValue,
                              value: Vault.StoredCapacityAssessment(id: "cap-0011223344556677", personID: client.rawValue, assessment: assessment))
        try saveEarlierRecord(t, id: "status-" + client.rawValue, type: .personStatus, personID: client.rawValue, value: status)
        try saveEarlierRecord(t, id: "cap-8899aabbccddeeff", type: .capacity, personID: other,
                              value: Vault.StoredCapacityAssessment(id: "cap-8899aabbccddeeff", personID: other, assessment: assessment))
        try t.vault.store.write { tx in try tx.setMeta(Vault.sealedColumnsMeta, "3") }
        try t.vault.writeCheckpoint()
        // The earlier format reads before the upgrade, too.
        XCTAssertEqual(try t.vault.capacityAssessments(personID: client).map(\.id), ["cap-0011223344556677"])
        // Someone with the file, and no key, moves the second person's assessment to another date.
        try sql(t, "UPDATE consent_records SET created_at = '2025-03-01T10:00:00Z' WHERE id = 'cap-8899aabbccddeeff'")

        let opened = try t.reopen()
        let events = try opened.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil) }.filter { $0.event.action == "vault.seal_columns" }
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.event.details["person_records"], "2")
        XCTAssertEqual(events.first?.event.details["sealed_records_left"], "cap-8899aabbccddeeff")
        XCTAssertNotNil(events.first?.event.details["sealed_records"])
        let moved = try opened.capacityAssessments(personID: client)
        XCTAssertEqual(moved.map(\.assessment), [assessment])
        XCTAssertTrue(try XCTUnwrap(moved.first?.id).hasPrefix("rec-"), "the assessment's own id moved with its row")
        XCTAssertEqual(try opened.personStatus(client).dateOfDeath, CivilDate(iso: "2025-01-20"))
        XCTAssertEqual(try opened.consentFacts(caseID: caseID.rawValue).person.deceased, true)
        XCTAssertEqual(try value(t, "SELECT count(*) FROM consent_records WHERE record_type IN ('capacity', 'person_status')"), "1")
        XCTAssertEqual(try value(t, "SELECT count(*) FROM consent_records WHERE id LIKE 'status-%'"), "0")
        XCTAssertEqual(try value(t, "SELECT created_at FROM consent_records WHERE id = '\(try XCTUnwrap(moved.first?.id))'"),
                       "2025-02-01T10:00:00Z", "kept its place in the order")
        // Every row casevault wrote is now format 2 (version-bound); the changed one is left, and verify names only it.
        // (A case's working records, which a key file opens, moved on under their case keys: format 3, `cvr3`; person
        // records and authorities of people under a directory key, under that key: format 4, `cvr4`.)
        XCTAssertEqual(try value(t, "SELECT count(*) FROM consent_records WHERE substr(sealed, 1, 4) NOT IN (CAST('cvr2' AS BLOB), CAST('cvr3' AS BLOB), CAST('cvr4' AS BLOB))"), "1")
        XCTAssertEqual(try value(t, "SELECT count(*) FROM consent_records WHERE substr(sealed, 1, 4) = CAST('cvr3' AS BLOB) AND record_type IN ('authority', 'case_facts')"), "0")
        let problems = try opened.verify(readData: true, repair: false, record: false).problems
        XCTAssertEqual(Set(problems.map(\.id)), ["sealed cap-8899aabbccddeeff", "cap-8899aabbccddeeff"], "\(problems)")
        // Opening again does nothing more.
        _ = try t.reopen()
        XCTAssertEqual(try value(t, "SELECT count(*) FROM audit_events WHERE action = 'vault.seal_columns'"), "1")
    }

    /// The "withdrawal undone": the old sealed value put back, with the index rows rewritten to match.
    func testAReplayedOlderConsentValueDoesNotOpenAndIsNamed() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        let document = t.storedID(try t.ingest(caseID, [try t.file("letter.txt", Array("Dear Sir,\nA letter.\n".utf8))])[0])
        let consent = try XCTUnwrap(try t.vault.authorities(caseID: caseID).first).authority.id
        let before = try XCTUnwrap(try t.vault.store.read { try $0.consentRecord(consent) })
        let indexBefore = try XCTUnwrap(try t.vault.store.read { try $0.recordState(kind: "sealed", id: consent) })
        _ = try t.vault.withdrawAuthority(RecordID(consent), on: t.vault.today(), receivedBy: .letter)
        try t.vault.writeCheckpoint()
        XCTAssertNotNil(try t.reopen().authority(RecordID(consent)).authority.withdrawnOn)

        // The old value back, and the index's hash of it (unkeyed: anyone can compute it), version left as it is: the
        // value no longer opens, since its AAD names the version it was written at.
        try sql(t, "UPDATE consent_records SET sealed = ?, updated_at = ? WHERE id = ?", [before.sealed, before.updatedAt, consent])
        try sql(t, "UPDATE record_state SET hash = ? WHERE kind = 'sealed' AND record_id = ?", [indexBefore.hash, consent])
        let damaged = try t.reopen().verify(readData: true, repair: false, record: false).problems
        XCTAssertTrue(damaged.contains { $0.kind == "consent_record" && $0.id == consent }, "\(damaged)")
        XCTAssertThrowsError(try t.reopen().plaintext(documentID: document))

        // The version rewound as well: the value opens again, but the log and the signed state name the record,
        // and no command relies on it.
        try sql(t, "UPDATE record_state SET version = ? WHERE kind = 'sealed' AND record_id = ?", [indexBefore.version, consent])
        let vault = try t.reopen()
        let replayed = try vault.store.read { tx in try vault.openConsent(before, as: Vault.StoredAuthority.self, in: tx) }
        XCTAssertNil(replayed.authority.withdrawnOn, "the withdrawal would be undone")
        let named = try vault.verify(readData: true, repair: false, record: false).problems
        XCTAssertTrue(named.contains { $0.kind == "state" && $0.id == "sealed \(consent)" }, "\(named)")
        XCTAssertThrowsError(try t.reopen().plaintext(documentID: document)) { error in
            guard case VaultError.changedOutside = error else { return XCTFail("\(error)") }
        }
    }

    /// A value in the earlier format (no version in its AAD), as a backup from before the upgrade holds it, is refused
    /// once every row of the vault is bound to its version.
    func testAnEarlierFormatValueIsRefusedOnceTheVaultIsUpgraded() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let client = try t.vault.caseDetail(caseID).client
        try saveEarlierRecord(t, id: "cap-0011223344556677", type: .capacity, personID: client.rawValue,
                              value: Vault.StoredCapacityAssessment(id: "cap-0011223344556677", personID: client.rawValue, assessment: assessment))
        let earlier = try XCTUnwrap(try t.vault.store.read { try $0.consentRecord("cap-0011223344556677") })
        // At level 4 (a new vault) the same row no longer opens.
        XCTAssertThrowsError(try t.vault.capacityAssessments(personID: client)) { error in
            guard case VaultError.damagedField = error else { return XCTFail("\(error)") }
        }
        try t.vault.store.write { tx in try tx.setMeta(Vault.sealedColumnsMeta, "3") }
        XCTAssertNoThrow(try t.vault.store.read { tx in try t.vault.openConsent(earlier, as: Vault.StoredCapacityAssessment.self, in: tx) })
    }
}
