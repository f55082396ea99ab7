import Foundation
import VaultStorage
import VaultStorageSQLite
import XCTest

/// The SQLite store against the storage conformance suite, each check on a fresh database in a temporary folder.
final class SQLiteConformanceTests: XCTestCase {
    func testSQLiteStorePassesTheConformanceSuite() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-storage-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var count = 0
        try StorageConformance.run {
            count += 1
            return try SQLiteRecordStore(path: folder.appendingPathComponent("vault-\(count).db").path)
        }
        XCTAssertEqual(count, 9, "each check had its own database")
    }
}
