import Foundation
import GRDB
import VaultStorage

// Reads of every row of a large table, decoded by column position from a cursor: Codable decoding (or a lookup by
// column name per value) cost more than the cryptography the listings then do. `decode(atIndex:)` throws on a value
// of the wrong type, so a damaged row is an error, never a crash.
extension GRDBTransaction {
    func personSearchRows() throws -> [PersonSearchRow] {
        var rows: [PersonSearchRow] = []
        try personSearchRows(batchRows: .max) { rows = $0 }
        return rows
    }

    func personSearchRows(batchRows: Int, _ body: ([PersonSearchRow]) throws -> Void) throws {
        var rows: [PersonSearchRow] = []
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT id, added_by, erased_at IS NOT NULL, name_sealed, dob_sealed, nhs_number_index
            FROM people ORDER BY created_at, id
            """)
        while let row = try cursor.next() {
            rows.append(PersonSearchRow(id: try row.decode(atIndex: 0), addedBy: try row.decode(atIndex: 1), erased: try row.decode(atIndex: 2),
                                        nameSealed: try row.decode(atIndex: 3), dobSealed: try row.decode(atIndex: 4),
                                        nhsNumberIndex: try row.decode(atIndex: 5)))
            if rows.count >= batchRows {
                try body(rows)
                rows = []
            }
        }
        if !rows.isEmpty || batchRows == .max { try body(rows) }
    }

    func people(ids: [String]) throws -> [PersonRecord] {
        // The ids go in as one JSON array argument: no statement built from values, and no limit on how many.
        let list = String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)
        let cursor = try Row.fetchCursor(db, sql: """
            SELECT id, created_at, name_sealed, dob_sealed, nhs_number_sealed, address_sealed, phone_sealed, email_sealed, name_index,
                   nhs_number_index, added_by, erased_at FROM people WHERE id IN (SELECT value FROM json_each(?))
            """, arguments: [list])
        var records: [PersonRecord] = []
        while let row = try cursor.next() {
            records.append(PersonRecord(
                id: try row.decode(atIndex: 0), createdAt: try row.decode(atIndex: 1), nameSealed: try row.decode(atIndex: 2),
                dobSealed: try row.decode(atIndex: 3), nhsNumberSealed: try row.decode(atIndex: 4), addressSealed: try row.decode(atIndex: 5),
                phoneSealed: try row.decode(atIndex: 6), emailSealed: try row.decode(atIndex: 7), nameIndex: try row.decode(atIndex: 8),
                nhsNumberIndex: try row.decode(atIndex: 9), addedBy: try row.decode(atIndex: 10), erasedAt: try row.decode(atIndex: 11)))
        }
        return records
    }

    func documents(caseID: String?) throws -> [DocumentRecord] {
        let columns = """
            SELECT id, case_id, kind, media_type, size, document_date, document_date_source, ingested_at, ingested_by, case_key_version,
                   wrapped_key, original_name_sealed, ciphertext_size, ciphertext_sha256, content_mac, date_source_sealed, kind_sealed
            FROM documents
            """
        let cursor = try caseID.map { try Row.fetchCursor(db, sql: columns + " WHERE case_id = ? ORDER BY ingested_at, id", arguments: [$0]) }
            ?? Row.fetchCursor(db, sql: columns + " ORDER BY ingested_at, id")
        var records: [DocumentRecord] = []
        while let row = try cursor.next() {
            records.append(DocumentRecord(
                id: try row.decode(atIndex: 0), caseID: try row.decode(atIndex: 1), kind: try row.decode(atIndex: 2),
                mediaType: try row.decode(atIndex: 3), size: try row.decode(atIndex: 4), documentDate: try row.decode(atIndex: 5),
                documentDateSource: try row.decode(atIndex: 6), ingestedAt: try row.decode(atIndex: 7), ingestedBy: try row.decode(atIndex: 8),
                caseKeyVersion: try row.decode(atIndex: 9), wrappedKey: try row.decode(atIndex: 10), originalNameSealed: try row.decode(atIndex: 11),
                ciphertextSize: try row.decode(atIndex: 12), ciphertextSHA256: try row.decode(atIndex: 13), contentMAC: try row.decode(atIndex: 14),
                dateSourceSealed: try row.decode(atIndex: 15), kindSealed: try row.decode(atIndex: 16)))
        }
        return records
    }
}
