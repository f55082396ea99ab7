import Foundation
import XCTest

/// Runs the built `casevault` binary in a temporary folder, like age's testscript suites do.
struct CLIResult {
    let exitCode: Int32
    let stdout: String
    let stderr: String
    /// Ended by a signal (a crash, or killed by the watchdog of `run(_:timeout:)`); `exitCode` is the signal.
    var signalled = false
}

let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `$CASEVAULT_BIN`, else the debug build beside the tests (the README's test command builds it first).
func casevaultBinary() throws -> URL {
    if let path = ProcessInfo.processInfo.environment["CASEVAULT_BIN"] { return URL(fileURLWithPath: path) }
    let candidate = packageRoot.appendingPathComponent(".build/debug/casevault")
    guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
        throw XCTSkip("casevault binary not built at \(candidate.path); run 'swift build' first (make test does)")
    }
    return candidate
}

/// Holds what a background reader collected; written once before the semaphore is signalled.
final class DataBox: @unchecked Sendable {
    var data = Data()
}

final class Sandbox {
    let directory: URL
    var environment: [String: String]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        environment = ["PATH": "/usr/bin:/bin", "HOME": directory.path, "LANG": "C.UTF-8"]
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// `init --json` with `arguments`; remembers the first administrator's id (for `asAdmin`) and returns it.
    @discardableResult
    func initVault(_ arguments: [String] = ["--no-passphrase"], environment extra: [String: String] = [:],
                   file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try run(["init", "--json"] + arguments, environment: extra)
        XCTAssertEqual(result.exitCode, 0, result.stderr, file: file, line: line)
        let admin = try XCTUnwrap(try json(result, file: file, line: line)["administrator"] as? String, file: file, line: line)
        environment["TEST_ADMIN"] = admin
        return admin
    }

    /// Runs a command as the vault's first administrator (organisations, accounts).
    @discardableResult
    func asAdmin(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CLIResult {
        try run(arguments, environment: extra.merging(["CASEVAULT_ADVOCATE": environment["TEST_ADMIN"] ?? ""]) { $1 })
    }

    /// Runs a command as the manager `prepare` made (erasure, keys, backups, allow-lists, the audit log).
    @discardableResult
    func asManager(_ arguments: [String], environment extra: [String: String] = [:]) throws -> CLIResult {
        try run(arguments, environment: extra.merging(["CASEVAULT_ADVOCATE": environment["TEST_MANAGER"] ?? ""]) { $1 })
    }

    /// The id a `--json` command printed, as the administrator.
    func adminID(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try asAdmin(arguments + ["--json"])
        XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)", file: file, line: line)
        return try XCTUnwrap(try json(result, file: file, line: line)["id"] as? String, file: file, line: line)
    }

    @discardableResult
    func run(_ arguments: [String], environment extra: [String: String] = [:], stdin: Data? = nil, timeout: TimeInterval? = nil) throws -> CLIResult {
        let process = Process()
        process.executableURL = try casevaultBinary()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // A watchdog for commands that must not hang: the process is killed and the result says so (exit 137).
        if let timeout {
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Drain stderr on another thread: reading one pipe to its end while the child fills the other would
        // deadlock once a pipe buffer (64 KiB) is full.
        let stderrBox = DataBox()
        let drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            stderrBox.data = err.fileHandleForReading.readDataToEndOfFile()
            drained.signal()
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        let stderrData = stderrBox.data
        process.waitUntilExit()
        return CLIResult(exitCode: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                         stderr: String(decoding: stderrData, as: UTF8.self), signalled: process.terminationReason == .uncaughtSignal)
    }

    func mode(_ name: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path(name))[.posixPermissions] as? Int) ?? -1
    }

    func json(_ result: CLIResult, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            XCTFail("stdout is not one JSON object: \(result.stdout)", file: file, line: line)
            return [:]
        }
        return object
    }
}
