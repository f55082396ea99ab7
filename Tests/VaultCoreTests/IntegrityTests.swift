import Foundation
import GRDB
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Issue 18: a clock that cannot go back, a vault that cannot be rolled back under the mark kept outside it, and
/// erasure that reaches the people who were only on the erased case.
final class IntegrityTests: XCTestCase {
    func open(_ t: TemporaryVault, now: @escaping () -> Date = Date.init, marks: StateMarks? = nil,
              accept: OlderStateAcceptance? = nil) throws -> Vault {
        try Vault(try VaultSetup.open(paths: t.paths) { throw KeyFileError.passphraseRequired }, actor: t.administratorID, now: now,
                  stateMarks: marks, acceptOlderState: accept)
    }

    func testAClockBehindTheNewestAuditEventIsRefusedNamingBothTimes() throws {
        let t = try TemporaryVault()
        _ = try t.openCase()
        let newest = try XCTUnwrap(try t.vault.store.read { try $0.lastAuditEntry() }).event.time
        XCTAssertThrowsError(try open(t, now: { Date().addingTimeInterval(-3600) })) { error in
            guard case VaultError.clockBehind(let now, let stored) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(stored, newest)
            XCTAssertTrue((error as? VaultError)?.description.contains(now) == true && (error as? VaultError)?.description.contains(newest) == true)
            XCTAssertTrue((error as? VaultError)?.description.contains("clock") == true, "the message says it is the clock")
        }
        // Within the tolerance (a clock a few minutes slow) the vault opens.
        XCTAssertNoThrow(try open(t, now: { Date().addingTimeInterval(-240) }))
        // An event written by a clock running ahead dates the log: the real clock is then behind it and refused.
        let ahead = try open(t, now: { Date().addingTimeInterval(2 * 3600) })
        try ahead.audit(ahead.event("vault.verify"))
        XCTAssertThrowsError(try open(t)) { error in
            guard case VaultError.clockBehind = error else { return XCTFail("\(error)") }
        }
    }

    func testTruncatingTheAuditTailIsRefusedAgainstTheMarkAndAcceptingMovesIt() throws {
        let t = try TemporaryVault()
        let marks = StateMarks(directory: t.directory.appendingPathComponent("state/casevault").path)
        let caseID = try t.openCase()
        let advocate = try XCTUnwrap(t.advocateID)
        let vault = try Vault(try VaultSetup.open(paths: t.paths) { throw KeyFileError.passphraseRequired }, actor: advocate, stateMarks: marks)
        vault.acknowledged = t.vault.acknowledged
        _ = try vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: try t.file("late.txt", pattern(500, seed: 9)))], options: .init())
        let checkpoint = try XCTUnwrap(try vault.writeCheckpoint())
        let markPath = try marks.path(vaultID: t.vault.info.vaultID, folder: t.paths.root)
        let mark = try JSONDecoder().decode(StateMark.self, from: Data(contentsOf: URL(fileURLWithPath: markPath)))
        XCTAssertEqual(mark.sequence, checkpoint.sequence)
        XCTAssertEqual(try PrivateFiles.status(markPath)?.mode, 0o600)
        XCTAssertEqual(try PrivateFiles.status(marks.directory)?.mode, 0o700)
        XCTAssertNoThrow(try open(t, marks: marks), "the vault at its own mark opens")

        // The last three events and their checkpoints go, with SQLite and no key.
        let queue = try DatabaseQueue(path: t.paths.root + "/vault.db")
        try queue.write { db in
            try db.execute(sql: "DELETE FROM audit_events WHERE seq > ?", arguments: [checkpoint.sequence - 3])
            try db.execute(sql: "DELETE FROM audit_checkpoints WHERE json_extract(checkpoint, '$.sequence') > ?", arguments: [checkpoint.sequence - 3])
        }
        XCTAssertTrue(try t.reopen(as: t.administratorID).verifyAudit(external: nil).ok, "the chain alone cannot see a cut tail")
        XCTAssertThrowsError(try open(t, marks: marks)) { error in
            XCTAssertEqual(error as? VaultError, .olderState(markTime: mark.time, markSequence: mark.sequence, vaultSequence: checkpoint.sequence - 3))
        }
        let accepted = try open(t, marks: marks, accept: .accepted(reason: "tail lost in a disk repair"))
        XCTAssertEqual(accepted.acceptedOlderState?.mark, mark)
        let moved = try XCTUnwrap(try accepted.writeCheckpoint())
        XCTAssertLessThan(moved.sequence, mark.sequence, "the mark went back on purpose")
        let stored = try XCTUnwrap(try accepted.store.read { try $0.lastAuditEntry() }).event
        XCTAssertEqual(stored.action, "vault.accept_older_state")
        XCTAssertNil(stored.details["reason"], "a typed reason is sealed in the log")
        let event = try accepted.store.read { accepted.openingPrivateParts(of: stored, in: $0) }
        XCTAssertEqual(event.details["reason"], "tail lost in a disk repair")
        XCTAssertNoThrow(try open(t, marks: marks), "accepted once: the next open needs nothing")

        // A mark whose signature does not verify is reported, not ignored.
        var forged = try JSONDecoder().decode(StateMark.self, from: Data(contentsOf: URL(fileURLWithPath: markPath)))
        forged.sequence += 100
        try JSONEncoder().encode(forged).write(to: URL(fileURLWithPath: markPath))
        XCTAssertThrowsError(try open(t, marks: marks)) { error in
            XCTAssertEqual(error as? VaultError, .stateMarkInvalid(path: markPath))
        }
    }

    /// A value written with sqlite3 that reads back like the original (text cut at a NUL, or the same text stored as
    /// bytes) leaves the record's hash unchanged: verify still names it, from the stored bytes.
    func testTextThatReadsLikeTheOriginalButIsNotIsNamed() throws {
        let t = try TemporaryVault()
        _ = try t.openCase()
        XCTAssertTrue(try t.vault.verify(readData: false, repair: false, record: false).ok)
        let queue = try DatabaseQueue(path: t.paths.root + "/vault.db")
        try queue.write { db in
            try db.execute(sql: "UPDATE consent_records SET record_type = record_type || char(0) || 'x' WHERE rowid = (SELECT min(rowid) FROM consent_records)")
        }
        var problems = try t.reopen().verify(readData: false, repair: false, record: false).problems.map(\.message)
        XCTAssertTrue(problems.contains { $0.contains("consent_records.record_type") }, "\(problems)")
        try queue.write { db in
            try db.execute(sql: "UPDATE consent_records SET record_type = substr(record_type, 1, instr(record_type, char(0)) - 1)")
            try db.execute(sql: "UPDATE advocates SET role = CAST(role AS BLOB) WHERE rowid = (SELECT min(rowid) FROM advocates)")
        }
        problems = try t.reopen().verify(readData: false, repair: false, record: false).problems.map(\.message)
        XCTAssertTrue(problems.contains { $0.contains("advocates.role") }, "\(problems)")
        XCTAssertFalse(problems.contains { $0.contains("consent_records.record_type") }, "\(problems)")
    }

    func testErasingACaseErasesThePeopleWhoWereOnNoOtherCase() throws {
        let t = try TemporaryVault()
        let erased = try t.openCase(client: "Margaret Ellis")
        let advocate = try XCTUnwrap(t.advocateID)
        let client = try t.vault.caseDetail(erased).client
        let sister = try t.vault.addPerson(.init(name: "Joan Ellis", dob: "1950-02-02", nhsNumber: "943 476 5919", address: "1 Mill Lane")).rawValue
        let shared = try t.vault.addPerson(.init(name: "Peter Shaw"))
        try t.vault.addCasePerson(caseID: erased, personID: PersonID(sister), role: .relative, firstNameIsSafe: false)
        try t.vault.addCasePerson(caseID: erased, personID: shared, role: .representative, firstNameIsSafe: false)
        // Peter is also on a case that stays, so he stays.
        let kept = try t.openCase(client: "Dora Quinn")
        try t.vault.addCasePerson(caseID: kept, personID: shared, role: .witness, firstNameIsSafe: false)
        let before = try t.vault.store.read { try $0.person(sister) }

        let report = try t.asManager().eraseCase(erased, reason: "erasure request")
        XCTAssertEqual(Set(report.peopleErased), [client.rawValue, sister])

        for id in [client.rawValue, sister] {
            let row = try XCTUnwrap(try t.vault.store.read { try $0.person(id) })
            XCTAssertEqual(row.erasedAt, report.erasedAt)
            XCTAssertTrue(row.nameSealed.isEmpty && row.nameIndex.isEmpty, "no name or name index left for \(id)")
            XCTAssertNil(row.dobSealed)
            XCTAssertNil(row.nhsNumberSealed)
            XCTAssertNil(row.nhsNumberIndex)
            XCTAssertNil(row.addressSealed)
            XCTAssertTrue(try t.vault.store.read { try $0.consentRecords(type: nil, caseID: nil, personID: id) }.isEmpty)
        }
        XCTAssertNotNil(before?.nhsNumberIndex, "the sister had an NHS number index before")
        // `person show` says they were erased, to the advocate who registered them and to the manager.
        for vault in [try t.reopen(as: advocate), try t.asManager()] {
            XCTAssertThrowsError(try vault.person(PersonID(sister))) { error in
                XCTAssertEqual(error as? VaultError, .personErased(id: sister, erasedAt: report.erasedAt))
                XCTAssertTrue("\(error)".contains("erased"))
            }
        }
        XCTAssertThrowsError(try t.asManager().person(client)) { XCTAssertEqual($0 as? VaultError, .personErased(id: client.rawValue, erasedAt: report.erasedAt)) }
        XCTAssertTrue(try t.reopen(as: advocate).findPeople(nhsNumber: "9434765919", name: nil).isEmpty, "the blind index no longer finds her")
        XCTAssertEqual(try t.vault.person(shared).name, "Peter Shaw", "on another case: kept")
        XCTAssertFalse(try t.reopen(as: advocate).people().contains { $0.id == sister })
        XCTAssertTrue(try t.asManager().verify(readData: true, repair: false).ok, "an erased person is not damage")
    }
}

/// A mark belongs to a vault folder: a copy in another folder (a backup being checked) has its own and never makes
/// the working vault look older, while the same folder put back from an old copy is caught.
final class StateMarkFolderTests: XCTestCase {
    func testACopyInAnotherFolderKeepsItsOwnMark() throws {
        let t = try TemporaryVault()
        let marks = StateMarks(directory: t.directory.appendingPathComponent("state/casevault").path)
        let id = t.vault.info.vaultID
        let here = try marks.path(vaultID: id, folder: t.paths.root)
        XCTAssertEqual(try marks.path(vaultID: id, folder: t.paths.root + "/."), here, "the real path decides")
        XCTAssertNotEqual(try marks.path(vaultID: id, folder: t.directory.appendingPathComponent("backup").path), here)
        XCTAssertThrowsError(try marks.path(vaultID: "../evil", folder: t.paths.root), "an edited id never becomes a path")
    }
}
