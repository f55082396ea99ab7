import Consent
import Foundation
import GRDB
import XCTest
@testable import VaultCrypto
@testable import VaultStorage
@testable import VaultStorageSQLite
@testable import VaultCore

/// `list` streams: rows come ordered from the store in batches, their sealed fields opened on several cores with AADs
/// built byte by byte. These tests fail if a row is lost, repeated or out of order, if a document of a case the actor
/// may not view is shown, or if the byte-built AAD ever differs from `KeyHierarchy.fieldAAD`.
final class DocumentListTests: XCTestCase {
    /// The order `list` promised before it streamed: by date (undated last), then case, name and id.
    private func straightforward(_ views: [Vault.DocumentView]) -> [Vault.DocumentView] {
        views.sorted { a, b in
            switch (a.documentDate, b.documentDate) {
            case let (x?, y?) where x != y: return x < y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return (a.caseID, a.name, a.id) < (b.caseID, b.name, b.id)
            }
        }
    }

    /// Six groups of dates (two undated), in separate ingests; names repeat across groups of one date (ties broken by
    /// id) and some are not ASCII. `kinds`: a kind for the documents of some groups (DocumentListingTests).
    static func fill(_ t: TemporaryVault, _ caseID: String, count: Int, prefix: String, kinds: [Int: DocumentKind] = [:]) throws {
        let dates: [String?] = [nil, "2025-03-02", "2025-03-10", "2024-12-31", nil, "2025-03-02"]
        for (group, date) in dates.enumerated() {
            var paths: [String] = []
            for index in 0..<(count / dates.count) {
                let name = ["letter \(index % 7).txt", "Zoë \(index).txt", "zoe\u{308} \(index).txt", "\(prefix)-\(index).txt"][index % 4]
                let folder = "\(prefix)/\(group)/\(index)"
                paths.append(try t.file("\(folder)/\(name)", Array("\(prefix) \(group) \(index)\n".utf8)))
            }
            _ = try t.vault.ingest(caseID: CaseID(caseID), files: paths.map { Vault.IngestFile(path: $0) }, options: .init(kind: kinds[group], date: date))
        }
    }

    private func fill(_ t: TemporaryVault, _ caseID: String, count: Int, prefix: String) throws {
        try Self.fill(t, caseID, count: count, prefix: prefix)
    }

    private func streamed(_ vault: Vault, caseID: String?, filter: Vault.DocumentFilter = .init(), batchRows: Int, slices: Int?) throws -> [Vault.DocumentView] {
        var views: [Vault.DocumentView] = []
        var tableIDs: [String] = []
        try vault.listDocuments(caseID: caseID.map { CaseID($0) }, filter: filter, dateSource: true, batchRows: batchRows, slices: slices) { listed in
            for index in 0..<listed.count { views.append(listed.view(index)) }
            listed.forEach { tableIDs.append(String(decoding: $0.id, as: UTF8.self)) }
        }
        XCTAssertEqual(tableIDs, views.map(\.id.rawValue), "the table's cells and the views agree")
        return views
    }

    private func assertSame(_ a: [Vault.DocumentView], _ b: [Vault.DocumentView], _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, file: file, line: line)
        for (x, y) in zip(a, b) {
            XCTAssertEqual([x.id.rawValue, x.caseID.rawValue, x.kind, x.name, x.mediaType, x.documentDate ?? "-", x.documentDateSource, x.ingestedAt, x.ingestedBy ?? "-",
                            x.ciphertextSHA256, String(x.size), String(x.caseKeyVersion)],
                           [y.id.rawValue, y.caseID.rawValue, y.kind, y.name, y.mediaType, y.documentDate ?? "-", y.documentDateSource, y.ingestedAt, y.ingestedBy ?? "-",
                            y.ciphertextSHA256, String(y.size), String(y.caseKeyVersion)], message, file: file, line: line)
        }
    }

    func testStreamedListingKeepsEveryRowInOrderAndShowsOnlyViewableCases() throws {
        let t = try TemporaryVault()
        let first = try t.openCase(withConsent: true)
        try fill(t, first.rawValue, count: 300, prefix: "first")
        let firstAdvocate = try XCTUnwrap(t.advocateID)
        let second = try t.openCase(client: "Joan Platt", withConsent: true)
        try fill(t, second.rawValue, count: 240, prefix: "second")
        let secondAdvocate = try XCTUnwrap(t.advocateID)

        // The first case's advocate: the whole case, in the promised order, however the rows are batched and split.
        let asFirst = try t.reopen(as: firstAdvocate)
        let expected = straightforward(try asFirst.documents(caseID: first))
        XCTAssertEqual(expected.count, 301, "300 documents and the consent form")
        for (batchRows, slices) in [(4096, nil), (1, 1), (7, 3), (50, 2), (1000, 5)] as [(Int, Int?)] {
            let listed = try streamed(asFirst, caseID: first.rawValue, batchRows: batchRows, slices: slices)
            assertSame(listed, expected, "batches of \(batchRows), \(slices ?? 0) slices")
            XCTAssertEqual(Set(listed.map(\.id)).count, listed.count, "no document twice")
        }
        assertSame(try asFirst.documents(caseID: first, filter: .init()), expected, "the public listing")

        // A third case, of another organisation: its advocate may view only that one, and the first two advocates
        // (colleagues under their clients' consents) only theirs.
        let admin = try t.reopen(as: t.administratorID)
        let otherOrg = try admin.addOrganisation(name: "Suffolk Advocacy").id
        let otherID = try admin.addAdvocate(name: "Pat Reid", organisationID: OrganisationID(otherOrg))
        let other = try t.reopen(as: otherID)
        let client = try other.addPerson(.init(name: "Ann Bell", dob: "1950-01-01"))
        let third = try other.openCase(.init(clientID: client, organisationID: OrganisationID(otherOrg), advocateIDs: [AccountID(otherID)], nhsBody: "trust-X"))
        var input = Vault.AuthorityInput(caseID: third, personID: client, kind: .verbalConsent, granteeID: otherOrg,
                                         actions: ConsentAction.allCases, today: other.today())
        input.recordedBy = otherID
        input.recordedOn = other.today()
        _ = try other.recordAuthority(input)
        t.vault = other
        try fill(t, third.rawValue, count: 120, prefix: "third")
        for (vault, hidden) in [(asFirst, [third]), (try t.reopen(as: secondAdvocate), [third]), (try t.reopen(as: otherID), [first, second])] {
            let everything = try vault.documents(caseID: nil)
            XCTAssertFalse(everything.isEmpty)
            for (batchRows, slices) in [(4096, nil), (13, 2)] as [(Int, Int?)] {
                let listed = try streamed(vault, caseID: nil, batchRows: batchRows, slices: slices)
                XCTAssertFalse(listed.contains { hidden.contains($0.caseID) }, "no document of a case the actor may not view")
                assertSame(listed, straightforward(everything), "every document of the cases they may view, in order")
            }
        }
        XCTAssertEqual(Set(try streamed(try t.reopen(as: otherID), caseID: nil, batchRows: 64, slices: 2).map(\.caseID)), [third])

        // Filters: by the opened kind (the consent form's is sealed) and by dates, undated left out.
        let forms = try streamed(asFirst, caseID: first.rawValue, filter: .init(kinds: [.consentForm]), batchRows: 5, slices: 2)
        XCTAssertEqual(forms.map(\.kind), ["consent_form"])
        let march = try streamed(asFirst, caseID: first.rawValue, filter: .init(from: "2025-03-01", to: "2025-03-10"), batchRows: 9, slices: 3)
        assertSame(march, expected.filter { ($0.documentDate ?? "") >= "2025-03-01" && ($0.documentDate ?? "9") <= "2025-03-10" }, "dated in March")
        XCTAssertEqual(march.count, 150)

        // The manager sees both cases; the administrator, whom no consent names, none.
        let manager = try t.asManager()
        let both = try streamed(manager, caseID: nil, batchRows: 64, slices: 2)
        XCTAssertEqual(Set(both.map(\.caseID)), [first, second])
        assertSame(both, straightforward(try manager.documents(caseID: first) + manager.documents(caseID: second)), "both cases merged by date")
        XCTAssertEqual(both.count, 301 + 241)
        XCTAssertEqual(try streamed(try t.reopen(as: t.administratorID), caseID: nil, batchRows: 64, slices: 2).count, 0)
    }

    /// Batches are opened on another thread while the next is read: a name that does not open in a later batch still
    /// stops the listing with the row's id, after the batches before it and never after it, and nothing is left running.
    func testADamagedNameInALaterBatchStopsTheListingWithItsID() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        try fill(t, caseID.rawValue, count: 120, prefix: "p")
        let all = try streamed(t.vault, caseID: caseID.rawValue, batchRows: 8, slices: nil)
        XCTAssertEqual(all.count, 121)
        // Another document's sealed name in the row of one near the end: it no longer opens under its own AAD.
        let (victim, donor) = (all[all.count - 3].id.rawValue, all[0].id.rawValue)
        let queue = try DatabaseQueue(path: t.paths.root + "/vault.db")
        try queue.write { db in
            let sealed = try Data.fetchOne(db, sql: "SELECT original_name_sealed FROM documents WHERE id = ?", arguments: [donor])
            try db.execute(sql: "UPDATE documents SET original_name_sealed = ? WHERE id = ?", arguments: [sealed, victim])
        }
        var handed: [String] = []
        XCTAssertThrowsError(try t.reopen().listDocuments(caseID: caseID, filter: .init(), dateSource: false, batchRows: 8, slices: nil,
                                                                 listings: false) { listed in
            listed.forEach { handed.append(String(decoding: $0.id, as: UTF8.self)) }
        }) { error in
            XCTAssertEqual(error as? VaultError, .damagedField(table: "documents", column: "original_name", rowID: victim))
        }
        XCTAssertFalse(handed.contains(victim), "the damaged row's batch is never handed over")
        XCTAssertEqual(handed, Array(all.map(\.id.rawValue).prefix(handed.count)), "the batches before it come whole and in order")
        XCTAssertGreaterThan(handed.count, 0)
    }

    /// The AAD built byte by byte is `KeyHierarchy.fieldAAD` with `clearFieldsBinding`, for odd values too.
    func testByteBuiltAADMatchesTheKeyHierarchys() throws {
        var generator = SystemRandomNumberGenerator()
        for index in 0..<200 {
            let record = DocumentRecord(
                id: "doc-\(index)", caseID: "case-\(index % 3)", kind: ["letter", "form", "é"][index % 3], mediaType: "text/plain",
                size: [0, 1, 9, 10, 1_234_567_890_123, -5][index % 6], documentDate: index % 4 == 0 ? nil : "2025-0\(index % 9 + 1)-01",
                documentDateSource: index % 5 == 0 ? "letterhead" : "", ingestedAt: "2026-12-06T18:00:00Z", ingestedBy: index % 2 == 0 ? nil : "adv-1",
                caseKeyVersion: 1, wrappedKey: Data(), originalNameSealed: Data([1, 2, 3]), ciphertextSize: Int64(index * 977),
                ciphertextSHA256: Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }),
                contentMAC: Data((0..<(index % 7 + 30)).map { _ in UInt8.random(in: 0...255, using: &generator) }))
            var rows = DocumentListRows()
            rows.append(record)
            var builder = AADBuilder()
            try rows.bytes.withUnsafeBytes { all in
                func cell(_ row: Int, _ column: DocumentListRows.Column) -> UnsafeRawBufferPointer? {
                    rows.span(row, column).map { UnsafeRawBufferPointer(rebasing: all[$0]) }
                }
                builder.binding(rows, 0, cell)
                for column in ["original_name", "kind", "date_source"] {
                    let built = try builder.withAAD(column: column, id: try XCTUnwrap(cell(0, .id))) { Array($0) }
                    XCTAssertEqual(built, KeyHierarchy.fieldAAD(table: "documents", column: column, rowID: record.id, binding: record.clearFieldsBinding))
                }
            }
        }
    }

    /// The store reads the listing in the order of its indexes: SQLite sorts no row, with a case or without, whatever
    /// the filters (it sorted every wide row before the indexes).
    func testListingQueryUsesTheListingIndexesAndSortsNothing() throws {
        let t = try TemporaryVault()
        let queue = try DatabaseQueue(path: t.vault.databasePath)
        for byCase in [true, false] {
            for filters: [String?] in [["[]", nil, nil], ["[\"letter\"]", "2025-01-01", "2025-12-31"]] {
                let arguments = StatementArguments([byCase ? "case-1" : nil] + filters)
                let plan = try queue.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + GRDBTransaction.documentListSQL(byCase: byCase), arguments: arguments)
                        .map { $0["detail"] as String? ?? "" }
                }
                let index = byCase ? "documents_listing_by_case" : "documents_listing"
                XCTAssertTrue(plan.contains { $0.split(separator: " ").contains(Substring(index)) }, "\(plan)")
                XCTAssertFalse(plan.contains { $0.contains("TEMP B-TREE") }, "no sort: \(plan)")
            }
        }
    }
}
