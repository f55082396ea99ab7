import Consent
import Foundation
import GRDB
import VaultModel
import XCTest
@testable import VaultCrypto
@testable import VaultStorage
@testable import VaultCore

/// The sealed per-case listing (Vault+DocumentListing): `list` must print exactly what the row reader prints, after
/// every kind of change to a case's documents, and must never use a listing that was changed or put back outside
/// casevault. These fail if the listing misses a change, keeps a removed document, orders or filters differently from
/// the rows, or is believed after tampering.
final class DocumentListingTests: XCTestCase {
    /// The table's cells of a listing, one line per document.
    private func cells(_ vault: Vault, caseID: String?, filter: Vault.DocumentFilter = .init(), listings: Bool) throws -> [String] {
        var lines: [String] = []
        try vault.listDocuments(caseID: caseID.map { CaseID($0) }, filter: filter, dateSource: false, batchRows: 4096, slices: nil, listings: listings) { listed in
            listed.forEach { cell in
                lines.append([String(decoding: cell.id, as: UTF8.self), listed.caseIDs[cell.caseIndex], String(decoding: cell.kind, as: UTF8.self),
                              cell.date.map { String(decoding: $0, as: UTF8.self) } ?? "-", String(cell.size),
                              String(decoding: cell.name, as: UTF8.self)].joined(separator: " | "))
            }
        }
        return lines
    }

    /// How many entries the case's sealed listing holds (throws when it cannot be used).
    private func listed(_ vault: Vault, _ caseID: String) throws -> Int {
        try vault.store.read { tx in
            var entries = ListingEntries()
            try vault.loadListing(caseID, into: &entries, in: tx)
            return entries.rows.count
        }
    }

    private func assertSameAsRows(_ vault: Vault, _ caseID: String?, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let filters: [Vault.DocumentFilter] = [.init(), .init(kinds: [.consentForm]), .init(kinds: [.letter, .internalNote]),
                                               .init(from: "2025-03-01", to: "2025-03-10"), .init(from: "2025-01-01"), .init(to: "2024-12-31")]
        for filter in filters {
            let fromRows = try cells(vault, caseID: caseID, filter: filter, listings: false)
            XCTAssertEqual(try cells(vault, caseID: caseID, filter: filter, listings: true), fromRows,
                           "\(message): kinds \(filter.kinds.map(\.rawValue).sorted()), from \(filter.from ?? "-"), to \(filter.to ?? "-")",
                           file: file, line: line)
        }
    }

    /// DocumentListTests' documents, with one group of internal notes.
    private func fill(_ t: TemporaryVault, _ caseID: String, count: Int, prefix: String) throws {
        try DocumentListTests.fill(t, caseID, count: count, prefix: prefix, kinds: [4: .internalNote])
    }

    func testTheListingMatchesTheRowsAfterIngestRetagRemoveAndRekey() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        try fill(t, caseID.rawValue, count: 660, prefix: "first")
        XCTAssertEqual(try listed(t.vault, caseID.rawValue), 661, "660 documents and the consent form, in more than one segment")
        try assertSameAsRows(t.vault, caseID.rawValue, "after ingest")

        let documents = try t.vault.documents(caseID: caseID)
        let retagged = documents[10].id
        _ = try t.vault.retagDocument(retagged, date: "2025-03-05", kind: .reply)
        _ = try t.vault.retagDocument(documents[600].id, date: nil, kind: .evidence)
        try assertSameAsRows(t.vault, caseID.rawValue, "after retag")
        XCTAssertTrue(try cells(t.vault, caseID: caseID.rawValue, listings: true).contains { $0.hasPrefix(retagged.rawValue + " ") && $0.contains("| reply | 2025-03-05 |") })

        _ = try t.vault.removeDocument(documents[20].id, reason: "filed on the wrong case")
        _ = try t.vault.removeDocument(documents[650].id, reason: "a duplicate")
        XCTAssertEqual(try listed(t.vault, caseID.rawValue), 659)
        try assertSameAsRows(t.vault, caseID.rawValue, "after remove")

        _ = try t.vault.rekeyCase(caseID)
        XCTAssertEqual(try listed(t.reopen(), caseID.rawValue), 659, "re-sealed under the new key version")
        try assertSameAsRows(try t.reopen(), caseID.rawValue, "after a key rotation")

        // A second case: across cases, the listings merged by date, then case.
        let second = try t.openCase(client: "Joan Platt", withConsent: true)
        try fill(t, second.rawValue, count: 60, prefix: "second")
        let manager = try t.asManager()
        try assertSameAsRows(manager, nil, "across cases")
        XCTAssertEqual(try cells(manager, caseID: nil, listings: true).count, 659 + 61)
        XCTAssertTrue(try t.reopen().verify(readData: false, repair: false).ok, "the listing rows are in the ledger like every row")
    }

    func testTheListingFollowsATransferToAnotherOrganisation() throws {
        let w = try IdentityVaultTests.World()
        try w.populate()
        let sam = try w.open(as: w.sam)
        let files = try (0..<30).map { try w.input("t\($0).txt", "letter \($0) about the ward") }
        _ = try sam.ingest(caseID: w.caseID, files: files.map { Vault.IngestFile(path: $0) }, options: .init(date: "2025-02-01"))
        try assertSameAsRows(sam, w.caseID.rawValue, "before the transfer")
        _ = try sam.transferCase(w.caseID, to: OrganisationID(w.org2), agreement: .agreed, on: sam.today(), assign: [AccountID(w.alex)])

        let alex = try w.open(as: w.alex)
        try assertSameAsRows(alex, w.caseID.rawValue, "the receiving organisation's advocate")
        XCTAssertEqual(try cells(alex, caseID: w.caseID.rawValue, listings: true).count, 31)
        _ = try alex.ingest(caseID: w.caseID, files: [Vault.IngestFile(path: try w.input("after.txt", "a letter after the transfer"))], options: .init())
        XCTAssertEqual(try listed(alex, w.caseID.rawValue), 32, "whoever holds the new key keeps the listing")
        try assertSameAsRows(alex, w.caseID.rawValue, "after an ingest by the new organisation")
        XCTAssertTrue(try alex.verify(readData: false, repair: false).ok)
    }

    func testAListingChangedOrPutBackOutsideCasevaultIsNotUsed() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        try fill(t, caseID.rawValue, count: 24, prefix: "p")
        let database = try DatabaseQueue(path: t.paths.root + "/vault.db")
        let headID = Vault.listingHeadID(caseID.rawValue)
        func sealed(_ id: String) throws -> Data? {
            try database.read { try Data.fetchOne($0, sql: "SELECT sealed FROM consent_records WHERE id = ?", arguments: [id]) }
        }
        func put(_ id: String, _ value: Data?) throws {
            try database.write { try $0.execute(sql: "UPDATE consent_records SET sealed = ? WHERE id = ?", arguments: [value, id]) }
        }
        let older = try XCTUnwrap(try sealed(headID))
        let later = try t.file("later.txt", Array("a later letter\n".utf8))
        _ = try t.vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: later)], options: .init())
        XCTAssertEqual(try listed(t.reopen(), caseID.rawValue), 26, "24 documents, the consent form and the later letter")

        // The head as it was before the last ingest, put back: it no longer opens (its seal binds the ledger version).
        try put(headID, older)
        let vault = try t.reopen()
        XCTAssertThrowsError(try listed(vault, caseID.rawValue)) { XCTAssertEqual($0 as? Vault.ListingUnavailable, .damaged(rowID: headID)) }
        let fromRows = try cells(vault, caseID: caseID.rawValue, listings: false)
        XCTAssertEqual(try cells(vault, caseID: caseID.rawValue, listings: true), fromRows, "the rows are read instead")
        XCTAssertEqual(fromRows.count, 26, "with the later letter")
        XCTAssertFalse(try vault.verify(readData: false, repair: false).ok, "verify names the changed row")

        // The next change rebuilds it from the rows.
        _ = try vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: try t.file("third.txt", Array("third\n".utf8)))], options: .init())
        XCTAssertEqual(try listed(t.reopen(), caseID.rawValue), 27)

        // One byte of a segment changed: that segment does not open.
        let segmentID = Vault.listingSegmentID(caseID.rawValue, 0)
        var bytes = try XCTUnwrap(try sealed(segmentID))
        bytes[bytes.count - 5] ^= 0x01
        try put(segmentID, bytes)
        XCTAssertThrowsError(try listed(t.reopen(), caseID.rawValue)) { XCTAssertEqual($0 as? Vault.ListingUnavailable, .damaged(rowID: segmentID)) }
        try assertSameAsRows(try t.reopen(), caseID.rawValue, "a damaged segment")

        // Deleted outright: missing, and the rows are read.
        try database.write { try $0.execute(sql: "DELETE FROM consent_records WHERE record_type = 'document_listing'") }
        XCTAssertThrowsError(try listed(t.reopen(), caseID.rawValue)) { XCTAssertEqual($0 as? Vault.ListingUnavailable, .missing) }
        XCTAssertEqual(try cells(t.reopen(), caseID: caseID.rawValue, listings: true).count, 27)
    }

    func testSegmentsAndHeadsRoundTripAndRejectMalformedPayloads() throws {
        let entries = [DocumentListingFormat.Entry(id: Array("doc-1".utf8), kind: Array("letter".utf8), date: Array("2025-01-02".utf8), size: 12,
                                                   name: Array("Zoë.txt".utf8)),
                       DocumentListingFormat.Entry(id: Array("doc-2".utf8), kind: Array("form".utf8), date: nil, size: -1, name: [])]
        let payload = DocumentListingFormat.encode(entries)
        XCTAssertEqual(try DocumentListingFormat.decodeSegment(payload), entries)
        for cut in [1, 5, 9, payload.count - 1] {
            XCTAssertThrowsError(try DocumentListingFormat.decodeSegment(Array(payload.prefix(cut))), "cut at \(cut)")
        }
        XCTAssertThrowsError(try DocumentListingFormat.decodeSegment(payload + [0]), "trailing bytes")
        let head = DocumentListingFormat.Head(total: 7, next: 3, segments: [.init(number: 0, count: 5), .init(number: 2, count: 2)])
        XCTAssertEqual(try DocumentListingFormat.decodeHead(DocumentListingFormat.encode(head)), head)
        var wrongTotal = head
        wrongTotal.total = 8
        XCTAssertThrowsError(try DocumentListingFormat.decodeHead(DocumentListingFormat.encode(wrongTotal)))
        var numberPastNext = head
        numberPastNext.next = 2
        XCTAssertThrowsError(try DocumentListingFormat.decodeHead(DocumentListingFormat.encode(numberPastNext)))
    }
}
