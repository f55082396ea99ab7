import Consent
import Foundation
import GRDB
import VaultModel
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Issue 17, "keys follow entitlement": an advocate of another organisation, with the vault folder and their own
/// identity, decrypts no person and no case detail of a case they are not entitled to, even reading vault.db directly;
/// the receiving organisation of a transfer reads the case's people; an earlier release's rows still open.
final class EntitlementKeysTests: XCTestCase {
    typealias World = IdentityVaultTests.World

    static let personColumns = ["name", "dob", "nhs_number", "address", "phone", "email"]
    /// The case's own record type that stays under the metadata key on purpose (SECURITY.md, "Who can read what"):
    /// the ids of its registered people, its transfers and whom its consents cover, which accounts holding no key to
    /// the case need (Vault+CaseParties). Anything else of the case that opens with a key an outsider holds is a leak.
    static let underMetadataKeyByDesign: Set<String> = ["case_parties"]

    /// Org 1 (Sam, Lee) holds Margaret's case; Sam registers her son on it and changes her address; Alex (org 2)
    /// registers someone of his own, so he holds his organisation's directory key as well as the vault's member keys.
    func world() throws -> (World, son: String, own: String) {
        let w = try World()
        try w.populate()
        let sam = try w.open(as: w.sam)
        let son = try sam.addPerson(.init(name: "Tom Ellis", dob: "1972-05-01", nhsNumber: "9434765919", address: "4 Mill Lane, Diss",
                                          phone: "01379 000000", email: "tom@example.org")).rawValue
        try sam.addCasePerson(caseID: w.caseID, personID: PersonID(son), role: .relative, firstNameIsSafe: false)
        let client = try sam.caseDetail(w.caseID).client
        _ = try sam.editPerson(client, changes: [.address: "12 Church Street, Norwich"])
        _ = try sam.addNote(caseID: w.caseID, text: "Her son says the ward sister was rude")
        let own = try w.open(as: w.alex).addPerson(.init(name: "Priya Shah", dob: "1980-01-01")).rawValue
        return (w, son, own)
    }

    /// Every data key Alex's identity unwraps from key_wrappers, under every holder label and kind.
    func keysOpened(by account: String, in w: World) throws -> [(scope: String, key: SecureBytes)] {
        let privateKey = try w.privateKey(of: account)
        let vault = try w.open(as: account)
        let hierarchy = KeyHierarchy(vaultID: vault.info.vaultID, unlock: vault.hierarchy.unlock)
        let rows = try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try Row.fetchAll(db, sql: "SELECT scope, version, wrapper_kind, wrapper_id, sealed FROM key_wrappers")
        }
        var opened: [(String, SecureBytes)] = []
        for row in rows {
            let wrapper = KeyWrapperRecord(scope: row["scope"], version: row["version"], wrapperKind: row["wrapper_kind"],
                                           wrapperID: row["wrapper_id"], sealed: row["sealed"], createdAt: "")
            for kind in [KeyRecipient.Kind.identity, .recovery] {
                for holder in [wrapper.wrapperID, account] {
                    if let key = try? hierarchy.open(wrapper, with: privateKey, kind: kind, holder: holder) { opened.append((wrapper.scope, key)) }
                }
            }
        }
        return opened
    }

    /// Whether any of `keys` (as a field key derived from it, or used raw) opens `sealed` at any of `offsets` with any
    /// of `bindings`.
    func opens(_ sealed: Data, keys: [SecureBytes], table: String, column: String, rowID: String, offsets: [Int],
                       bindings: [[UInt8]]) throws -> Bool {
        for key in keys {
            for fieldKey in [try KeyHierarchy.fieldKey(key), key] {
                for offset in offsets where sealed.count > offset {
                    for binding in bindings {
                        if (try? KeyHierarchy.open(Data(sealed.dropFirst(offset)), fieldKey: fieldKey, table: table, column: column, rowID: rowID,
                                                   binding: binding)) != nil { return true }
                    }
                }
            }
        }
        return false
    }

    func testAnotherOrganisationsAdvocateOpensNoPersonOrCaseDetailOfTheCaseFromTheDatabase() throws {
        let (w, son, own) = try world()
        let opened = try keysOpened(by: w.alex, in: w)
        // He does hold keys: the vault's member keys and his own organisation's directory key, and nothing of org 1.
        XCTAssertEqual(Set(opened.map(\.scope)), Set(KeyHierarchy.memberScopes + [KeyHierarchy.organisationScope(w.org2)]))
        let keys = opened.map(\.key)
        let client = try w.open(as: w.sam).caseDetail(w.caseID).client
        let db = try DatabaseQueue(path: w.root + "/vault.db")

        // (a) people: every sealed field of the case's client and registered person, at every offset a header could have.
        var fieldsTried = 0
        for personID in [client.rawValue, son] {
            let row = try XCTUnwrap(try db.read { try Row.fetchOne($0, sql: "SELECT * FROM people WHERE id = ?", arguments: [personID]) })
            for column in Self.personColumns {
                guard let sealed = row[column + "_sealed"] as Data? else { continue }
                let header = PersonSealing.parse(sealed)?.boxOffset
                XCTAssertNotNil(header, "\(personID).\(column) is sealed under a named key")
                fieldsTried += 1
                XCTAssertFalse(try opens(sealed, keys: keys, table: "people", column: column, rowID: personID,
                                         offsets: [0, 4, 8, header ?? 0], bindings: [[]]), "\(personID).\(column) opened")
            }
        }
        XCTAssertEqual(fieldsTried, 9, "name, dob and address of the client; all six of the son")

        // The case's details (NHS body, dates), with every binding the format could use.
        let details = try XCTUnwrap(try db.read { try Data.fetchOne($0, sql: "SELECT details_sealed FROM cases WHERE id = ?", arguments: [w.caseID.rawValue]) })
        XCTAssertTrue(details.starts(with: Data("cvd3".utf8)))
        let versionBindings = (1...4).map { Array("case-key-version/v3\u{0}\($0)".utf8) }
        XCTAssertFalse(try opens(details, keys: keys, table: "cases", column: "details", rowID: w.caseID.rawValue, offsets: [0, 4, 8],
                                 bindings: [[]] + versionBindings))

        // Every sealed record of the case: only the kinds kept under the metadata key on purpose may open.
        let rows = try db.read { try Row.fetchAll($0, sql: "SELECT id, record_type, person_id, sealed FROM consent_records WHERE case_id = ?",
                                                  arguments: [w.caseID.rawValue]) }
        var openedTypes = Set<String>()
        for row in rows {
            let type: String = row["record_type"]
            let person: String? = row["person_id"]
            let base = Array("\(type)|\(w.caseID)|\(person ?? "")".utf8)
            var bindings = [base]
            for ledger in 1...6 {
                let withLedger = base + [0] + Array("ledger-version/v2\u{0}\(ledger)".utf8)
                bindings.append(withLedger)
                bindings += (1...3).map { withLedger + [0] + Array("case-key-version/v3\u{0}\($0)".utf8) }
            }
            if try opens(row["sealed"], keys: keys, table: "consent_records", column: type, rowID: row["id"], offsets: [0, 4, 8], bindings: bindings) {
                openedTypes.insert(type)
            }
        }
        XCTAssertTrue(rows.contains { $0["record_type"] == "case_note" })
        XCTAssertTrue(openedTypes.isSubset(of: Self.underMetadataKeyByDesign), "opened: \(openedTypes.sorted())")

        // Through the core: refused or left out, never a crash or ciphertext.
        let alex = try w.open(as: w.alex)
        XCTAssertThrowsError(try alex.person(client))
        XCTAssertThrowsError(try alex.person(PersonID(son)))
        XCTAssertEqual(try alex.people().map(\.id), [own])
        XCTAssertEqual(try alex.findPeopleShown(matching: "Ellis"), [])
        XCTAssertEqual(try alex.findPeople(nhsNumber: "9434765919", name: nil).map(\.id), [])
        XCTAssertFalse(try alex.cases().contains { $0.id == w.caseID })
        // Org 1's own people still read everything, and verify is clean for both.
        let sam = try w.open(as: w.sam)
        XCTAssertEqual(try sam.person(PersonID(son)).phone, "01379 000000")
        XCTAssertEqual(try sam.caseDetail(w.caseID).nhsBody, "trust-X")
        XCTAssertEqual(try sam.findPeopleShown(matching: "Ellis").map(\.name), ["Margaret Ellis", "Tom Ellis"])
        XCTAssertEqual(try w.open(as: w.lee).person(client).address, "12 Church Street, Norwich", "the manager holds the directory key")
        XCTAssertTrue(try sam.verify(readData: false, repair: false).ok)
        XCTAssertTrue(try alex.verify(readData: false, repair: false).ok)
    }

    func testTheReceivingOrganisationReadsThePeopleOfATransferredCase() throws {
        let (w, son, _) = try world()
        let sam = try w.open(as: w.sam)
        let client = try sam.caseDetail(w.caseID).client
        _ = try sam.transferCase(w.caseID, to: OrganisationID(w.org2), agreement: .agreed, on: sam.today(), assign: [AccountID(w.alex)])

        let alex = try w.open(as: w.alex)
        XCTAssertEqual(try alex.person(client).name, "Margaret Ellis")
        XCTAssertEqual(try alex.person(PersonID(son)).nhsNumber, "9434765919")
        XCTAssertEqual(try alex.caseDetail(w.caseID).nhsBody, "trust-X")
        XCTAssertEqual(Set(try alex.findPeopleShown(matching: "Ellis").map(\.id)), [client.rawValue, son])
        // Under the case's new key, which the organisation the case left does not hold.
        let db = try DatabaseQueue(path: w.root + "/vault.db")
        let name = try XCTUnwrap(try db.read { try Data.fetchOne($0, sql: "SELECT name_sealed FROM people WHERE id = ?", arguments: [client.rawValue]) })
        XCTAssertEqual(PersonSealing.parse(name)?.ref.scope, KeyHierarchy.caseScope(w.caseID.rawValue))
        XCTAssertThrowsError(try w.open(as: w.sam).person(client))

        // The receiving organisation's own rotation moves them under its directory key; they still read.
        _ = try alex.rekeyCase(w.caseID)
        let after = try w.open(as: w.alex)
        XCTAssertEqual(try after.person(client).address, "12 Church Street, Norwich")
        let moved = try XCTUnwrap(try db.read { try Data.fetchOne($0, sql: "SELECT name_sealed FROM people WHERE id = ?", arguments: [client.rawValue]) })
        XCTAssertEqual(PersonSealing.parse(moved)?.ref.scope, KeyHierarchy.organisationScope(w.org2))
        XCTAssertTrue(try after.verify(readData: false, repair: false).ok)
    }

    /// A vault of an earlier release kept people and case details under the metadata key. No code path writes that
    /// any more, so the rows are put back as that release sealed them (through the store, so the ledger agrees).
    func testAnEarlierReleasesRowsUnderTheMetadataKeyStillOpenAndMoveOnTheNextWrite() throws {
        let w = try World()
        try w.populate()
        let sam = try w.open(as: w.sam)
        let client = try sam.caseDetail(w.caseID).client
        try sam.store.write { tx in
            let key = try sam.metadataFieldKey(tx)
            var person = try XCTUnwrap(try tx.person(client.rawValue))
            person.nameSealed = try KeyHierarchy.seal(Array("Margaret Ellis".utf8), fieldKey: key, table: "people", column: "name", rowID: client.rawValue)
            person.dobSealed = try KeyHierarchy.seal(Array("1946-03-14".utf8), fieldKey: key, table: "people", column: "dob", rowID: client.rawValue)
            try tx.update(person)
            var record = try XCTUnwrap(try tx.caseRecord(w.caseID.rawValue))
            try sam.setCaseDetails(CaseDetails(nhsBody: "trust-X"), on: &record, under: .metadataKey, in: tx)
            try tx.update(record)
        }
        let reopened = try w.open(as: w.sam)
        XCTAssertEqual(try reopened.person(client).dob, "1946-03-14")
        XCTAssertEqual(try reopened.caseDetail(w.caseID).nhsBody, "trust-X")
        XCTAssertTrue(try reopened.verify(readData: false, repair: false).ok)

        // The next change of the person, and the next rotation of the case key, move them under the keys that follow entitlement.
        _ = try reopened.editPerson(client, changes: [.phone: "01603 000000"])
        _ = try reopened.rekeyCase(w.caseID)
        let db = try DatabaseQueue(path: w.root + "/vault.db")
        let row = try XCTUnwrap(try db.read { try Row.fetchOne($0, sql: "SELECT p.name_sealed, c.details_sealed FROM people p, cases c WHERE p.id = ? AND c.id = ?",
                                                                arguments: [client.rawValue, w.caseID.rawValue]) })
        XCTAssertEqual(PersonSealing.parse(row["name_sealed"])?.ref.scope, KeyHierarchy.organisationScope(w.org1))
        XCTAssertTrue((row["details_sealed"] as Data).starts(with: Data("cvd3".utf8)))
        let last = try w.open(as: w.sam)
        XCTAssertEqual(try last.person(client).name, "Margaret Ellis")
        XCTAssertEqual(try last.caseDetail(w.caseID).nhsBody, "trust-X")
        XCTAssertThrowsError(try w.open(as: w.alex).person(client))
        XCTAssertTrue(try last.verify(readData: false, repair: false).ok)
    }
}
