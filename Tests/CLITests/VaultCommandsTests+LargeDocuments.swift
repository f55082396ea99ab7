import Foundation
import XCTest

/// `cat` and `verify --read-data` of a document large enough to go through the overlapped pipeline.
extension VaultCommandsTests {
    func testCatOfALargeDocumentStopsAtATamperedChunkAndReleasesOnlyAuthenticText() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let lines = (0..<150_000).map { String(format: "line %06d of the complaint file\n", $0) }.joined()  // 5.1 MB
        _ = try write(sandbox, "in/long.txt", lines)
        let id = try XCTUnwrap(try ingestedIDs(try sandbox.run(["ingest", "--case", caseID, "in", "--json"]))["in/long.txt"])
        let whole = try sandbox.run(["cat", id])
        XCTAssertEqual(whole.exitCode, 0, whole.stderr)
        XCTAssertEqual(whole.stdout, lines)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--read-data", "--json"]))["ok"] as? Bool, true)

        let blob = sandbox.path("vault/objects/\(String(id.dropFirst(4).prefix(2)))/\(id)")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: blob))
        let bad = 100
        bytes[56 + bad * 16400 + 7] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: blob))
        let cut = try sandbox.run(["cat", id])
        XCTAssertEqual(cut.exitCode, 1)
        XCTAssertTrue(cut.stderr.contains("damaged"), cut.stderr)
        XCTAssertLessThanOrEqual(cut.stdout.utf8.count, bad * 16384, "nothing from the tampered chunk or after it")
        XCTAssertTrue(lines.hasPrefix(cut.stdout), "only authentic text, in order")
        XCTAssertEqual(try sandbox.run(["cat", id, "-o", "long-out.txt"]).exitCode, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("long-out.txt")), "no partial output file")
        let verify = try sandbox.run(["verify", "--read-data"])
        XCTAssertEqual(verify.exitCode, 1)
        XCTAssertTrue(verify.stdout.contains(id), verify.stdout)
    }

    /// A full disk part-way through a document large enough for the pipeline: the write fails on the calling
    /// thread while the reader and sealer run ahead; all stop, and nothing is left behind.
    func testDiskFullMidPipelineLeavesNoRowAndNoTempFile() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        _ = try write(sandbox, "big.bin", String(repeating: "y", count: 9 << 20))
        let before = try FileManager.default.contentsOfDirectory(atPath: sandbox.path("vault/objects"))
        // RLIMIT_FSIZE stands in for a full disk: writes past 3 or 6 MiB (the shell's block size) fail with EFBIG.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -f 6144; exec \"$0\" \"$@\"", try casevaultBinary().path, "ingest", "--case", caseID, "big.bin"]
        process.currentDirectoryURL = sandbox.directory
        process.environment = sandbox.actingEnvironment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains("big.bin"), stderr)
        XCTAssertTrue(stderr.lowercased().contains("too large") || stderr.contains("File too large"), stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("vault/tmp")), [], "no temp file left")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("vault/objects")), before)
        XCTAssertEqual(try listedDocuments(sandbox, ["list"]).count, 0)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["verify", "--json"]))["ok"] as? Bool, true)
    }
}
