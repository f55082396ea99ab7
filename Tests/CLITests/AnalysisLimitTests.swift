import Foundation
import PDFRender
import XCTest

/// Hostile PDFs are read in a child process with limits: each is cut off within its limit (+ slack), named by
/// id; the rest of the case still makes a bundle; nothing is written for a refused export; the vault verifies.
final class AnalysisLimitTests: XCTestCase {
    /// Small, so the suite stays quick; the default is 60 s.
    private let limit = 5.0

    private func export(_ sandbox: Sandbox, _ caseID: String, _ extra: [String]) throws -> (CLIResult, Double) {
        try FileManager.default.createDirectory(atPath: sandbox.path("tmpdir"), withIntermediateDirectories: true)
        let started = Date()
        let result = try sandbox.run(["export", "--case", caseID, "--meeting", "Local resolution meeting", "--for", "trust-X"] + extra,
                                     environment: ["CASEVAULT_ANALYSIS_SECONDS": String(Int(limit)), "TMPDIR": sandbox.path("tmpdir")])
        return (result, Date().timeIntervalSince(started))
    }

    private func ingest(_ sandbox: Sandbox, _ caseID: String, _ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: sandbox.path(name)))
        let stored = try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-04", name, "--json"])
        XCTAssertEqual(stored.exitCode, 0, stored.stderr)
        return try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(stored.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
    }

    private var hostile: [(name: String, bytes: [UInt8], timesOut: Bool)] {
        [("fan-out.pdf", HostilePDFs.fanOut(), true), ("flate-bomb.pdf", HostilePDFs.flateBomb(), true),
         ("nested.pdf", HostilePDFs.deeplyNested(), true), ("type3-loop.pdf", HostilePDFs.selfDrawingType3Glyph(), false)]
    }

    func testAHostilePDFNamedWithDocsStopsTheExportWithinItsLimitAndNothingIsWritten() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        for file in hostile {
            let id = try ingest(sandbox, caseID, file.name, file.bytes)
            // A dry run reads the same way (checked on one file, to keep the suite quick).
            for dryRun in file.name == "fan-out.pdf" ? [false, true] : [false] {
                let (result, seconds) = try export(sandbox, caseID, ["--docs", id] + (dryRun ? ["--dry-run"] : ["--out", "bundle.pdf"]))
                XCTAssertEqual(result.exitCode, 1, "\(file.name): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains("document \(id) could not be analysed"), "\(file.name): \(result.stderr)")
                if file.timesOut { XCTAssertTrue(result.stderr.contains("within 5 s"), "\(file.name): \(result.stderr)") }
                XCTAssertTrue(result.stderr.contains("nothing was written"), result.stderr)
                // The slack covers the whole command (key derivation, start-up, the rest of the export) on a loaded
                // 2-core machine, where 8-9 s was seen; a child that is never cut off runs for minutes.
                XCTAssertLessThan(seconds, limit + 8, "\(file.name) is cut off within its limit")
                print("\(file.name) (\(file.bytes.count) bytes) cut off after \(String(format: "%.2f", seconds)) s\(dryRun ? " (dry run)" : "")")
                XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("bundle.pdf")), file.name)
                XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("bundle.pdf.manifest.json")), file.name)
            }
        }
        // The plaintext went to the child over a pipe: no temp file, in the vault or in TMPDIR.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("tmpdir")), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: sandbox.path("vault/tmp")), [])
        let verified = try sandbox.run(["verify", "--read-data"])
        XCTAssertEqual(verified.exitCode, 0, verified.stdout + verified.stderr)
        XCTAssertFalse(try Self.analysisChildrenRunning(), "every child was killed and reaped")
    }

    func testHostilePDFsAreLeftOutAndTheCasesOtherDocumentsStillMakeABundle() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        try Data("Dear Complaints Team,\nMy mother Margaret Ellis was discharged too early.\n".utf8)
            .write(to: URL(fileURLWithPath: sandbox.path("letter.txt")))
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", "letter.txt"]).exitCode, 0)
        let plain = try ingest(sandbox, caseID, "ward-note.pdf", HostilePDFs.plain("Margaret Ellis was seen on the ward at 10:00."))
        var hostileIDs: [String: String] = [:]
        // The dry run with one hostile PDF in the case, the export with all of them: a dry run reads each document as
        // the export does, and a hostile one that stalls costs its whole limit in processor time (the other three
        // there cost make test about 10 s of CPU and showed nothing the one does not).
        for dryRun in [true, false] {
            for file in hostile where hostileIDs[file.name] == nil && (!dryRun || file.name == "fan-out.pdf") {
                hostileIDs[file.name] = try ingest(sandbox, caseID, file.name, file.bytes)
            }
            let (result, seconds) = try export(sandbox, caseID, (dryRun ? ["--dry-run"] : ["--out", "bundle.pdf"]) + ["--json"])
            XCTAssertEqual(result.exitCode, 0, result.stderr)
            print("export of 2 documents with \(hostileIDs.count) hostile PDFs left out\(dryRun ? " (dry run)" : ""): \(String(format: "%.2f", seconds)) s")
            XCTAssertLessThan(seconds, Double(hostileIDs.count) * (limit + 8) + 10)
            let summary = try sandbox.json(result)
            let documents = (summary["documents"] as? [[String: Any]])?.compactMap { $0["document_id"] as? String } ?? []
            XCTAssertEqual(documents.count, 2, "the letter and the plain PDF: \(documents)")
            XCTAssertTrue(documents.contains(plain))
            let leftOut = summary["left_out"] as? [String] ?? []
            for (name, id) in hostileIDs {
                XCTAssertFalse(documents.contains(id), name)
                XCTAssertTrue(result.stderr.contains("note: document \(id) could not be analysed"), "\(name): \(result.stderr)")
                XCTAssertTrue(leftOut.contains { $0.contains(id) && $0.hasSuffix("left out of the bundle") }, "\(name): \(leftOut)")
            }
        }
        let verified = try sandbox.run(["bundle", "verify", "bundle.pdf", "--json"])
        XCTAssertEqual(verified.exitCode, 0, verified.stderr)
        let manifest = try XCTUnwrap(try sandbox.json(verified)["manifest"] as? [String: Any])
        let items = (manifest["items"] as? [[String: Any]])?.compactMap { $0["document_id"] as? String } ?? []
        XCTAssertTrue(items.contains(plain) && items.count == 2, "the manifest lists only what is in the bundle: \(items)")
        let pdf = try PDFSource(data: Array(try Data(contentsOf: URL(fileURLWithPath: sandbox.path("bundle.pdf")))))
        let text = try (0..<pdf.pageCount).map { try pdf.text(ofPage: $0) }.joined(separator: "\n")
        XCTAssertFalse(text.contains("Margaret Ellis"), "redaction still applies to the pages read in the child process")
        XCTAssertEqual(try sandbox.run(["verify", "--read-data"]).exitCode, 0)
        XCTAssertFalse(try Self.analysisChildrenRunning())
    }

    /// Any `__analyse` child (casevault-pdf beside the binary under test) still alive after its command ended (one not
    /// killed would show here, orphaned). A child whose parent is a running casevault, or the casevault-pdf making a
    /// bundle for one, belongs to a command still at work — another test class's, when the suite runs in parallel —
    /// and is not counted.
    static func analysisChildrenRunning() throws -> Bool {
        let binary = try casevaultBinary().resolvingSymlinksInPath()
        let helper = binary.deletingLastPathComponent().appendingPathComponent("casevault-pdf").path
        func program(_ pid: String) -> String? { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe") }
        func isCasevault(_ pid: String) -> Bool { [binary.path, helper].contains(program(pid)) }
        let entries = try FileManager.default.contentsOfDirectory(atPath: "/proc").filter { Int($0) != nil }
        return entries.contains { pid in
            guard program(pid) == helper, let command = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")),
                  String(decoding: command, as: UTF8.self).contains("__analyse") else { return false }
            let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
            let parent = status.split(separator: "\n").first { $0.hasPrefix("PPid:") }.map { $0.dropFirst(5).trimmingCharacters(in: .whitespaces) }
            return !(parent.map(isCasevault) ?? false)
        }
    }
}
