import Foundation
import XCTest

/// The vault store through the CLI: the scripting contract and the bad-input list of the issue.
final class VaultCommandsTests: XCTestCase {
    func ingestedIDs(_ result: CLIResult) throws -> [String: String] {
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        var ids: [String: String] = [:]
        for row in rows { if let id = row["id"] as? String, let path = row["path"] as? String { ids[path] = id } }
        return ids
    }

    func testIngestListShowCatRoundTripWithJSONContract() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let letter = try write(sandbox, "in/letter.txt", "Complaints Team\n\n2 March 2025\n\nDear Sir or Madam,\nI am writing about my mother.\n")
        let result = try sandbox.run(["ingest", "--case", caseID, "in", "--json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let id = try XCTUnwrap(try ingestedIDs(result)["in/letter.txt"])
        let listed = try listedDocuments(sandbox, ["list", "--case", caseID])
        XCTAssertEqual(listed.map { $0["id"] as? String }, [id])
        XCTAssertEqual(listed[0]["document_date"] as? String, "2025-03-02")
        XCTAssertEqual(listed[0]["document_date_source"] as? String, "letterhead")
        XCTAssertEqual(listed[0]["kind"] as? String, "letter")
        let shown = try sandbox.json(try sandbox.run(["show", id, "--json"]))
        XCTAssertEqual(shown["name"] as? String, "letter.txt")
        let cat = try sandbox.run(["cat", id])
        XCTAssertEqual(cat.exitCode, 0)
        XCTAssertEqual(cat.stdout, try String(contentsOfFile: letter, encoding: .utf8))
        XCTAssertEqual(try sandbox.run(["cat", id, "-o", "out.txt"]).exitCode, 0)
        XCTAssertEqual(try String(contentsOfFile: sandbox.path("out.txt"), encoding: .utf8), cat.stdout)
        let again = try sandbox.run(["cat", id, "-o", "out.txt"])
        XCTAssertEqual(again.exitCode, 1, "never overwrites")
        XCTAssertTrue(again.stderr.contains("already exists"))
        let verify = try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))
        XCTAssertEqual(verify["ok"] as? Bool, true)
        XCTAssertEqual(verify["documents_checked"] as? Int, 2, "the letter and the consent form")
    }

    func testUnreadableZeroByteAndOddNamesWithPartialExitCode() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        _ = try write(sandbox, "in/good.txt", "good")
        _ = try write(sandbox, "in/empty.txt", "")
        _ = try write(sandbox, "in/new\nline.txt", "newline name")
        let unreadable = try write(sandbox, "in/secret.txt", "unreadable")
        chmod(unreadable, 0)
        // A name that is not UTF-8, created through the raw bytes.
        let raw = Array(sandbox.path("in/latin1-").utf8) + [0xE9] + Array(".txt".utf8) + [0]
        let fd = raw.withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o600) } }
        XCTAssertGreaterThanOrEqual(fd, 0)
        _ = "latin-1 name".withCString { Glibc.write(fd, $0, 12) }
        close(fd)

        // A path that vanished before it was read fails for every user (root reads mode-000 files).
        let result = try sandbox.run(["ingest", "--case", caseID, "in", "vanished.txt", "--json"])
        XCTAssertEqual(result.exitCode, 2, "some inputs failed: \(result.stderr)")
        XCTAssertTrue(result.stderr.contains("vanished.txt: open"), result.stderr)
        if geteuid() != 0 { XCTAssertTrue(result.stderr.contains("secret.txt"), result.stderr) }
        let ids = try ingestedIDs(result)
        XCTAssertNotNil(ids["in/good.txt"])
        XCTAssertNotNil(ids["in/empty.txt"])
        XCTAssertNotNil(ids["in/new\\u{A}line.txt"], "newline escaped in output: \(ids.keys)")
        XCTAssertNotNil(ids["in/latin1-\\xe9.txt"], "invalid UTF-8 escaped: \(ids.keys)")
        XCTAssertEqual(try sandbox.run(["cat", ids["in/empty.txt"]!]).stdout, "")
        XCTAssertEqual(try sandbox.run(["cat", ids["in/latin1-\\xe9.txt"]!]).stdout, "latin-1 name")
        XCTAssertFalse(result.stdout.contains("new\nline"), "a newline in a name cannot forge output lines")
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)
    }

    func testDiskFullLeavesNoRowAndNoTempFile() throws {
        // Writes beyond 0.5 or 1 MiB fail (the shell's blocks are 512 bytes in dash, 1 KiB in bash).
        try assertDiskFullIngest(size: 3 << 20, limitBlocks: 1024)
    }

    /// Ingests a file of `size` bytes with RLIMIT_FSIZE at `limitBlocks` of the shell's blocks standing in for a full disk (writes past it fail
    /// with EFBIG): the command fails naming the file, and no row, blob or temp file is left.
    func assertDiskFullIngest(size: Int, limitBlocks: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        _ = try write(sandbox, "big.bin", String(repeating: "x", count: size))
        let before = try FileManager.default.contentsOfDirectory(atPath: sandbox.path("vault/objects"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -f \(limitBlocks); exec \"$0\" \"$@\"", try casevaultBinary().path, "ingest", "--case", caseID, "big.bin"]
        process.currentDirectoryURL = sandbox.directory
        process.environment = sandbox.actingEnvironment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, stderr, file: file, line: line)
        XCTAssertTrue(stderr.contains("big.bin"), stderr, file: file, line: line)
        XCTAssertTrue(stderr.lowercased().contains("too large") || stderr.contains("File too large"), stderr, file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("vault/tmp")), [], "no temp file left", file: file, line: line)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("vault/objects")), before, file: file, line: line)
        XCTAssertEqual(try listedDocuments(sandbox, ["list"]).count, 0, file: file, line: line)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--json"]))["ok"] as? Bool, true, file: file, line: line)
    }

    func testMissingAndCorruptBlobsFailCatAndAreNamedByVerify() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        _ = try write(sandbox, "in/a.txt", String(repeating: "a", count: 50_000))
        _ = try write(sandbox, "in/b.txt", String(repeating: "b", count: 50_000))
        let ids = try ingestedIDs(try sandbox.run(["ingest", "--case", caseID, "in", "--json"]))
        let a = try XCTUnwrap(ids["in/a.txt"]), b = try XCTUnwrap(ids["in/b.txt"])
        let hexA = String(a.dropFirst(4).prefix(2)), hexB = String(b.dropFirst(4).prefix(2))
        try FileManager.default.removeItem(atPath: sandbox.path("vault/objects/\(hexA)/\(a)"))
        let blobB = sandbox.path("vault/objects/\(hexB)/\(b)")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: blobB))
        bytes[100] ^= 1
        try bytes.write(to: URL(fileURLWithPath: blobB))

        let missing = try sandbox.run(["cat", a])
        XCTAssertEqual(missing.exitCode, 1)
        XCTAssertTrue(missing.stderr.contains("missing"), missing.stderr)
        XCTAssertTrue(missing.stderr.contains("casevault: hint:"))
        let corrupt = try sandbox.run(["cat", b, "-o", "b-out.txt"])
        XCTAssertEqual(corrupt.exitCode, 1)
        XCTAssertTrue(corrupt.stderr.contains("damaged"), corrupt.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("b-out.txt")), "no partial output file")
        let verify = try sandbox.run(["verify", "--read-data"])
        XCTAssertEqual(verify.exitCode, 1)
        XCTAssertTrue(verify.stdout.contains(a) && verify.stdout.contains(b), verify.stdout)
    }

    /// Four processes ingest (two into one case, two into another) while two more list and decrypt.
    func testConcurrentWritersAndReaders() throws {
        let sandbox = try Sandbox()
        let caseA = try prepare(sandbox)
        let caseB = try prepare(sandbox, reuse: true)
        for writer in 0..<4 {
            for index in 0..<25 { _ = try write(sandbox, "w\(writer)/f\(index).txt", "writer \(writer) file \(index) \(UUID())") }
        }
        _ = try write(sandbox, "seed.txt", "seed document")
        let seed = try XCTUnwrap(try ingestedIDs(try sandbox.run(["ingest", "--case", caseA, "seed.txt", "--json"]))["seed.txt"])
        func start(_ arguments: [String]) throws -> Process {
            let process = Process()
            process.executableURL = try casevaultBinary()
            process.arguments = arguments
            process.currentDirectoryURL = sandbox.directory
            process.environment = sandbox.actingEnvironment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        var writers: [Process] = []
        for writer in 0..<4 { writers.append(try start(["ingest", "--case", writer < 2 ? caseA : caseB, "w\(writer)"])) }
        var readerFailures = 0
        for round in 0..<6 {
            let list = try start(["list", "--json"])
            let cat = try start(["cat", seed, "-o", "seed-copy-\(round).txt"])
            for process in [list, cat] {
                process.waitUntilExit()
                if process.terminationStatus != 0 { readerFailures += 1 }
            }
        }
        for process in writers {
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
        }
        XCTAssertEqual(readerFailures, 0, "readers never fail while writers work")
        let listed = try listedDocuments(sandbox, ["list"])
        XCTAssertEqual(listed.count, 101)
        XCTAssertEqual(Set(listed.compactMap { $0["id"] as? String }).count, 101, "every document exactly once")
        XCTAssertEqual(listed.filter { $0["case_id"] as? String == caseB }.count, 50)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)
    }

    func testRotateRetireEraseBackupRestoreThroughTheCLI() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox, keyFileVault: true)
        _ = try write(sandbox, "in/a.txt", "alpha")
        let id = try XCTUnwrap(try ingestedIDs(try sandbox.run(["ingest", "--case", caseID, "in", "--json"]))["in/a.txt"])
        let retireTooEarly = try sandbox.asManager(["keys", "retire", "1"])
        XCTAssertEqual(retireTooEarly.exitCode, 1)
        XCTAssertTrue(retireTooEarly.stderr.contains("keys rotate"), retireTooEarly.stderr)
        XCTAssertEqual(try sandbox.asManager(["keys", "rotate"]).exitCode, 0)
        XCTAssertEqual(try sandbox.asManager(["keys", "retire", "1"]).exitCode, 0)
        XCTAssertEqual(try sandbox.run(["cat", id]).stdout, "alpha")

        let notAdvocates = try sandbox.run(["backup", "bk"])
        XCTAssertEqual(notAdvocates.exitCode, 3, "an advocate does not back up the whole vault")
        XCTAssertEqual(try sandbox.asManager(["backup", "bk"]).exitCode, 0)
        // Restored as on another computer (its own state folder): on this one, the restore would make the restored copy
        // the newest state of the vault, and the original would then be refused as older (IntegrityCommandsTests).
        let elsewhere = ["CASEVAULT_VAULT": sandbox.path("restored"), "CASEVAULT_KEYS": sandbox.path("vault/keys.json"),
                         "XDG_STATE_HOME": sandbox.path("other-computer-state")]
        let restore = try sandbox.run(["restore", "bk"], environment: elsewhere)
        XCTAssertEqual(restore.exitCode, 0, restore.stderr)
        XCTAssertEqual(try sandbox.run(["cat", id], environment: elsewhere).stdout, "alpha")

        let refused = try sandbox.asManager(["case", "erase", caseID, "--reason", "erasure request"])
        XCTAssertEqual(refused.exitCode, 64, "needs --yes")
        let byAdvocate = try sandbox.run(["case", "erase", caseID, "--yes", "--reason", "erasure request"])
        XCTAssertEqual(byAdvocate.exitCode, 3, "only a manager erases: \(byAdvocate.stderr)")
        XCTAssertEqual(try sandbox.asManager(["case", "erase", caseID, "--yes", "--reason", "erasure request"]).exitCode, 0)
        let gone = try sandbox.run(["cat", id])
        XCTAssertEqual(gone.exitCode, 1)
        XCTAssertTrue(gone.stderr.contains("no document"), gone.stderr)
        XCTAssertEqual(try sandbox.json(try sandbox.asManager(["case", "show", caseID, "--json"]))["status"] as? String, "erased")
    }

    /// The erasure reaches an old backup: backup, erase, rotate, retire the old version, restore the backup with the
    /// current key file → the erased case's document does not decrypt (nor anything else wrapped only under the
    /// destroyed version), while the backup's audit log still verifies (the audit key is its own key).
    func testRetiringTheOldVersionMakesAnErasedCaseUnreadableInAnOlderBackup() throws {
        let sandbox = try Sandbox()
        let erasedCase = try prepare(sandbox, keyFileVault: true)
        let keptCase = try prepare(sandbox, reuse: true)
        _ = try write(sandbox, "in/a.txt", "alpha")
        _ = try write(sandbox, "other/b.txt", "bravo")
        let erasedDocument = try XCTUnwrap(try ingestedIDs(try sandbox.run(["ingest", "--case", erasedCase, "in", "--json"]))["in/a.txt"])
        let keptDocument = try XCTUnwrap(try ingestedIDs(try sandbox.run(["ingest", "--case", keptCase, "other", "--json"]))["other/b.txt"])
        XCTAssertEqual(try sandbox.asManager(["backup", "bk"]).exitCode, 0)
        XCTAssertEqual(try sandbox.asManager(["case", "erase", erasedCase, "--yes", "--reason", "erasure request"]).exitCode, 0)
        XCTAssertEqual(try sandbox.asManager(["keys", "rotate"]).exitCode, 0)
        let beforeRetire = try Data(contentsOf: URL(fileURLWithPath: sandbox.path("vault/keys.json")))
        let version1 = try XCTUnwrap(try keyFileMasterEntries(beforeRetire).first { $0["version"] as? Int == 1 }?["key"] as? String)
        let retire = try sandbox.asManager(["keys", "retire", "1"])
        XCTAssertEqual(retire.exitCode, 0, retire.stderr)
        XCTAssertTrue(retire.stdout.contains("Destroyed master key version 1"), retire.stdout)

        // The key is gone from the key file; its entry says so.
        let afterRetire = try Data(contentsOf: URL(fileURLWithPath: sandbox.path("vault/keys.json")))
        XCTAssertFalse(String(decoding: afterRetire, as: UTF8.self).contains(version1))
        let entry = try XCTUnwrap(try keyFileMasterEntries(afterRetire).first { $0["version"] as? Int == 1 })
        XCTAssertEqual(entry["status"] as? String, "destroyed")
        XCTAssertNil(entry["key"])
        let report = try sandbox.json(try sandbox.run(["keys", "show", "--json"]))
        let shown = try XCTUnwrap(report["master_keys"] as? [[String: Any]])
        XCTAssertEqual(shown.first { $0["version"] as? Int == 1 }?["status"] as? String, "destroyed")
        XCTAssertNil(shown.first { $0["version"] as? Int == 1 }?["fingerprint"] as? String, "no key left to fingerprint")
        XCTAssertEqual((report["audit_key"] as? [String: Any])?["algorithm"] as? String, "hmac-sha256")
        XCTAssertEqual(try sandbox.run(["cat", keptDocument]).stdout, "bravo", "the live vault was rewrapped under version 2")

        let elsewhere = ["CASEVAULT_VAULT": sandbox.path("restored"), "CASEVAULT_KEYS": sandbox.path("vault/keys.json"),
                         "XDG_STATE_HOME": sandbox.path("other-computer-state")]
        let restore = try sandbox.asManager(["restore", "bk"], environment: elsewhere)
        XCTAssertEqual(restore.exitCode, 0, restore.stderr)
        for document in [erasedDocument, keptDocument] {
            let read = try sandbox.run(["cat", document], environment: elsewhere)
            XCTAssertEqual(read.exitCode, 1, read.stderr)
            XCTAssertEqual(read.stdout, "")
            XCTAssertTrue(read.stderr.contains("casevault: error:") && read.stderr.contains("master key version 1")
                          && read.stderr.contains("destroyed"), read.stderr)
            XCTAssertTrue(read.stderr.contains("casevault: hint:") && read.stderr.contains("backup made after"), read.stderr)
        }
        let verified = try sandbox.asManager(["audit", "verify"], environment: elsewhere)
        XCTAssertEqual(verified.exitCode, 0, "the audit key did not change: \(verified.stdout) \(verified.stderr)")
        XCTAssertEqual(try sandbox.asManager(["audit", "verify"]).exitCode, 0)
    }

    func keyFileMasterEntries(_ data: Data) throws -> [[String: Any]] {
        try XCTUnwrap((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["master_keys"] as? [[String: Any]])
    }

    func testSymlinkLoopsAndTraversalNamesAreHarmless() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        _ = try write(sandbox, "in/sub/real.txt", "real")
        try FileManager.default.createSymbolicLink(atPath: sandbox.path("in/sub/loop"), withDestinationPath: ".")
        _ = try write(sandbox, "elsewhere/target.txt", "reached through a link")
        try FileManager.default.createSymbolicLink(atPath: sandbox.path("in/sub/link.txt"), withDestinationPath: sandbox.path("elsewhere/target.txt"))
        try FileManager.default.createSymbolicLink(atPath: sandbox.path("in/escape"), withDestinationPath: "/etc")
        _ = try write(sandbox, "in/evil\\..\\..\\windows.txt", "a name that looks like a path")
        let skipped = try sandbox.run(["ingest", "--case", caseID, "in", "--json"])
        XCTAssertEqual(skipped.exitCode, 0, skipped.stderr)
        XCTAssertTrue(skipped.stderr.contains("symbolic link") && skipped.stderr.contains("hint: add --follow-symlinks"), skipped.stderr)
        XCTAssertEqual(try ingestedIDs(skipped).count, 2)
        let followed = try sandbox.run(["ingest", "--case", caseID, "--follow-symlinks", "in/sub", "--json"])
        XCTAssertEqual(followed.exitCode, 0, followed.stderr)
        XCTAssertTrue(followed.stderr.contains("symbolic link loop"), followed.stderr)
        let linked = try XCTUnwrap(try ingestedIDs(followed).first { $0.key.hasSuffix("target.txt") }?.value, followed.stdout)
        XCTAssertEqual(try sandbox.run(["cat", linked]).stdout, "reached through a link")
        XCTAssertEqual(try sandbox.json(try sandbox.run(["show", linked, "--json"]))["name"] as? String, "link.txt")
        // Names are only ever stored (sealed) and shown, never used as paths inside the vault.
        let listed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sandbox.run(["list", "--json"]).stdout.utf8)) as? [[String: Any]])
        XCTAssertTrue(listed.contains { $0["name"] as? String == "evil\\..\\..\\windows.txt" }, "\(listed.map { $0["name"] ?? "" })")
        let objects = try FileManager.default.subpathsOfDirectory(atPath: sandbox.path("vault/objects"))
        XCTAssertTrue(objects.allSatisfy { $0.split(separator: "/").last.map { $0.hasPrefix("doc-") || $0.count == 2 } ?? false }, "\(objects)")
    }

    func testUnknownIdsAndBadValuesGetClearErrors() throws {
        let sandbox = try Sandbox()
        _ = try prepare(sandbox)
        let unknownCase = try sandbox.run(["ingest", "--case", "case-nope", sandbox.path("x")])
        XCTAssertEqual(unknownCase.exitCode, 1)
        XCTAssertTrue(unknownCase.stderr.contains("no case with id case-nope"), unknownCase.stderr)
        let badDate = try sandbox.run(["person", "add", "--name", "A B", "--dob", "1/2/1950"])
        XCTAssertEqual(badDate.exitCode, 1)
        XCTAssertTrue(badDate.stderr.contains("the date of birth must be a date written YYYY-MM-DD"), badDate.stderr)
        let found = try JSONSerialization.jsonObject(with: Data(try sandbox.run(["person", "find", "--nhs-number", "9434765919", "--json"]).stdout.utf8)) as? [[String: Any]]
        XCTAssertEqual(found?.first?["name"] as? String, "Margaret Ellis")
    }
}

/// Shared by the CLI test classes: a prepared vault and case, files, dates.
extension XCTestCase {
    /// A vault with an organisation, an advocate, a client and an open case whose client has signed a written
    /// consent (the form is stored in the case as a consent_form document); returns the case id. Commands then
    /// act as that advocate (CASEVAULT_ADVOCATE). With `reuse`, a second case shares the organisation and advocate.
    /// `keyFileVault`: a vault of the earlier kind (one key file), for the master-key commands only such vaults have.
    /// `postgres`: the vault was just made by the caller (on PostgreSQL) and needs its organisation and people.
    func prepare(_ sandbox: Sandbox, reuse: Bool = false, keyFileVault: Bool = false, postgres: Bool = false) throws -> String {
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        if !reuse { try sandbox.initVault(keyFileVault ? ["--no-passphrase", "--key-file-vault"] : ["--no-passphrase"]) }
        let org: String
        if reuse, !postgres, let existing = sandbox.environment["TEST_ORGANISATION"] {
            org = existing
        } else {
            org = try sandbox.adminID(["org", "add", "Partner \(UUID().uuidString.prefix(8))"])
            let advocate = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
            sandbox.environment["TEST_MANAGER"] = try sandbox.adminID(["advocate", "add", "Lee Morgan", "--org", org, "--role", "manager"])
            sandbox.environment["TEST_ORGANISATION"] = org
            sandbox.environment["CASEVAULT_ADVOCATE"] = advocate
        }
        let advocate = try XCTUnwrap(sandbox.environment["CASEVAULT_ADVOCATE"])
        let person = try XCTUnwrap(try sandbox.json(try sandbox.run(["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14",
                                                                       "--nhs-number", "943 476 5919", "--json"]))["id"] as? String)
        let opened = try sandbox.run(["case", "open", "--client", person, "--org", org, "--advocate", advocate, "--nhs-body", "trust-X",
                                      "--incident-date", "2025-01-15", "--complaint-date", "2025-03-03", "--json"])
        XCTAssertEqual(opened.exitCode, 0, opened.stderr)
        let caseID = try XCTUnwrap(try sandbox.json(opened)["id"] as? String)
        let form = try write(sandbox, "forms/\(caseID)-consent.txt", "Consent form for \(caseID), signed and dated.\n")
        let recorded = try sandbox.run(["consent", "record", "--case", caseID, "--person", person, "--kind", "written_consent",
                                        "--grantee", org, "--actions", "view_documents,ingest_document,export_bundle", "--bodies", "trust-X",
                                        "--form", form, "--signed-on", Self.yesterday, "--json"])
        XCTAssertEqual(recorded.exitCode, 0, recorded.stderr)
        return caseID
    }

    static var yesterday: String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "Europe/London")
        formatter.locale = Locale(identifier: "en_GB_POSIX")
        return formatter.string(from: Date().addingTimeInterval(-86_400))
    }

    /// Documents listed for a case, leaving out the consent form `prepare` stored.
    func listedDocuments(_ sandbox: Sandbox, _ arguments: [String]) throws -> [[String: Any]] {
        let result = try sandbox.run(arguments + ["--json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        return rows.filter { $0["kind"] as? String != "consent_form" }
    }

    func write(_ sandbox: Sandbox, _ name: String, _ text: String) throws -> String {
        let path = sandbox.path(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

}
