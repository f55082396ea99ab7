import Foundation
import VaultCore
import XCTest

final class PrivateFilesTests: XCTestCase {
    /// Foundation on Linux traps on `("k" as NSString).deletingLastPathComponent`; `init --keys k` crashed with it.
    func testParentDirectoryOfShortAndOddPaths() {
        XCTAssertEqual(PrivateFiles.parentDirectory(of: "k"), ".")
        XCTAssertEqual(PrivateFiles.parentDirectory(of: "keys.json"), ".")
        XCTAssertEqual(PrivateFiles.parentDirectory(of: "a/k"), "a")
        XCTAssertEqual(PrivateFiles.parentDirectory(of: "a//k"), "a")
        XCTAssertEqual(PrivateFiles.parentDirectory(of: "/k"), "/")
        XCTAssertEqual(PrivateFiles.parentDirectory(of: "/srv/vault/"), "/srv")
        XCTAssertEqual(PrivateFiles.parentDirectory(of: "./o"), ".")
        XCTAssertEqual(PrivateFiles.parentDirectory(of: "/"), "/")
    }

    func testAtomicWriteToAOneLetterNameInTheCurrentFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-pf-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        try PrivateFiles.atomicWrite(Data("x".utf8), to: "k", replacing: false)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/k")), Data("x".utf8))
        let mode = try FileManager.default.attributesOfItem(atPath: folder + "/k")[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
    }
}
