import Consent
import Foundation
import GRDB
import VaultModel
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Issue 17, "keys follow entitlement", when someone leaves an organisation: its directory key is rotated in the
/// removal's transaction (Vault+DirectoryKeyRotation).
extension EntitlementKeysTests {
    /// Someone leaves the organisation: removing them rotates its directory key, so the key they could copy while a
    /// member opens no one registered afterwards, nor the people and records re-sealed then; the others still read.
    func testRemovingAMemberRotatesTheDirectoryKeySoTheirCopyOpensNoLaterPerson() throws {
        let (w, _, client) = try recordsWorld()
        let kim = try w.addAccount("Kim Hale", org: w.org1)
        _ = try w.open(as: w.sam).shareHeldCaseKeys()
        let scope = KeyHierarchy.organisationScope(w.org1)
        let copied = try keysOpened(by: kim, in: w).filter { $0.scope == scope }.map(\.key)
        XCTAssertFalse(copied.isEmpty, "Kim was given the directory key and could copy it")
        XCTAssertEqual(try w.open(as: kim).person(PersonID(client)).name, "Margaret Ellis")

        _ = try w.open(as: w.lee).removeAccount(AccountID(kim))
        let sam = try w.open(as: w.sam)
        let later = try sam.addPerson(.init(name: "Rita Moss", dob: "1950-02-02", address: "1 Quay Street, Wells")).rawValue
        let db = try DatabaseQueue(path: w.root + "/vault.db")
        for personID in [later, client] {
            let row = try XCTUnwrap(try db.read { try Row.fetchOne($0, sql: "SELECT * FROM people WHERE id = ?", arguments: [personID]) })
            for column in Self.personColumns {
                guard let sealed = row[column + "_sealed"] as Data? else { continue }
                let header = try XCTUnwrap(PersonSealing.parse(sealed))
                XCTAssertEqual(header.ref, PersonKeyRef(scope: scope, version: 2), "\(personID).\(column)")
                XCTAssertFalse(try opens(sealed, keys: copied, table: "people", column: column, rowID: personID, offsets: [0, header.boxOffset],
                                         bindings: [[]]), "\(personID).\(column) opened with the copied key")
            }
        }
        // The client's records and authority followed her under the new version.
        let records = try db.read { try Row.fetchAll($0, sql: "SELECT id, record_type, case_id, sealed FROM consent_records WHERE person_id = ?",
                                                     arguments: [client]) }
        XCTAssertEqual(Set(records.map { $0["record_type"] as String }), ["authority", "person_record"])
        for row in records {
            let sealed: Data = row["sealed"]
            let header = try XCTUnwrap(PersonSealing.parse(Data("cvp1".utf8) + sealed.dropFirst(4)))
            XCTAssertEqual(header.ref.version, 2)
            let type: String = row["record_type"]
            let base = Array("\(type)|\(row["case_id"] as String? ?? "")|\(client)".utf8)
            var bindings: [[UInt8]] = []
            for ledger in 1...8 {
                let withLedger: [UInt8] = base + [0] + Array("ledger-version/v2\u{0}\(ledger)".utf8)
                for version in 1...2 { bindings.append(withLedger + [0] + Array("person-key/v4\u{0}\(scope)\u{0}\(version)".utf8)) }
            }
            XCTAssertFalse(try opens(sealed, keys: copied, table: "consent_records", column: type, rowID: row["id"], offsets: [header.boxOffset],
                                     bindings: bindings))
        }
        // The remaining members read everyone; Kim acts no more.
        XCTAssertEqual(try sam.person(PersonID(later)).address, "1 Quay Street, Wells")
        XCTAssertEqual(try w.open(as: w.lee).person(PersonID(client)).name, "Margaret Ellis")
        try assertReadsTheRecords(sam, client: client, caseID: w.caseID.rawValue)
        XCTAssertThrowsError(try w.open(as: kim).person(PersonID(later)))
        XCTAssertTrue(try sam.verify(readData: false, repair: false).ok)
    }

    /// A manager the administrator added after the directory key was shared holds no copy of it: removing a member, which
    /// rotates that key, is refused before anything is written, naming who holds it; with the organisation's recovery
    /// key (rebuilt from its trustees' shares) the removal goes through, rotation and all.
    func testAManagerWithoutTheDirectoryKeyIsToldWhoHoldsItOrRemovesWithTheRecoveryKey() throws {
        let (w, _, client) = try recordsWorld()
        let kim = try w.addAccount("Kim Hale", org: w.org1)
        _ = try w.open(as: w.sam).shareHeldCaseKeys()
        // Confirmed by someone holding no copy of the directory key (a confirmation shares what the confirmer holds,
        // so Lee or Sam confirming would give it): the mark is cleared directly, through the ledgered store.
        let pat = try w.addAccount("Pat Green", org: w.org1, role: .manager, confirm: false)
        let admin = try w.open(as: w.admin)
        try admin.store.write { tx in
            var record = try XCTUnwrap(try tx.advocate(pat))
            record.awaitingConfirmationSince = nil
            try tx.update(record)
        }
        let scope = KeyHierarchy.organisationScope(w.org1)
        let copied = try keysOpened(by: kim, in: w).filter { $0.scope == scope }.map(\.key)
        XCTAssertFalse(copied.isEmpty)
        XCTAssertTrue(try keysOpened(by: pat, in: w).filter { $0.scope == scope }.isEmpty, "Pat was not given the directory key")

        func unchanged(_ file: StaticString = #filePath, line: UInt = #line) throws {
            let vault = try w.open(as: w.sam)
            XCTAssertEqual(try vault.store.read { try $0.dataKeyVersions(scope: scope) }, [1], file: file, line: line)
            XCTAssertNil(try vault.store.read { try $0.advocate(kim) }?.removedAt, file: file, line: line)
            XCTAssertEqual(try w.open(as: kim).person(PersonID(client)).name, "Margaret Ellis", file: file, line: line)
        }
        XCTAssertThrowsError(try w.open(as: pat).removeAccount(AccountID(kim))) { error in
            guard case AccessError.refused(_, _, let subject, let reason) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(subject, kim)
            XCTAssertTrue(reason.text.contains("Lee Morgan (\(w.lee))") && reason.text.contains("Sam Carter (\(w.sam))"), reason.text)
            XCTAssertTrue(reason.text.contains("can remove \(kim) themselves"), reason.text)
            XCTAssertTrue(reason.text.contains("recovery key"), reason.text)
            XCTAssertFalse(reason.text.contains("Kim Hale"), "the member being removed is not offered as a holder")
        }
        try unchanged()
        // Another organisation's recovery key is refused as such.
        XCTAssertThrowsError(try w.open(as: pat).removeAccount(AccountID(kim), recoveryKey: try XCTUnwrap(w.recovery[w.org2])))
        try unchanged()

        let remover = try w.open(as: pat)
        XCTAssertEqual(try remover.removeAccount(AccountID(kim), recoveryKey: try XCTUnwrap(w.recovery[w.org1])).accountID, kim)
        XCTAssertFalse(remover.dataKeys.keys.contains(scope + "#1"), "the key opened with the recovery key served the removal only")
        let sam = try w.open(as: w.sam)
        XCTAssertEqual(try sam.store.read { try $0.dataKeyVersions(scope: scope) }, [2])
        // Kim's copy opens no one registered afterwards; Pat, entitled, now holds the new version.
        let later = try sam.addPerson(.init(name: "Rita Moss", dob: "1950-02-02")).rawValue
        let row = try XCTUnwrap(try DatabaseQueue(path: w.root + "/vault.db").read {
            try Row.fetchOne($0, sql: "SELECT name_sealed FROM people WHERE id = ?", arguments: [later])
        })
        let sealed: Data = row["name_sealed"]
        let header = try XCTUnwrap(PersonSealing.parse(sealed))
        XCTAssertFalse(try opens(sealed, keys: copied, table: "people", column: "name", rowID: later, offsets: [0, header.boxOffset], bindings: [[]]))
        let patVault = try w.open(as: pat)
        XCTAssertEqual(try patVault.person(PersonID(client)).name, "Margaret Ellis")
        XCTAssertTrue(try sam.verify(readData: false, repair: false).ok)
    }
}
