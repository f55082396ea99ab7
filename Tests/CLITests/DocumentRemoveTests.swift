import Foundation
import XCTest

/// Issue 19: `document remove` crypto-shreds one document: its row (with its wrapped key) and its encrypted body go,
/// SQLite keeps no copy of the row, a tombstone and the audit log remain, `list` no longer shows it and `verify`
/// stays clean. Refusals change nothing.
final class DocumentRemoveTests: XCTestCase {
    func testRemovingADocumentShredsItAndKeepsATombstone() throws {
        let sandbox = try Sandbox()
        let world = try ConsentWorld.make(sandbox)
        _ = try world.recordConsent(sandbox, grantee: world.org, actions: "view_documents,ingest_document")
        let wrong = try world.ingest(sandbox, "wrong.txt", "A letter about another client.\n")
        let kept = try world.ingest(sandbox, "kept.txt", "Dear Complaints Team,\n")
        let shown = try sandbox.json(try sandbox.run(["show", wrong, "--json"]))
        let digest = try XCTUnwrap(Self.bytes(hex: try XCTUnwrap(shown["ciphertext_sha256"] as? String)))
        XCTAssertEqual(digest.count, 32)
        let blob = try XCTUnwrap(Self.files(under: sandbox.path("vault")).first { $0.hasSuffix("/" + wrong) }, "the body is stored")

        // Refusals: another organisation (exit 3), no reason (usage), a consent's signed form; nothing changes.
        let listed = try sandbox.run(["list", "--case", world.caseID]).stdout
        XCTAssertEqual(try sandbox.run(["document", "remove", wrong, "--reason", "wrong client", "--yes", "--as", world.partner]).exitCode, 3)
        XCTAssertEqual(try sandbox.run(["document", "remove", wrong, "--yes"]).exitCode, 64)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sandbox.run(["list", "--case", world.caseID, "--json"]).stdout.utf8)) as? [[String: Any]])
        let form = try XCTUnwrap(rows.first { $0["kind"] as? String == "consent_form" }?["id"] as? String)
        let formRefused = try sandbox.run(["document", "remove", form, "--reason", "tidy", "--yes"])
        XCTAssertEqual(formRefused.exitCode, 1, formRefused.stderr)
        XCTAssertTrue(formRefused.stderr.contains("signed form of consent"), formRefused.stderr)
        XCTAssertEqual(try sandbox.run(["list", "--case", world.caseID]).stdout, listed)
        XCTAssertTrue(FileManager.default.fileExists(atPath: blob))

        let removed = try sandbox.run(["document", "remove", wrong, "--reason", "filed on the wrong client", "--yes"])
        XCTAssertEqual(removed.exitCode, 0, removed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: blob), "the encrypted body is deleted")
        let after = try sandbox.run(["list", "--case", world.caseID]).stdout
        XCTAssertFalse(after.contains(wrong), after)
        XCTAssertTrue(after.contains(kept), after)
        XCTAssertEqual(try sandbox.run(["cat", kept]).stdout, "Dear Complaints Team,\n")
        XCTAssertEqual(try sandbox.run(["cat", wrong]).exitCode, 1)
        // secure_delete and a truncated WAL: the row's bytes (here its ciphertext digest) are nowhere in the database files.
        for name in ["vault.db", "vault.db-wal"] {
            let path = try XCTUnwrap(Self.files(under: sandbox.path("vault")).first { $0.hasSuffix("/" + name) } ?? (name.hasSuffix("-wal") ? "" : nil))
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            XCTAssertNil(data.range(of: digest), "\(name) still holds the removed row")
        }
        XCTAssertTrue(try sandbox.run(["case", "show", world.caseID]).stdout.contains("removed document \(wrong) (letter"), "the tombstone is listed")
        let history = try sandbox.run(["document", "history", wrong]).stdout
        XCTAssertTrue(history.contains("document.remove"), history)
        let log = try sandbox.asManager(["audit", "log", "--json"]).stdout
        XCTAssertTrue(log.contains("document.remove"))
        XCTAssertFalse(log.contains("wrong client"), "the reason is sealed in the tombstone")
        let again = try sandbox.run(["document", "remove", wrong, "--reason", "again", "--yes"])
        XCTAssertEqual(again.exitCode, 1)
        XCTAssertTrue(again.stderr.contains("already removed"), again.stderr)
        try world.assertVerifies(sandbox)
    }

    static func files(under root: String) -> [String] {
        (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).map { root + "/" + $0 }
    }

    static func bytes(hex: String) -> Data? {
        var data = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) ?? hex.endIndex
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            data.append(byte)
            index = next
        }
        return data
    }
}
