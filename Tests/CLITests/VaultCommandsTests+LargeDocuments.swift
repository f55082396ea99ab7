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
        // 9 MiB; writes past 3 or 6 MiB fail (the shell's block size), mid-pipeline either way.
        try assertDiskFullIngest(size: 9 << 20, limitBlocks: 6144)
    }
}
