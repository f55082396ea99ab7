import Audit
import Consent
import Foundation
import GRDB
import VaultModel
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// The one-shot move of an earlier release's case facts, people lists, authorities and person records off the
/// metadata key (Vault+EntitledKeyUpgrade): before it, an outsider reading vault.db with their own identity opens them;
/// after the first open by someone holding their keys, none.
extension EntitlementKeysTests {
    /// `recordsWorld()` put back as an earlier release left it: the records under the metadata key (format 2), no
    /// parties record, no `entitled_rows` mark, and the client's own fields under the metadata key too (no header).
    func earlierReleaseWorld() throws -> (World, son: String, client: String) {
        let (w, son, client) = try recordsWorld()
        try putBackAsAnEarlierRelease(w, client: client) { sam, tx in
            var person = try XCTUnwrap(try tx.person(client))
            let opened = try sam.view(person, in: tx)
            try sam.sealPerson(opened, into: &person, ref: PersonKeyRef(scope: KeyHierarchy.vaultScope, version: 1),
                               key: try sam.dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx))
            try tx.update(person)
            try tx.setMeta(Vault.entitledRowsMeta, "")
        }
        return (w, son, client)
    }

    func moveEvents(_ vault: Vault) throws -> [AuditEvent] {
        try vault.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil) }.map(\.event)
            .filter { $0.action == "vault.move_to_entitled_keys" }
    }

    func testAnEarlierReleasesRecordsMoveOffTheMetadataKeyWhenSomeoneHoldingTheirKeysOpensTheVault() throws {
        let (w, son, client) = try earlierReleaseWorld()
        // The earlier release's state: the outsider opens every one of them from vault.db.
        let (leaked, _) = try recordsOpened(by: w.alex, in: w, people: [client, son], types: Self.recordTypes.subtracting(["case_parties"]))
        XCTAssertEqual(leaked, ["authority", "case_facts", "case_people", "person_record"])

        // Alex opening the vault holds none of their keys: nothing moves, no write, still pending.
        let alex = try w.open(as: w.alex)
        XCTAssertEqual(try moveEvents(alex).count, 0)
        XCTAssertNotEqual(try alex.store.read { try $0.meta(Vault.entitledRowsMeta) }, Vault.entitledRowsMoved)

        // Sam opens it (any command): every row moves in one audited transaction, and the client's fields with them.
        let sam = try w.open(as: w.sam)
        let events = try moveEvents(sam)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?.actor, w.sam)
        XCTAssertEqual(events.first?.details["case_rows"], "2")
        XCTAssertEqual(events.first?.details["people"], "1")
        XCTAssertNil(events.first?.details["pending"])
        XCTAssertEqual(try sam.store.read { try $0.meta(Vault.entitledRowsMeta) }, Vault.entitledRowsMoved)
        XCTAssertEqual(try sam.store.read { try $0.meta(Vault.caseFactsMetaKey) }, Vault.caseRowsUnderCaseKey)
        let person = try XCTUnwrap(try sam.store.read { try $0.person(client) })
        XCTAssertEqual(PersonSealing.parse(person.nameSealed)?.ref.scope, KeyHierarchy.organisationScope(w.org1))

        // The outsider, trying every key he unwraps on every row, now opens only the parties record.
        try assertOutsiderOpensOnlyTheParties(w, client: client, son: son)

        // The case's people still read everything; the rules still tell Alex whom the consent covers; verify is clean
        // (the ledger and the state mark recorded every moved row); a second open moves nothing more.
        let again = try w.open(as: w.sam)
        try assertReadsTheRecords(again, client: client, caseID: w.caseID.rawValue)
        XCTAssertEqual(try again.store.read { try again.caseParties(w.caseID.rawValue, in: $0) }.people, [son])
        XCTAssertEqual(try w.open(as: w.alex).explainConsent(caseID: w.caseID, action: .viewDocuments).decision.ruleIDs, [.con8])
        XCTAssertTrue(try again.verify(readData: false, repair: false).ok)
        XCTAssertTrue(try w.open(as: w.lee).verify(readData: false, repair: false).ok)
        XCTAssertEqual(try moveEvents(again).count, 1)
    }

    func testARowChangedOutsideCasevaultIsLeftAndNamedAndTheMoveStaysPending() throws {
        let (w, _, client) = try earlierReleaseWorld()
        // The people list edited with sqlite3: it no longer matches the ledger.
        let peopleRow: String = "people-" + w.caseID.rawValue
        try DatabaseQueue(path: w.root + "/vault.db").write { db in
            try db.execute(sql: "UPDATE consent_records SET updated_at = 'x' WHERE id = ?", arguments: [peopleRow])
        }
        let sam = try w.open(as: w.sam)
        let event = try XCTUnwrap(try moveEvents(sam).first)
        XCTAssertEqual(event.details["left"], "facts-\(w.caseID),people-\(w.caseID)")
        XCTAssertNotEqual(try sam.store.read { try $0.meta(Vault.entitledRowsMeta) }, Vault.entitledRowsMoved)
        // The client's records moved all the same.
        let tags = try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try Row.fetchAll(db, sql: "SELECT sealed FROM consent_records WHERE person_id = ? AND case_id IS NULL", arguments: [client])
                .map { String(decoding: ($0["sealed"] as Data).prefix(4), as: UTF8.self) }
        }
        XCTAssertEqual(Set(tags), ["cvr4"])
    }
}
