import Foundation
import GRDB
import GRDBSQLite
import VaultStorage

// Reads of every row of a large table, decoded by column position from a cursor: Codable decoding (or a lookup by
// column name per value) cost more than the cryptography the listings then do. `decode(atIndex:)` throws on a value
// of the wrong type, so a damaged row is an error, never a crash (and so does the people's reader with the C API).
extension GRDBTransaction {
    func personSearchRows() throws -> [PersonSearchRow] {
        var rows: [PersonSearchRow] = []
        try personSearchRows(batchRows: .max) { rows = $0 }
        return rows
    }

    func personSearchRows(batchRows: Int, _ body: ([PersonSearchRow]) throws -> Void) throws {
        // In table order, unsorted: no index gives `created_at, id`, so an ORDER BY made SQLite sort every row (its
        // name too) before the first one came, and the search orders what it finds by name anyway (BENCHMARKS.md).
        let statement = try db.makeStatement(sql: """
            SELECT id, added_by, erased_at IS NOT NULL, name_sealed, dob_sealed, nhs_number_index FROM people
            """)
        let cursor = try Row.fetchCursor(statement)
        // The cells are read with the C API, as `Row` would read them, without a database value made for each: 100 000
        // people are read for every search. A value of the wrong type is an error, never a crash.
        let raw = statement.sqliteStatement
        func damaged() -> StoreError {
            let id = sqlite3_column_type(raw, 0) == SQLITE_TEXT ? sqlite3_column_text(raw, 0).map { String(cString: $0) } ?? "?" : "?"
            return .failed("person \(id) holds a value of the wrong type")
        }
        func cell(_ column: Int32, nullable: Bool) throws -> UnsafeRawBufferPointer? {
            switch sqlite3_column_type(raw, column) {
            case SQLITE_NULL where nullable:
                return nil
            case SQLITE_TEXT, SQLITE_BLOB:
                // A zero-length value may come as a null pointer.
                let pointer = sqlite3_column_blob(raw, column)
                return UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : Int(sqlite3_column_bytes(raw, column)))
            default:
                throw damaged()
            }
        }
        var rows: [PersonSearchRow] = []
        rows.reserveCapacity(min(max(1, batchRows), 8_192))
        while try cursor.next() != nil {
            guard let id = try cell(0, nullable: false), let name = try cell(3, nullable: false),
                  sqlite3_column_type(raw, 2) == SQLITE_INTEGER else { throw damaged() }
            rows.append(PersonSearchRow(id: String(decoding: id, as: UTF8.self), addedBy: try cell(1, nullable: true).map { String(decoding: $0, as: UTF8.self) },
                                        erased: sqlite3_column_int64(raw, 2) != 0, nameSealed: Data(name), dobSealed: try cell(4, nullable: true).map { Data($0) },
                                        nhsNumberIndex: try cell(5, nullable: true).map { Data($0) }))
            if rows.count >= batchRows {
                try body(rows)
                rows = []
                rows.reserveCapacity(min(batchRows, 8_192))
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
