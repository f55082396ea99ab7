import Consent
import Foundation
import GRDB
import VaultModel
import XCTest
@testable import VaultCrypto
@testable import VaultStore

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
        XCTAssertEqual(try w.open(as: kim).person(client).name, "Margaret Ellis")

        _ = try w.open(as: w.lee).removeAccount(kim)
        let sam = try w.open(as: w.sam)
        let later = try sam.addPerson(.init(name: "Rita Moss", dob: "1950-02-02", address: "1 Quay Street, Wells"))
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
        XCTAssertEqual(try sam.person(later).address, "1 Quay Street, Wells")
        XCTAssertEqual(try w.open(as: w.lee).person(client).name, "Margaret Ellis")
        try assertReadsTheRecords(sam, client: client, caseID: w.caseID)
        XCTAssertThrowsError(try w.open(as: kim).person(later))
        XCTAssertTrue(try sam.verify(readData: false, repair: false).ok)
    }
}
