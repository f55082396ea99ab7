import Foundation
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// `kill -9` the real CLI at random moments while it ingests, rotates keys, erases a case or backs up; after
/// each kill the vault must open, verify clean apart from orphans, and every listed document must decrypt
/// to its original bytes. `CASEVAULT_CRASH_KILLS` sets the count (CI 50, soak 500).
final class CrashSweepTests: XCTestCase {
    func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["CASEVAULT_BIN"] { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidate = root.appendingPathComponent(".build/debug/casevault").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw XCTSkip("casevault binary not built at \(candidate); run 'swift build' first (make test does)")
        }
        return candidate
    }

    func testCrashSweep() throws {
        let kills = Int(ProcessInfo.processInfo.environment["CASEVAULT_CRASH_KILLS"] ?? "") ?? 50
        let casevault = try binary()
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        let advocate = try XCTUnwrap(t.advocateID)
        // Once the main case holds every file, a re-run has nothing to write; later ingest kills go to a second
        // case with --allow-duplicate, so every kill can land while something is being written.
        var repeatCase = try t.openCase(client: "Repeat Client", withConsent: true)
        var repeatAdvocate = try XCTUnwrap(t.advocateID)
        let scratchCases = try (0..<3).map { _ in try t.openCase(client: "Scratch Client") }
        // Key rotation, erasure and backups are a manager's; the checks after each kill run as them too (repairs).
        let manager = try XCTUnwrap(try t.asManager().actor)
        var originals: [String: [UInt8]] = [:]
        var markers: [String] = []
        let folder = t.directory.appendingPathComponent("incoming").path
        for index in 0..<40 {
            let marker = "CRASH-MARKER-\(index)-\(UUID().uuidString)"
            markers.append(marker)
            let bytes = Array("\(marker)\n".utf8) + pattern(Int.random(in: 0...120_000), seed: UInt64(index))
            let name = "file-\(index).txt"
            _ = try t.file("../incoming/\(name)", bytes)
            originals[name] = bytes
        }
        // The high-water mark goes to the sweep's own folder, and is checked after every kill: written only after its
        // checkpoint commits, a kill can leave it behind the vault but never ahead of it.
        let marks = StateMarks(directory: t.directory.appendingPathComponent("state/casevault").path)
        let environment = ProcessInfo.processInfo.environment.merging(["XDG_STATE_HOME": t.directory.appendingPathComponent("state").path]) { $1 }
        var scratchIndex = 0
        var generator = SystemRandomNumberGenerator()
        var clean = 0, interrupted = 0
        var mainComplete = false
        // How long a kill may wait after the start. On a loaded machine the process can spend longer than 250 ms
        // starting up and deriving its key, so every kill would land before anything is written and the sweep would
        // prove nothing: an ingest killed with nothing changed widens the window, one that finished first narrows it.
        var window: UInt32 = 250_000
        var before = (main: 0, repeats: 0)
        for kill in 0..<kills {
            var arguments: [String]
            var actor = advocate
            switch kill % 10 {
            case 7:
                arguments = ["keys", "rotate"]
                actor = manager
            case 8:
                arguments = ["case", "erase", scratchCases[min(scratchIndex, scratchCases.count - 1)].rawValue, "--yes", "--reason", "crash sweep"]
                scratchIndex += 1
                actor = manager
            case 9:
                arguments = ["backup", t.directory.appendingPathComponent("backup-\(kill)").path]
                actor = manager
            default:
                if mainComplete {
                    arguments = ["ingest", "--case", repeatCase.rawValue, folder, "--allow-duplicate"]
                    actor = repeatAdvocate
                } else {
                    arguments = ["ingest", "--case", caseID.rawValue, folder]
                }
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: casevault)
            process.arguments = arguments + ["--vault", t.paths.root, "--as", actor]
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32.random(in: 0...window, using: &generator))
            let finishedFirst = !process.isRunning
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            // The vault opens (not behind its mark), verifies apart from orphans, and every listed document is intact.
            XCTAssertNoThrow(try Vault(try VaultSetup.open(paths: t.paths) { throw KeyFileError.passphraseRequired }, stateMarks: marks),
                             "kill \(kill) (\(arguments[0])): the mark is ahead of the vault")
            let vault = try t.asManager()
            let report = try vault.verify(readData: true, repair: kill % 5 == 0)
            XCTAssertTrue(report.ok, "kill \(kill) (\(arguments[0])): \(report.problems)")
            for document in try vault.documents(caseID: caseID) + vault.documents(caseID: repeatCase) where document.kind != "consent_form" {
                XCTAssertEqual(try vault.plaintext(documentID: document.id), originals[document.name], "kill \(kill): \(document.name)")
            }
            if report.ok { clean += 1 }
            let count = try vault.documents(caseID: caseID).filter { $0.kind != "consent_form" }.count
            let repeats = try vault.documents(caseID: repeatCase).filter { $0.kind != "consent_form" }.count
            mainComplete = count == originals.count
            if !report.orphans.isEmpty || (count > 0 && count < originals.count && arguments[0] == "ingest")
                || repeats % originals.count != 0 { interrupted += 1 }
            if arguments[0] == "ingest" {
                let changed = count != before.main || repeats != before.repeats || !report.orphans.isEmpty
                if finishedFirst { window = max(window / 2, 50_000) } else if !changed { window = min(window * 2, 4_000_000) }
            }
            // Keep each iteration's verify bounded: the repeat case is erased and replaced before it grows.
            if repeats >= 2 * originals.count {
                _ = try t.asManager().eraseCase(repeatCase, reason: "crash sweep: a fresh case for repeated ingests")
                repeatCase = try t.openCase(client: "Repeat Client", withConsent: true)
                repeatAdvocate = try XCTUnwrap(t.advocateID)
            }
            before = (main: count, repeats: try vault.documents(caseID: repeatCase).filter { $0.kind != "consent_form" }.count)
        }
        // Re-running the command completes the job: every file present exactly once.
        let finish = Process()
        finish.executableURL = URL(fileURLWithPath: casevault)
        finish.arguments = ["ingest", "--case", caseID.rawValue, folder, "--vault", t.paths.root, "--as", advocate]
        finish.environment = environment
        finish.standardOutput = FileHandle.nullDevice
        finish.standardError = FileHandle.nullDevice
        try finish.run()
        finish.waitUntilExit()
        XCTAssertEqual(finish.terminationStatus, 0)
        let names = try t.reopen().documents(caseID: caseID).filter { $0.kind != "consent_form" }.map(\.name)
        XCTAssertEqual(names.sorted(), originals.keys.sorted(), "each file exactly once")

        // No plaintext at rest, even after crashes: scan every file of the vault for the markers.
        for path in t.allVaultFiles() {
            let contents = try Data(contentsOf: URL(fileURLWithPath: path))
            for marker in markers { XCTAssertNil(contents.range(of: Data(marker.utf8)), "\(marker) in \(path)") }
        }
        print("crash sweep: \(kills) kills, \(clean) clean, \(interrupted) caught mid-write (orphans or a partial batch), last window \(window / 1000) ms")
        XCTAssertGreaterThan(interrupted, 0, "the kills must land while something is being written, or the sweep proves nothing")
    }
}
