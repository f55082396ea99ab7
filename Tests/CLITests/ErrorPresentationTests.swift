import Foundation
import XCTest

/// Issue 20, point 8: every error of every command is printed the one way (`casevault: error: …`, reasons, hints,
/// the right exit code), never as a Swift value; global options are read before the subcommand too.
final class ErrorPresentationTests: XCTestCase {
    /// Leaf commands with their required arguments, from the parser's own dump of the command tree, so a new
    /// command is covered without editing this test.
    struct Leaf {
        let path: [String]
        let required: [String]
    }

    func leaves(_ sandbox: Sandbox) throws -> [Leaf] {
        let dump = try sandbox.run(["--experimental-dump-help"])
        XCTAssertEqual(dump.exitCode, 0, dump.stderr)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var found: [Leaf] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            let subcommands = command["subcommands"] as? [[String: Any]] ?? []
            guard subcommands.isEmpty else {
                for sub in subcommands { walk(sub, path + [sub["commandName"] as? String ?? "?"]) }
                return
            }
            guard command["shouldDisplay"] as? Bool != false, path != ["help"] else { return }
            var required: [String] = []
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["isOptional"] as? Bool == false {
                let valueName = argument["valueName"] as? String ?? ""
                let value = (argument["allValues"] as? [String])?.first
                    ?? (valueName == "date" ? "2025-01-01" : valueName == "version" ? "7" : "no-such-\(valueName.lowercased())")
                if argument["kind"] as? String == "positional" {
                    required.append(value)
                } else if let name = (argument["names"] as? [[String: Any]])?.first?["name"] as? String {
                    required += ["--" + name, value]
                }
            }
            found.append(Leaf(path: path, required: required))
        }
        walk(try XCTUnwrap(root["command"] as? [String: Any]), [])
        return found
    }

    /// "Error: CLIError(message: …" or "error: KeyFileError(…": a Swift type's dump instead of words.
    func assertNoSwiftValue(_ result: CLIResult, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) {
        let dumped = try? NSRegularExpression(pattern: "[Ee]rror: [A-Z][A-Za-z0-9_.]*\\(")
        let range = NSRange(result.stderr.startIndex..., in: result.stderr)
        XCTAssertNil(dumped?.firstMatch(in: result.stderr, range: range), "\(arguments): \(result.stderr)", file: file, line: line)
        XCTAssertFalse(result.stderr.contains("Error: "), "\(arguments) printed the parser's own prefix: \(result.stderr)", file: file, line: line)
        // The root's usage after a subcommand's error sends the reader to the wrong help.
        XCTAssertFalse(result.stderr.contains("casevault <subcommand>"), "\(arguments) printed the root's usage: \(result.stderr)", file: file, line: line)
    }

    /// A check a command makes when it runs (not when its arguments are parsed) names that command's help, with exit 64.
    func testAnErrorFoundWhileRunningNamesTheCommandsOwnHelp() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let arguments = ["consent", "record", "--case", caseID, "--person", "Margaret Ellis", "--kind", "verbal_consent", "--grantee",
                         try XCTUnwrap(sandbox.environment["TEST_ORGANISATION"]), "--actions", "view_documents", "--bodies", "trust-X", "--yes"]
        let result = try sandbox.run(arguments)
        XCTAssertEqual(result.exitCode, 64, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("casevault: error: a verbal consent counts only when it says who took it and when (R-CON-9)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("casevault: hint: 'casevault consent record --help' shows every option"), result.stderr)
        assertNoSwiftValue(result, arguments)
    }

    func testAFailingCaseOfEveryCommandIsPresentedTheOneWay() throws {
        let sandbox = try Sandbox()
        _ = try prepare(sandbox)
        let commands = try leaves(sandbox)
        XCTAssertGreaterThan(commands.count, 40, "the whole tree was walked")
        for leaf in commands {
            // No vault where one is looked for (init: a folder whose parent is missing): every command fails.
            let noVault = leaf.path + leaf.required
            let failed = try sandbox.run(noVault, environment: ["CASEVAULT_VAULT": sandbox.path("missing/parent/vault"),
                                                                "CASEVAULT_KEYS": sandbox.path("missing/keys.json")])
            XCTAssertNotEqual(failed.exitCode, 0, "\(noVault) succeeded without a vault")
            XCTAssertTrue(failed.stderr.contains("casevault: error: "), "\(noVault): \(failed.stderr)")
            assertNoSwiftValue(failed, noVault)
            // The real vault with ids that do not exist, and the bare command (usage errors, exit 64).
            let unknownIDs = try sandbox.run(noVault)
            assertNoSwiftValue(unknownIDs, noVault)
            if !leaf.required.isEmpty {
                let bare = try sandbox.run(leaf.path)
                XCTAssertEqual(bare.exitCode, 64, "\(leaf.path): \(bare.stderr)")
                XCTAssertTrue(bare.stderr.hasPrefix("casevault: error: "), bare.stderr)
                assertNoSwiftValue(bare, leaf.path)
            }
        }
    }

    func testCatToATerminalIsRefusedWithTheMessageAndExit64() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else { throw XCTSkip("no script(1) to give cat a terminal") }
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        _ = try write(sandbox, "note.txt", "hello\n")
        XCTAssertEqual(try sandbox.run(["ingest", "--case", caseID, "note.txt"]).exitCode, 0)
        let id = try XCTUnwrap((try listedDocuments(sandbox, ["list", "--case", caseID])).first?["id"] as? String)
        // script(1) runs the command on a pseudo-terminal and exits with its status (-e).
        let command = "\(try casevaultBinary().path) cat \(id)"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = sandbox.directory
        process.environment = sandbox.actingEnvironment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 64, text)
        XCTAssertTrue(text.contains("casevault: error: refusing to output a document to the terminal"), text)
        XCTAssertTrue(text.contains("casevault: hint: write it to a file with -o PATH"), text)
        XCTAssertFalse(text.contains("CLIError"), text)
        XCTAssertFalse(text.contains("hello"), "the document was not printed")
    }

    func testGlobalOptionsAreReadBeforeTheSubcommand() throws {
        let sandbox = try Sandbox()
        let caseID = try prepare(sandbox)
        let vault = try XCTUnwrap(sandbox.environment.removeValue(forKey: "CASEVAULT_VAULT"))
        let advocate = try XCTUnwrap(sandbox.environment.removeValue(forKey: "CASEVAULT_ADVOCATE"))
        let before = try sandbox.run(["--vault", vault, "--as", advocate, "--json", "list", "--case", caseID])
        XCTAssertEqual(before.exitCode, 0, before.stderr)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(before.stdout.utf8)) as? [[String: Any]], "--json before the command")
        // Between the words of a nested command, with `=`, and the same answer as after the command.
        let between = try sandbox.run(["consent", "--vault=\(vault)", "list", "--as", advocate, "--case", caseID, "--json"])
        XCTAssertEqual(between.exitCode, 0, between.stderr)
        let after = try sandbox.run(["consent", "list", "--case", caseID, "--json", "--vault", vault, "--as", advocate])
        XCTAssertEqual(between.stdout, after.stdout)
        // Still refused where the parser would refuse it anyway, with our prefix.
        let unknown = try sandbox.run(["--vault", vault, "no-such-command"])
        XCTAssertEqual(unknown.exitCode, 64, unknown.stderr)
        XCTAssertTrue(unknown.stderr.hasPrefix("casevault: error: "), unknown.stderr)
    }
}
