import Foundation
import VaultStorage
import VaultStorageSQLite
import XCTest

/// The people reader behind `person find` takes cells straight from SQLite's C API. A row changed with sqlite3 so
/// that a column holds a value of another type must give an error naming the row, never a crash or a wrong row.
final class SQLitePeopleReaderTests: XCTestCase {
    func testAPersonRowWithAValueOfTheWrongTypeIsAnErrorNotACrash() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { throw XCTSkip("sqlite3 is not installed") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-people-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("vault.db").path
        let store = try SQLiteRecordStore(path: path)
        try StorageConformance.seed(store)
        XCTAssertEqual(try store.read { try $0.personSearchRows() }.map(\.id).sorted(), ["per-1", "per-2"])

        // The sealed columns have no type affinity, so another type stays what it was written as (a text column such as
        // id would turn 7 into "7", which is no error).
        for (column, value) in [("name_sealed", "42"), ("dob_sealed", "4.5"), ("nhs_number_index", "7")] {
            try sqlite(path, "UPDATE people SET \(column) = \(value) WHERE id = 'per-2'")
            XCTAssertThrowsError(try store.read { try $0.personSearchRows() }, column) { error in
                guard case .failed(let message)? = error as? StoreError else { return XCTFail("\(column): \(error)") }
                XCTAssertTrue(message.contains("wrong type"), message)
                XCTAssertTrue(message.contains("per-2"), message)
            }
            XCTAssertThrowsError(try store.read { tx in try tx.personSearchRows(batchRows: 1) { _ in } }, column)
            // Put back, so the next column is the only one wrong.
            try sqlite(path, "UPDATE people SET \(column) = X'02' WHERE id = 'per-2'")
        }
        XCTAssertEqual(try store.read { try $0.personSearchRows() }.count, 2)
    }

    private func sqlite(_ database: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, sql)
    }
}
