import Foundation
import PostgresTestSupport
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

final class Sandbox {
    let directory: URL
    var environment: [String: String]
    /// Another copy of casevault to run instead of the built one (e.g. one alone in a folder, without its helpers).
    var binary: URL?

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

    /// Each account's identity file (absolute path), as `init` and `advocate add` wrote them: every person acts with
    /// their own identity, so a command run "as" an account (`--as`, $CASEVAULT_ADVOCATE) is given that account's
    /// file as $CASEVAULT_KEYS, unless the test names a key file itself.
    var identities: [String: String] = [:]
    private var identityCount = 0

    /// In make test's PostgreSQL pass, a test of something only a vault.db vault does (file backups, sqlite3 tampering)
    /// skips and says why.
    static func skipOnPostgres(_ why: String) throws {
        if onPostgres { throw XCTSkip("not on PostgreSQL: \(why)") }
    }

    static var onPostgres: Bool { ProcessInfo.processInfo.environment["CASEVAULT_TEST_POSTGRES"] == "1" }

    func run(_ arguments: [String], environment extra: [String: String] = [:], stdin: Data? = nil, timeout: TimeInterval? = nil) throws -> CLIResult {
        var arguments = arguments
        var environment = environment.merging(extra) { $1 }
        // `advocate add` in a vault with identities writes the new person's file; tests that do not say where get one here.
        var newIdentity: String?
        if arguments.starts(with: ["advocate", "add"]), !arguments.contains("--identity-out"), !arguments.contains("--help"),
           environment["TEST_NO_AUTO_IDENTITY"] == nil {
            identityCount += 1
            let file = self.path("identities/\(identityCount).identity")
            try FileManager.default.createDirectory(atPath: self.path("identities"), withIntermediateDirectories: true)
            newIdentity = file
            arguments += ["--identity-out", file, "--no-passphrase"]
        }
        let actor = arguments.firstIndex(of: "--as").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
            ?? environment["CASEVAULT_ADVOCATE"]
        if let actor, let file = identities[actor], !arguments.contains("--keys"), extra["CASEVAULT_KEYS"] == nil {
            environment["CASEVAULT_KEYS"] = file
        }
        // CASEVAULT_TEST_POSTGRES=1 (make test's second pass): every vault a test creates keeps its records in a fresh
        // database of a throwaway PostgreSQL server instead of vault.db.
        if arguments.first == "init", !arguments.contains("--database"), !arguments.contains("--help"),
           Self.onPostgres {
            let server = try PostgresTestServer.shared()
            arguments += ["--database", server.url(database: try server.makeDatabase())]
        }
        let result = try launch(arguments, environment: environment, stdin: stdin, timeout: timeout)
        if let newIdentity {
            if result.exitCode == 0, let account = Self.accountID(ofIdentity: newIdentity) {
                identities[account] = newIdentity
            } else if result.stderr.contains("has no identities yet") {
                // A vault without identities: the option was refused, so run the command as the test wrote it.
                return try launch(Array(arguments.dropLast(3)), environment: environment, stdin: stdin, timeout: timeout)
            }
        }
        if arguments.starts(with: ["advocate", "add"]), result.exitCode == 0, environment["TEST_NO_AUTO_CONFIRM"] == nil,
           result.stderr.contains("awaits confirmation") || result.stdout.contains("\"awaiting_confirmation\" : true"),
           let identity = newIdentity ?? arguments.firstIndex(of: "--identity-out").map({ arguments[$0 + 1] }) {
            try confirmAsManager(identity: identity.hasPrefix("/") ? identity : path(identity), added: arguments, environment: environment)
        }
        if arguments.first == "init", result.exitCode == 0 {
            let keys = arguments.firstIndex(of: "--keys").map { arguments[$0 + 1] } ?? environment["CASEVAULT_KEYS"]
                ?? ((arguments.firstIndex(of: "--vault").map { arguments[$0 + 1] } ?? environment["CASEVAULT_VAULT"] ?? "vault") + "/keys.json")
            let absolute = keys.hasPrefix("/") ? keys : path(keys)
            if let account = Self.accountID(ofIdentity: absolute) { identities[account] = absolute }
        }
        return result
    }

    /// An account `advocate add` made in an organisation with members awaits confirmation (SECURITY.md, "Identities"):
    /// tests that set up an organisation's later accounts and then act as them have it confirmed here, as a manager of
    /// the organisation would, with the fingerprint the new person's own file shows. TEST_NO_AUTO_CONFIRM leaves it
    /// awaiting (the tests of confirmation itself).
    /// Confirms an account left awaiting (TEST_NO_AUTO_CONFIRM) as a manager of its organisation would.
    func confirmAsManager(_ account: String) throws {
        guard let identity = identities[account] else { throw CLIHarnessError("no identity file is known for \(account)") }
        var acting = environment
        if acting["CASEVAULT_ADVOCATE"] == nil { acting["CASEVAULT_ADVOCATE"] = environment["TEST_ADMIN"] }
        if let actor = acting["CASEVAULT_ADVOCATE"], let file = identities[actor], acting["CASEVAULT_KEYS"] == nil { acting["CASEVAULT_KEYS"] = file }
        try confirmAsManager(identity: identity, added: [], environment: acting)
    }

    private func confirmAsManager(identity: String, added arguments: [String], environment: [String: String]) throws {
        var global: [String] = []
        for option in ["--vault", "--passphrase-file"] {
            if let index = arguments.firstIndex(of: option), index + 1 < arguments.count { global += [option, arguments[index + 1]] }
        }
        var asAdder = environment
        if let actor = arguments.firstIndex(of: "--as").map({ arguments[$0 + 1] }) {
            asAdder["CASEVAULT_ADVOCATE"] = actor
            if let file = identities[actor] { asAdder["CASEVAULT_KEYS"] = file }
        }
        let accounts = try JSONSerialization.jsonObject(with: Data(try launch(global + ["advocate", "list", "--json"], environment: asAdder,
                                                                                stdin: nil, timeout: nil).stdout.utf8)) as? [[String: Any]] ?? []
        guard let newID = Self.accountID(ofIdentity: identity),
              let organisation = accounts.first(where: { $0["id"] as? String == newID })?["organisation"] as? String else {
            throw CLIHarnessError("the account `advocate add` made could not be found to confirm it")
        }
        let holders = accounts.filter { $0["organisation"] as? String == organisation && !($0["removed_at"] is String)
            && $0["awaiting_confirmation"] as? Bool != true && $0["id"] as? String != newID }
        let managers = holders.filter { $0["role"] as? String == "manager" }
        guard let confirmer = (managers.isEmpty ? holders : managers).compactMap({ $0["id"] as? String }).first(where: { identities[$0] != nil }) else {
            throw CLIHarnessError("no member of \(organisation) with a known identity file can confirm \(newID)")
        }
        var asNew = environment
        asNew["CASEVAULT_KEYS"] = identity
        asNew["CASEVAULT_ADVOCATE"] = nil
        // Only --vault: a --passphrase-file given to `advocate add` is the adder's, not the newcomer's.
        try renewAsNewcomer(identity: identity, global: global.starts(with: ["--vault"]) ? Array(global.prefix(2)) : [], environment: asNew)
        let shown = try JSONSerialization.jsonObject(with: Data(try launch(["identity", "show", "--json"], environment: asNew, stdin: nil,
                                                                             timeout: nil).stdout.utf8)) as? [String: Any]
        guard let fingerprint = shown?["fingerprint"] as? String else { throw CLIHarnessError("identity show printed no fingerprint") }
        var asConfirmer = environment
        asConfirmer["CASEVAULT_ADVOCATE"] = confirmer
        asConfirmer["CASEVAULT_KEYS"] = identities[confirmer]
        let confirmed = try launch(global + ["advocate", "confirm", newID, "--fingerprint", fingerprint], environment: asConfirmer, stdin: nil, timeout: nil)
        guard confirmed.exitCode == 0 else { throw CLIHarnessError("advocate confirm failed: \(confirmed.stderr)") }
    }

    /// The new person first replaces the key pair the administrator wrote (`identity renew`), keeping the file's
    /// protection: none, or the passphrase it was written with ($CASEVAULT_NEW_PASSPHRASE).
    private func renewAsNewcomer(identity: String, global: [String], environment: [String: String]) throws {
        var environment = environment
        let file = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: identity))) as? [String: Any]
        var arguments = global + ["identity", "renew"]
        if file?["passphrase"] is [String: Any], let passphrase = environment["CASEVAULT_NEW_PASSPHRASE"] {
            environment["CASEVAULT_PASSPHRASE"] = passphrase
        } else {
            arguments.append("--no-passphrase")
        }
        let renewed = try launch(arguments, environment: environment, stdin: nil, timeout: nil)
        guard renewed.exitCode == 0 else { throw CLIHarnessError("identity renew failed: \(renewed.stderr)") }
    }

    /// The environment a command launched by the test itself (not through `run`) needs: the acting account's identity.
    var actingEnvironment: [String: String] {
        var result = environment
        if let actor = environment["CASEVAULT_ADVOCATE"], let file = identities[actor], result["CASEVAULT_KEYS"] == nil {
            result["CASEVAULT_KEYS"] = file
        }
        return result
    }

    static func accountID(ofIdentity path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["format"] as? String == "casevault-identity" else { return nil }
        return object["account_id"] as? String
    }

    private func launch(_ arguments: [String], environment: [String: String], stdin: Data?, timeout: TimeInterval?) throws -> CLIResult {
        // A watchdog for commands that must not hang: the process is killed and the result says so (`signalled`).
        let result = try ChildProcess.run(try (binary ?? casevaultBinary()).path, arguments, environment: environment,
                                          directory: directory.path, stdin: stdin, timeout: timeout)
        return CLIResult(exitCode: result.status, stdout: String(decoding: result.stdout, as: UTF8.self),
                         stderr: String(decoding: result.stderr, as: UTF8.self), signalled: result.signalled)
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

struct CLIHarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
