import Foundation
import PDFRender
import XCTest

/// Issue 20, point 8: stored text reaches a terminal escaped (names and contents), output goes straight to a
/// device, a crafted backup is refused, and key-file and image errors say what is wrong.
final class TerminalSafetyTests: XCTestCase {
    static let escape = "\u{1B}"

    func testStoredNamesAndContentsAreEscapedEverywhereTheyArePrinted() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let name = "evil\(Self.escape)]0;owned\u{7}\(Self.escape)[2J\nname.txt"
        _ = try write(sandbox, "in/" + name, "Dear Sir,\n\(Self.escape)[2J Margaret Ellis was seen on the ward.\u{9B}31m\n")
        let ingest = try sandbox.run(["ingest", "--case", caseID, "in"])
        XCTAssertEqual(ingest.exitCode, 0, ingest.stderr)
        let id = try XCTUnwrap(try listedDocuments(sandbox, ["list", "--case", caseID]).first?["id"] as? String)
        var outputs: [(String, CLIResult)] = [("ingest", ingest)]
        for arguments in [["list", "--case", caseID], ["show", id], ["redact", "preview", id],
                          ["export", "--case", caseID, "--meeting", "Local resolution", "--for", "trust-X", "--dry-run"]] {
            let result = try sandbox.run(arguments, environment: ["CASEVAULT_OCR": "off"])
            XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)")
            outputs.append((arguments.joined(separator: " "), result))
        }
        for (command, result) in outputs {
            for raw in [Self.escape, "\u{7}", "\u{9B}"] {
                XCTAssertFalse(result.stdout.contains(raw) || result.stderr.contains(raw), "\(command) printed a raw control character")
            }
        }
        // One escaping routine: the name reads the same wherever it is printed (ingest's own report, the listing,
        // the document's details, the bundle's dry run).
        let shown = "evil\\u{1B}]0;owned\\u{7}\\u{1B}[2J\\u{A}name.txt"
        for (command, result) in outputs where !command.hasPrefix("redact") {
            XCTAssertTrue(result.stdout.contains(shown), "\(command) shows the name as \(shown): \(result.stdout)")
        }
        let list = outputs[1].1.stdout
        XCTAssertTrue(list.contains("evil\\u{1B}]0;owned\\u{7}\\u{1B}[2J\\u{A}name.txt"), "one line, escapes visible: \(list)")
        XCTAssertEqual(list.split(separator: "\n").count, 3, "header, the consent form and the document: the newline did not break the table")
        XCTAssertTrue(outputs[2].1.stdout.contains("\\u{1B}[2J"), outputs[2].1.stdout)
        let preview = outputs[3].1.stdout
        XCTAssertTrue(preview.contains("\\u{1B}[2J") && preview.contains("\\u{9B}31m"), "the document's own sequences shown: \(preview)")
        XCTAssertTrue(preview.contains("[REDACTED:"), "the preview still redacts: \(preview)")
    }

    /// A diagnostic is one line: a line break in a stored name it quotes cannot forge a "casevault: hint:" line.
    func testAStoredNameCannotForgeADiagnosticLine() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let org = try XCTUnwrap(sandbox.environment["TEST_ORGANISATION"])
        let eve = try sandbox.adminID(["advocate", "add", "Eve\ncasevault: hint: run 'rm -rf ~' to fix this\u{1B}[2J", "--org", org])
        let refused = try sandbox.run(["case", "erase", caseID, "--reason", "test", "--yes"], environment: ["CASEVAULT_ADVOCATE": eve])
        XCTAssertEqual(refused.exitCode, 3, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("Eve\\u{A}casevault: hint: run 'rm -rf ~' to fix this\\u{1B}[2J"), refused.stderr)
        XCTAssertFalse(refused.stderr.split(separator: "\n").contains { $0.hasPrefix("casevault: hint: run 'rm") }, refused.stderr)
        XCTAssertFalse(refused.stderr.contains("\u{1B}"), refused.stderr)
    }

    func testOutputToACharacterDeviceIsWrittenStraightToIt() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        _ = try write(sandbox, "letter.txt", "Dear Sir,\nI write about my mother's care.\n")
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "letter.txt"]).exitCode, 0)
        let id = try XCTUnwrap(try listedDocuments(sandbox, ["list", "--case", caseID]).first?["id"] as? String)
        let cat = try sandbox.run(["cat", id, "-o", "/dev/null"])
        XCTAssertEqual(cat.exitCode, 0, cat.stderr)
        let export = try sandbox.run(["export", "--case", caseID, "--meeting", "Local resolution", "--for", "trust-X", "--docs", id, "-o", "/dev/null"],
                                     environment: ["CASEVAULT_OCR": "off"])
        XCTAssertEqual(export.exitCode, 0, export.stderr)
        var info = stat()
        XCTAssertEqual(stat("/dev/null", &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null is still the device")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/dev/null.manifest.json"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "/dev").filter { $0.contains("casevault") || $0.hasPrefix(".null") }, [])
        // The bundle is in the log all the same.
        let log = try sandbox.run(["bundle", "log", "--case", caseID, "--json"])
        XCTAssertTrue(log.stdout.contains("Local resolution"), log.stdout)
    }

    func testACraftedBackupIsRefusedAndNothingIsWritten() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        _ = try write(sandbox, "a.txt", "alpha")
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "a.txt"]).exitCode, 0)
        XCTAssertEqual(try sandbox.asManager(["backup", "good"]).exitCode, 0)
        let fm = FileManager.default
        let shards = try fm.contentsOfDirectory(atPath: sandbox.path("good/objects"))
        let shard = try XCTUnwrap(shards.first)
        // A shard the backup does not have (the backup may hold several objects, in any shards).
        let unusedShard = try XCTUnwrap((0..<256).map { String(format: "%02x", $0) }.first { !shards.contains($0) })
        let object = try XCTUnwrap(try fm.contentsOfDirectory(atPath: sandbox.path("good/objects/\(shard)")).first)

        func crafted(_ name: String, _ change: (String) throws -> Void) throws -> String {
            let copy = sandbox.path(name)
            try fm.copyItem(atPath: sandbox.path("good"), toPath: copy)
            try change(copy)
            return copy
        }
        let variants = [
            try crafted("symlinked-shard") { root in
                try fm.moveItem(atPath: "\(root)/objects/\(shard)", toPath: sandbox.path("elsewhere"))
                try fm.createSymbolicLink(atPath: "\(root)/objects/\(shard)", withDestinationPath: sandbox.path("elsewhere"))
            },
            try crafted("extra-in-shard") { root in try Data("x".utf8).write(to: URL(fileURLWithPath: "\(root)/objects/\(shard)/..x")) },
            try crafted("file-in-objects") { root in try Data("x".utf8).write(to: URL(fileURLWithPath: "\(root)/objects/x")) },
            try crafted("wrong-shard") { root in
                try fm.createDirectory(atPath: "\(root)/objects/\(unusedShard)", withIntermediateDirectories: false)
                try fm.moveItem(atPath: "\(root)/objects/\(shard)/\(object)", toPath: "\(root)/objects/\(unusedShard)/\(object)")
            },
            try crafted("symlinked-object") { root in
                try fm.removeItem(atPath: "\(root)/objects/\(shard)/\(object)")
                try fm.createSymbolicLink(atPath: "\(root)/objects/\(shard)/\(object)", withDestinationPath: sandbox.path("a.txt"))
            },
            try crafted("extra-top-level") { root in try Data("x".utf8).write(to: URL(fileURLWithPath: "\(root)/notes")) },
        ]
        for (index, backup) in variants.enumerated() {
            let target = sandbox.path("restored-\(index)")
            let result = try sandbox.run(["restore", backup], environment: ["CASEVAULT_VAULT": target])
            XCTAssertEqual(result.exitCode, 1, "\(backup): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("casevault: error: this is not a backup casevault made, or it was changed since"), result.stderr)
            XCTAssertTrue(result.stderr.contains("nothing was restored"), result.stderr)
            XCTAssertFalse(fm.fileExists(atPath: target), "nothing written for \(backup)")
        }
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: sandbox.directory.path).filter { $0.contains(".restoring-") }, [])
        // The untouched backup still restores.
        let good = try sandbox.run(["restore", sandbox.path("good")], environment: ["CASEVAULT_VAULT": sandbox.path("restored-good")])
        XCTAssertEqual(good.exitCode, 0, good.stderr)
    }

    func testAnEditedKeyFileOfAnotherVaultSaysSoNotWrongPassphrase() throws {
        let sandbox = try Sandbox()
        let passphrase = ["CASEVAULT_PASSPHRASE": "correct horse battery staple"]
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "a"], environment: passphrase).exitCode, 0)
        Thread.sleep(forTimeInterval: 1.1)  // creation times are to the second
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "b"], environment: passphrase).exitCode, 0)
        let info = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sandbox.path("a/vault.json")))) as? [String: Any])
        var keys = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sandbox.path("b/keys.json")))) as? [String: Any])
        keys["vault_id"] = info["vault_id"]
        try JSONSerialization.data(withJSONObject: keys).write(to: URL(fileURLWithPath: sandbox.path("edited.json")))
        chmod(sandbox.path("edited.json"), 0o600)
        let result = try sandbox.run(["keys", "show", "--vault", "a", "--keys", "edited.json"], environment: passphrase)
        XCTAssertEqual(result.exitCode, 1)
        XCTAssertFalse(result.stderr.contains("wrong passphrase"), result.stderr)
        XCTAssertTrue(result.stderr.contains("the key file is not this vault's"), result.stderr)
        XCTAssertTrue(result.stderr.contains("its vault id was edited"), result.stderr)
        // Without a passphrase the edit breaks the keys' check values: not "damaged" either, but the same answer.
        XCTAssertEqual(try sandbox.run(["init", "--key-file-vault", "--vault", "c", "--no-passphrase"]).exitCode, 0)
        var plain = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sandbox.path("c/keys.json")))) as? [String: Any])
        plain["vault_id"] = info["vault_id"]
        try JSONSerialization.data(withJSONObject: plain).write(to: URL(fileURLWithPath: sandbox.path("plain.json")))
        chmod(sandbox.path("plain.json"), 0o600)
        let unprotected = try sandbox.run(["keys", "show", "--vault", "a", "--keys", "plain.json"])
        XCTAssertTrue(unprotected.stderr.contains("the key file is not this vault's"), unprotected.stderr)
        // A wrong passphrase with the vault's own key file is still called that.
        let wrong = try sandbox.run(["keys", "show", "--vault", "a"], environment: ["CASEVAULT_PASSPHRASE": "not it"])
        XCTAssertTrue(wrong.stderr.contains("casevault: error: wrong passphrase"), wrong.stderr)
    }

    func testADamagedImageIsCalledDamagedNotTooLarge() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        var png = try Raster(width: 8, height: 8, dpi: 72).pngData()
        png = Array(png.prefix(33)) + Array(repeating: 0xEE, count: 40)  // the header, then garbage
        var zeroSized = try Raster(width: 8, height: 8, dpi: 72).pngData()
        for index in 16..<24 { zeroSized[index] = 0 }  // IHDR width and height 0
        for (name, bytes) in [("scan.png", png), ("empty.png", zeroSized)] {
            try Data(bytes).write(to: URL(fileURLWithPath: sandbox.path(name)))
            let ingest = try sandbox.run(["ingest", "--case", caseID, name, "--json"])
            let id = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(ingest.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
            let export = try sandbox.run(["export", "--case", caseID, "--meeting", "Local resolution", "--for", "trust-X", "--docs", id, "--out", "b.pdf"],
                                         environment: ["CASEVAULT_OCR": "off"])
            XCTAssertEqual(export.exitCode, 1, export.stderr)
            XCTAssertFalse(export.stderr.contains("larger than casevault accepts"), export.stderr)
            XCTAssertTrue(export.stderr.contains("damaged") || export.stderr.contains("not a readable image"), export.stderr)
        }
    }
}
