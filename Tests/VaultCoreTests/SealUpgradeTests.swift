import Foundation
import GRDB
import XCTest
@testable import VaultCore

/// The keyed upgrade that seals what an earlier release kept in clear (issue 18, Build 6): it runs once, under the
/// state ledger, and never blesses a row changed outside casevault.
final class SealUpgradeTests: XCTestCase {
    /// Puts two cases back the way an earlier release stored them (clear NHS body and dates, no sealed details), as
    /// ledgered writes, and the vault back at level 0 of the upgrade.
    func makeEarlierVault() throws -> (TemporaryVault, String, String) {
        let t = try TemporaryVault()
        let first = try t.openCase()
        let second = try t.vault.openCase(.init(clientID: try t.vault.addPerson(.init(name: "Brian Cole")), organisationID: OrganisationID(try XCTUnwrap(
            try t.vault.store.read { try $0.caseRecord(first.rawValue) }?.organisationID)), advocateIDs: [AccountID(try XCTUnwrap(t.advocateID))], nhsBody: "gp-elm"))
        try t.vault.store.write { tx in
            for (id, body) in [(first, "trust-X"), (second, "gp-elm")] {
                var record = try XCTUnwrap(try tx.caseRecord(id.rawValue))
                record.detailsSealed = nil
                record.nhsBody = body
                record.incidentDate = "2025-01-15"
                try tx.update(record)
            }
            try tx.setMeta(Vault.sealedColumnsMeta, "0")
        }
        try t.vault.writeCheckpoint()
        return (t, first.rawValue, second.rawValue)
    }

    func sql(_ t: TemporaryVault, _ statement: String) throws {
        try DatabaseQueue(path: t.paths.root + "/vault.db").write { try $0.execute(sql: statement) }
    }

    func sealEvents(_ vault: Vault) throws -> [[String: String]] {
        try vault.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil) }
            .filter { $0.event.action == "vault.seal_columns" }.map(\.event.details)
    }

    func testTheUpgradeSealsOnceAndLeavesARowChangedOutsideCasevault() throws {
        let (t, first, second) = try makeEarlierVault()
        // Someone with the file, and no key, changes one case's NHS body.
        try sql(t, "UPDATE cases SET nhs_body = 'trust-evil' WHERE id = '\(second)'")

        let opened = try t.reopen()
        let events = try sealEvents(opened)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events.first?["cases"], "1")
        XCTAssertEqual(events.first?["cases_left"], second)
        let (sealed, left) = try opened.store.read { (try $0.caseRecord(first), try $0.caseRecord(second)) }
        XCTAssertNil(sealed?.nhsBody)
        XCTAssertNotNil(sealed?.detailsSealed)
        XCTAssertEqual(try opened.caseDetail(CaseID(first)).nhsBody, "trust-X")
        XCTAssertEqual(try opened.caseDetail(CaseID(first)).incidentDate, "2025-01-15")
        XCTAssertEqual(left?.nhsBody, "trust-evil", "not rewritten: that would record the change as casevault's own")
        XCTAssertNil(left?.detailsSealed)
        // verify still names the changed case, and only it.
        let problems = try opened.verify(readData: false, repair: false, record: false).problems.filter { $0.kind == "state" }
        XCTAssertEqual(problems.map(\.id), ["case \(second)"], "\(problems)")

        // Opening again does nothing more.
        XCTAssertEqual(try sealEvents(try t.reopen()).count, 1)
    }

    /// Deleting or editing the level (to have rows "upgraded" afresh) is not followed: verify names the change.
    func testADeletedOrEditedLevelIsNotSetAgain() throws {
        for change in ["DELETE FROM vault_meta WHERE key = '\(Vault.sealedColumnsMeta)'",
                       "UPDATE vault_meta SET value = value || 'x' WHERE key = '\(Vault.sealedColumnsMeta)'"] {
            let (t, _, _) = try makeEarlierVault()
            try sql(t, change)
            let opened = try t.reopen()
            XCTAssertEqual(try sealEvents(opened).count, 0, change)
            let problems = try opened.verify(readData: false, repair: false, record: false).problems.filter { $0.kind == "state" }
            XCTAssertEqual(problems.map(\.id), ["meta \(Vault.sealedColumnsMeta)"], "\(change): \(problems)")
        }
    }

    func testAnUntouchedEarlierVaultIsSealedAndVerifiesClean() throws {
        let (t, first, second) = try makeEarlierVault()
        let opened = try t.reopen()
        XCTAssertEqual(try sealEvents(opened).first?["cases"], "2")
        XCTAssertEqual(try opened.verify(readData: true, repair: false, record: false).problems, [])
        XCTAssertEqual(try opened.caseDetail(CaseID(second)).nhsBody, "gp-elm")
        let clear = try opened.store.read { tx in try tx.cases().filter(\.hasClearDetails).map(\.id) }
        XCTAssertEqual(clear, [], "\(first), \(second)")
    }
}
