import Foundation
import VaultStorage
import XCTest

/// The batched readers of the listings (`list`, `person find`): every store hands over the same rows, in the same
/// order, each batch keeping the rows of one date and case together.
extension StorageConformance {
    static func listingsComeInBatchesInOrder(_ store: any VaultRecordStore, file: StaticString, line: UInt) throws {
        try seed(store)
        var records: [DocumentRecord] = []
        try store.write { tx in
            try tx.insert(caseRecord("case-2", client: "per-2"))
            for index in 0..<23 {
                var record = document("doc-\(100 + (index * 7) % 23)", caseID: index % 3 == 0 ? "case-2" : "case-1", mac: UInt8(100 + index))
                record.documentDate = [nil, "2025-03-02", "2024-12-31", "2025-03-10"][index % 4]
                record.kind = ["letter", "form", "internal_note"][index % 3]
                record.ingestedBy = index % 5 == 0 ? nil : "adv-1"
                record.kindSealed = index % 2 == 0 ? nil : Data([UInt8(index)])
                record.dateSourceSealed = index % 3 == 0 ? nil : Data([1, UInt8(index)])
                record.size = Int64(index * 1000)
                try tx.insert(record)
            }
            try tx.insert(person("per-3", name: 3, nhs: 9))
        }
        try store.read { tx in
            records = try tx.documents(caseID: nil)
            // By date (undated last), then case, compared as bytes; within one date and case in any order (the core
            // orders each group by name), so both sides are compared ordered by id as well.
            func groupKey(_ r: DocumentRecord) -> [String] { [r.documentDate == nil ? "1" : "0", r.documentDate ?? "", r.caseID] }
            func less(_ a: [String], _ b: [String]) -> Bool { a.lexicographicallyPrecedes(b) { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
            func byID(_ a: DocumentRecord, _ b: DocumentRecord) -> Bool { less(groupKey(a) + [a.id], groupKey(b) + [b.id]) }
            let ordered = records.sorted(by: byID)
            for query in [DocumentListQuery(caseID: nil), DocumentListQuery(caseID: "case-1"), DocumentListQuery(caseID: nil, clearKinds: ["form", "letter"]),
                          DocumentListQuery(caseID: nil, from: "2025-01-01"), DocumentListQuery(caseID: "case-2", to: "2025-03-02")] {
                let expected = ordered.filter { record in
                    (query.caseID == nil || record.caseID == query.caseID) && (query.clearKinds.isEmpty || query.clearKinds.contains(record.kind))
                        && (query.from == nil && query.to == nil
                            || record.documentDate.map { $0 >= (query.from ?? "") && $0 <= (query.to ?? "9") } ?? false)
                }
                for batchRows in [1, 2, 4096] {
                    var query = query
                    query.batchRows = batchRows
                    var listed: [DocumentRecord] = []
                    var previous: (rows: DocumentListRows, last: Int)?
                    try tx.documentListRows(query) { rows in
                        XCTAssertGreaterThan(rows.count, 0, file: file, line: line)
                        if let previous {
                            XCTAssertFalse(previous.rows.sameGroup(previous.last, rows, 0), "a batch splits no date and case", file: file, line: line)
                        }
                        previous = (rows, rows.count - 1)
                        for row in 0..<rows.count { listed.append(try record(rows, row)) }
                    }
                    XCTAssertFalse(zip(listed, listed.dropFirst()).contains { less(groupKey($1), groupKey($0)) },
                                   "rows come by date, then case", file: file, line: line)
                    // Every column a listing reads comes back as stored (the wrapped key it does not read).
                    XCTAssertEqual(listed.sorted(by: byID), expected.map { var r = $0; r.wrappedKey = Data(); return r },
                                   "\(query.caseID ?? "all") \(query.clearKinds) \(query.from ?? "") \(query.to ?? ""), batches of \(batchRows)",
                                   file: file, line: line)
                }
            }
            let everyone = try tx.personSearchRows()
            for batchRows in [1, 2, 100] {
                var batched: [PersonSearchRow] = []
                try tx.personSearchRows(batchRows: batchRows) { rows in
                    XCTAssertLessThanOrEqual(rows.count, batchRows, file: file, line: line)
                    batched += rows
                }
                // Each person once, whatever the order (VaultRecordStore leaves it to the store).
                XCTAssertEqual(batched.sorted { $0.id < $1.id }, everyone.sorted { $0.id < $1.id }, file: file, line: line)
            }
        }
    }

    private static func record(_ rows: DocumentListRows, _ row: Int) throws -> DocumentRecord {
        DocumentRecord(id: try XCTUnwrap(rows.text(row, .id)), caseID: try XCTUnwrap(rows.text(row, .caseID)), kind: try XCTUnwrap(rows.text(row, .kind)),
                       mediaType: try XCTUnwrap(rows.text(row, .mediaType)), size: rows.sizes[row], documentDate: rows.text(row, .documentDate),
                       documentDateSource: try XCTUnwrap(rows.text(row, .documentDateSource)), ingestedAt: try XCTUnwrap(rows.text(row, .ingestedAt)),
                       ingestedBy: rows.text(row, .ingestedBy), caseKeyVersion: rows.caseKeyVersions[row], wrappedKey: Data(),
                       originalNameSealed: try XCTUnwrap(rows.data(row, .nameSealed)), ciphertextSize: rows.ciphertextSizes[row],
                       ciphertextSHA256: try XCTUnwrap(rows.data(row, .ciphertextSHA256)), contentMAC: try XCTUnwrap(rows.data(row, .contentMAC)),
                       dateSourceSealed: rows.data(row, .dateSourceSealed), kindSealed: rows.data(row, .kindSealed))
    }
}

/// A case's sealed listing (the core's Vault+DocumentListing) is kept as `consent_records` rows of one type: large
/// binary values that must come back byte for byte, be replaced in place by id, and be found by type and case alone.
extension StorageConformance {
    static func sealedListingRowsRoundTrip(_ store: any VaultRecordStore, file: StaticString, line: UInt) throws {
        try seed(store)
        func payload(_ size: Int, _ seed: UInt8) -> Data { Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ Int(seed)) }) }
        func row(_ id: String, _ caseID: String, _ sealed: Data) -> ConsentRecord {
            ConsentRecord(id: id, recordType: "document_listing", caseID: caseID, createdAt: "t", updatedAt: "t", sealed: sealed)
        }
        let first = [row("listing-case-1", "case-1", payload(40, 1)), row("listing-case-1-0", "case-1", payload(200_000, 2)),
                     row("listing-case-1-1", "case-1", Data([0, 0xFF, 0]))]
        try store.write { tx in
            try tx.insert(caseRecord("case-2", client: "per-2"))
            for record in first { try tx.save(record) }
            try tx.save(row("listing-case-2", "case-2", payload(10, 3)))
            try tx.save(ConsentRecord(id: "note-1", recordType: "case_note", caseID: "case-1", createdAt: "t", updatedAt: "t", sealed: Data([7])))
        }
        // Saved again under the same id: replaced, not added.
        let replaced = row("listing-case-1-0", "case-1", payload(150_001, 4))
        try store.write { tx in try tx.save(replaced) }
        try store.read { tx in
            let listed = try tx.consentRecords(type: "document_listing", caseID: "case-1", personID: nil).sorted { $0.id < $1.id }
            XCTAssertEqual(listed, [first[0], replaced, first[2]], "only this case's listing rows, byte for byte", file: file, line: line)
            XCTAssertEqual(try tx.consentRecord("listing-case-1-0"), replaced, file: file, line: line)
            XCTAssertEqual(try tx.consentRecords(type: "document_listing", caseID: "case-2", personID: nil).map(\.id), ["listing-case-2"],
                           file: file, line: line)
        }
        try store.write { tx in try tx.deleteConsentRecord("listing-case-1-1") }
        try store.read { tx in
            XCTAssertEqual(try tx.consentRecords(type: "document_listing", caseID: "case-1", personID: nil).map(\.id).sorted(),
                           ["listing-case-1", "listing-case-1-0"], file: file, line: line)
            XCTAssertNotNil(try tx.consentRecord("note-1"), "another type of the case is untouched", file: file, line: line)
        }
    }
}
