import Foundation
import GRDB
import GRDBSQLite
import VaultStorage

// A listing of 100 000 documents must take well under 0.2 s: its rows are ordered by SQLite and copied straight from
// the statement's column buffers into one byte buffer per batch (GRDB steps the statement and reports errors; the
// columns are read with the C API, as `Row` would read them, without making a value per cell).
extension GRDBTransaction {
    func documentListRows(_ query: DocumentListQuery, _ body: (DocumentListRows) throws -> Void) throws {
        let sql = Self.documentListSQL(byCase: query.caseID != nil)
        let kinds = String(decoding: try JSONEncoder().encode(query.clearKinds), as: UTF8.self)
        let statement = try db.makeStatement(sql: sql)
        let cursor = try Row.fetchCursor(statement, arguments: [query.caseID, kinds, query.from, query.to])
        let raw = statement.sqliteStatement
        let byteColumns = Int32(DocumentListRows.Column.allCases.count)
        func newBatch() -> DocumentListRows {
            var batch = DocumentListRows()
            batch.reserve(rows: min(max(1, query.batchRows), 8192), bytesPerRow: 320)
            return batch
        }
        var batch = newBatch()
        while try cursor.next() != nil {
            // A batch ends only where the date or the case changes (the caller orders each group by name).
            if batch.count >= max(1, query.batchRows), !Self.continuesGroup(batch, raw) {
                try body(batch)
                batch = newBatch()
            }
            for column in 0..<byteColumns {
                switch sqlite3_column_type(raw, column) {
                case SQLITE_NULL:
                    guard Self.nullable & (1 << column) != 0 else { throw Self.damaged(raw) }
                    batch.appendNull()
                case SQLITE_TEXT, SQLITE_BLOB:
                    // sqlite3_column_blob on a text column gives its UTF-8 bytes; a zero-length value may be a null pointer.
                    let count = Int(sqlite3_column_bytes(raw, column))
                    let pointer = count > 0 ? sqlite3_column_blob(raw, column) : nil
                    batch.append(bytes: UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : count))
                default:
                    throw Self.damaged(raw)
                }
            }
            for column in byteColumns..<(byteColumns + 3) where sqlite3_column_type(raw, column) != SQLITE_INTEGER {
                throw Self.damaged(raw)
            }
            batch.endRow(size: sqlite3_column_int64(raw, byteColumns), ciphertextSize: sqlite3_column_int64(raw, byteColumns + 1),
                         caseKeyVersion: Int(sqlite3_column_int64(raw, byteColumns + 2)))
        }
        if batch.count > 0 { try body(batch) }
    }

    /// Fixed SQL; every value is an argument (?1 case, ?2 clear kinds as a JSON array, ?3 and ?4 the dates). In the
    /// order of the listing indexes (Schema.registerListingOrder), so SQLite sorts nothing; within one date and case,
    /// table order (the core orders each such group by name, then id).
    static func documentListSQL(byCase: Bool) -> String {
        """
        SELECT id, case_id, kind, media_type, document_date, document_date_source, ingested_at, ingested_by,
               ciphertext_sha256, content_mac, original_name_sealed, date_source_sealed, kind_sealed,
               size, ciphertext_size, case_key_version
        FROM documents
        WHERE (?2 = '[]' OR kind IN (SELECT value FROM json_each(?2)))
          AND (?3 IS NULL OR document_date >= ?3) AND (?4 IS NULL OR document_date <= ?4)
        """ + (byCase ? " AND case_id = ?1" : " AND ?1 IS NULL") + " ORDER BY document_date IS NULL, document_date, case_id"
    }

    /// document_date, ingested_by, date_source_sealed, kind_sealed, as bits (a test per NULL cell, no hashing).
    private static let nullable: Int32 = 1 << 4 | 1 << 7 | 1 << 11 | 1 << 12

    /// Whether the current statement row has the same date and case as the batch's last row.
    private static func continuesGroup(_ batch: DocumentListRows, _ raw: OpaquePointer) -> Bool {
        let last = batch.count - 1
        func same(_ column: DocumentListRows.Column) -> Bool {
            let index = Int32(column.rawValue)
            guard let span = batch.span(last, column) else { return sqlite3_column_type(raw, index) == SQLITE_NULL }
            guard sqlite3_column_type(raw, index) != SQLITE_NULL else { return false }
            let count = Int(sqlite3_column_bytes(raw, index))
            guard count == span.count else { return false }
            guard count > 0, let pointer = sqlite3_column_blob(raw, index) else { return true }
            return batch.bytes[span].elementsEqual(UnsafeRawBufferPointer(start: pointer, count: count))
        }
        return same(.documentDate) && same(.caseID)
    }

    /// A row whose column holds a value of the wrong type (edited outside casevault): an error, never a crash.
    private static func damaged(_ raw: OpaquePointer) -> StoreError {
        let id = sqlite3_column_type(raw, 0) == SQLITE_TEXT ? sqlite3_column_text(raw, 0).map { String(cString: $0) } ?? "?" : "?"
        return .failed("document \(id) holds a value of the wrong type")
    }
}
