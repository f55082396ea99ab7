import Foundation
import XCTest

/// casevault runs casevault-pdf (PDF work) and casevault-server (`serve`) from its own folder. A casevault copied
/// without them refuses the commands that need them, naming what is missing and how to fix it, and changes nothing;
/// every other command still works.
final class HelperProgramTests: XCTestCase {
    func testCasevaultWithoutItsHelpersRefusesPDFWorkAndServeClearly() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        try Data("Dear Complaints Team,\nMy mother Margaret Ellis was discharged too early.\n".utf8)
            .write(to: URL(fileURLWithPath: sandbox.path("letter.txt")))
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "--date", "2025-03-02", "letter.txt"]).exitCode, 0)
        try Data(HostilePDFs.plain("Margaret Ellis was seen on the ward at 10:00.")).write(to: URL(fileURLWithPath: sandbox.path("ward-note.pdf")))

        // The same binary, alone in a folder.
        let alone = sandbox.directory.appendingPathComponent("alone")
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: true)
        let copy = alone.appendingPathComponent("casevault")
        try FileManager.default.copyItem(at: try casevaultBinary().resolvingSymlinksInPath(), to: copy)
        sandbox.binary = copy
        let before = try sandbox.run(["list", "--case", caseID, "--json"])
        XCTAssertEqual(before.exitCode, 0, "a command without PDF work runs without the helpers: \(before.stderr)")

        func assertRefused(_ result: CLIResult, helper: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
            XCTAssertEqual(result.exitCode, 1, "\(what): \(result.stderr)", file: file, line: line)
            XCTAssertTrue(result.stderr.contains("casevault: error: \(helper) is missing beside casevault (looked in \(alone.path))"),
                          "\(what): \(result.stderr)", file: file, line: line)
            XCTAssertTrue(result.stderr.contains("casevault: hint: reinstall with make install"), "\(what): \(result.stderr)", file: file, line: line)
        }
        assertRefused(try sandbox.run(["ingest", "--case", caseID, "ward-note.pdf"]), helper: "casevault-pdf", "ingest of a PDF")
        assertRefused(try sandbox.run(["export", "--case", caseID, "--meeting", "Local resolution meeting", "--for", "trust-X", "--out", "bundle.pdf"]),
                      helper: "casevault-pdf", "export")
        // No PDF in the vault yet: the letter is searched without the PDF reader.
        let textOnly = try sandbox.run(["search", "discharged", "--json"])
        XCTAssertEqual(textOnly.exitCode, 0, textOnly.stderr)
        XCTAssertEqual((try sandbox.json(textOnly)["hits"] as? [Any])?.count, 1, textOnly.stdout)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: sandbox.path("server.json")))
        assertRefused(try sandbox.run(["serve", "--config", "server.json"]), helper: "casevault-server", "serve")

        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("bundle.pdf")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.path("bundle.pdf.manifest.json")))
        let after = try sandbox.run(["list", "--case", caseID, "--json"])
        XCTAssertEqual(after.stdout, before.stdout, "the refused ingest stored nothing")
        XCTAssertTrue(try sandbox.run(["ingest", "--case", caseID, "letter.txt", "--allow-duplicate"]).exitCode == 0, "text needs no helper")

        // With the helpers beside it again (the built ones), the same commands work.
        sandbox.binary = nil
        let stored = try sandbox.run(["ingest", "--case", caseID, "ward-note.pdf"])
        XCTAssertEqual(stored.exitCode, 0, stored.stderr)
        let exported = try sandbox.run(["export", "--case", caseID, "--meeting", "Local resolution meeting", "--for", "trust-X", "--out", "bundle.pdf"])
        XCTAssertEqual(exported.exitCode, 0, exported.stderr)
        XCTAssertEqual(try sandbox.run(["bundle", "verify", "bundle.pdf"]).exitCode, 0)
        XCTAssertEqual(try sandbox.json(try sandbox.run(["search", "ward", "--json"]))["hits"].map { ($0 as? [Any])?.count }, 1, "the PDF is searched")

        // A PDF to search and no PDF reader: what the letters hold is shown, the PDF is named as not searched and the
        // command fails, rather than missing the PDF without saying so.
        sandbox.binary = copy
        let partial = try sandbox.run(["search", "discharged"])
        assertRefused(partial, helper: "casevault-pdf", "search with a PDF in the vault")
        XCTAssertTrue(partial.stdout.contains("letter.txt"), "the letters are still searched: \(partial.stdout)")
        let listed = try JSONSerialization.jsonObject(with: Data(try sandbox.run(["list", "--case", caseID, "--json"]).stdout.utf8)) as? [[String: Any]]
        let pdfID = try XCTUnwrap(listed?.first { $0["name"] as? String == "ward-note.pdf" }?["id"] as? String)
        XCTAssertTrue(partial.stdout.contains("\(pdfID): a PDF, not searched: the PDF reader (casevault-pdf) is not installed here"), partial.stdout)
        let partialJSON = try sandbox.run(["search", "discharged", "--json"])
        XCTAssertEqual(partialJSON.exitCode, 1)
        XCTAssertEqual(try sandbox.json(partialJSON)["pdfs_without_reader"] as? Int, 1, partialJSON.stdout)
    }
}
