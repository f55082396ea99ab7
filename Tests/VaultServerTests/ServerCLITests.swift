import Foundation
import PostgresTestSupport
import XCTest
@testable import VaultServer
@testable import VaultCore

/// The real `casevault` binary as a client of a real server over HTTPS (the test's own CA) on the throwaway
/// PostgreSQL: login, the commands with routes, logout, and what a person sees when something is wrong.
final class ServerCLITests: XCTestCase {
    static let shared = SharedServerWorld()

    func world() async throws -> ServerTestWorld { try await Self.shared.get() }

    override class func tearDown() {
        shared.stop()
        super.tearDown()
    }

    struct Run {
        let code: Int32
        let out: String
        let err: String
        var outBytes = Data()
    }

    /// A person's own computer: a home folder (where the session file goes), their identity and passphrase.
    final class Desk {
        let home: URL
        var environment: [String: String]
        init(_ w: ServerTestWorld, as account: String) throws {
            home = w.directory.appendingPathComponent("home-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            environment = ["PATH": "/usr/bin:/bin", "HOME": home.path, "LANG": "C.UTF-8", "CASEVAULT_KEYS": w.identities[account]!,
                           "CASEVAULT_PASSPHRASE": w.passphrases[account] ?? ""]
        }
        var sessionPath: String { home.path + "/.config/casevault/session" }
        func path(_ name: String) -> String { home.appendingPathComponent(name).path }
    }

    static func binary() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = ProcessInfo.processInfo.environment["CASEVAULT_BIN"] ?? root.appendingPathComponent(".build/debug/casevault").path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw XCTSkip("casevault is not built at \(path)") }
        return path
    }

    /// Runs casevault off Swift's cooperative threads (the in-process server needs them), in the desk's home folder.
    func cli(_ desk: Desk, _ arguments: [String], environment extra: [String: String] = [:]) async throws -> Run {
        try await Self.runCLI(desk, arguments, environment: extra)
    }

    /// `cli` for other classes (ServerEndToEndTests).
    static func runCLI(_ desk: Desk, _ arguments: [String], environment extra: [String: String] = [:]) async throws -> Run {
        let binary = try Self.binary()
        return try await run(binary, arguments, environment: desk.environment.merging(extra) { $1 }, folder: desk.home)
    }

    /// Runs a program to its end off Swift's cooperative threads (ChildProcess.runDetached).
    static func run(_ program: String, _ arguments: [String], environment: [String: String], folder: URL) async throws -> Run {
        let result = try await ChildProcess.runDetached(program, arguments, environment: environment, directory: folder.path)
        return Run(code: result.status, out: String(decoding: result.stdout, as: UTF8.self),
                   err: String(decoding: result.stderr, as: UTF8.self), outBytes: result.stdout)
    }

    func url(_ w: ServerTestWorld) -> String { "https://127.0.0.1:\(w.port)" }

    func login(_ w: ServerTestWorld, _ desk: Desk) async throws {
        let login = try await cli(desk, ["login", "--server", url(w), "--ca-file", w.certificate])
        XCTAssertEqual(login.code, 0, login.err)
    }

    func token(_ desk: Desk) throws -> String {
        let object = try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: desk.sessionPath))) as? [String: Any]
        return try XCTUnwrap(object?["token"] as? String)
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    func testLoginCaseListIngestListCatThenLogoutEndsIt() async throws {
        let w = try await world()
        let desk = try Desk(w, as: w.sam)
        desk.environment["CASEVAULT_SERVER"] = url(w)
        var runs: [Run] = []

        let login = try await cli(desk, ["login", "--ca-file", w.certificate])
        runs.append(login)
        XCTAssertEqual(login.code, 0, login.err)
        XCTAssertTrue(login.out.contains("Logged in to \(url(w)) as Sam Carter (\(w.sam))"), login.out)
        XCTAssertEqual(try mode(desk.sessionPath), 0o600, "the session file is private")
        XCTAssertEqual(try mode(desk.home.path + "/.config/casevault"), 0o700, "in a private folder")
        let token = try token(desk)
        XCTAssertGreaterThan(token.count, 20)

        let cases = try await cli(desk, ["case", "list"])
        runs.append(cases)
        XCTAssertEqual(cases.code, 0, cases.err)
        XCTAssertTrue(cases.out.contains(w.caseID) && cases.out.contains("Margaret Ellis"), cases.out)
        XCTAssertTrue(cases.out.hasPrefix("ID "), cases.out)

        let reply = desk.path("reply from trust.txt")
        let replyBytes = Data("The trust replies: the ward 7 review is under way (\(UUID().uuidString)).\n".utf8)
        try replyBytes.write(to: URL(fileURLWithPath: reply))
        let ingest = try await cli(desk, ["ingest", "--case", w.uploadCase, reply, "--acknowledge", "R-CON-9"])
        runs.append(ingest)
        XCTAssertEqual(ingest.code, 0, ingest.err)
        let id = try XCTUnwrap(ingest.out.split(separator: " ").first.map(String.init), ingest.out)
        XCTAssertTrue(id.hasPrefix("doc-"), ingest.out)
        XCTAssertTrue(ingest.err.contains("1 stored"), ingest.err)

        let list = try await cli(desk, ["list", "--case", w.uploadCase, "--acknowledge", "R-CON-9"])
        runs.append(list)
        XCTAssertEqual(list.code, 0, list.err)
        XCTAssertTrue(list.out.contains(id) && list.out.contains("reply from trust.txt"), list.out)

        let out = desk.path("copy.txt")
        let cat = try await cli(desk, ["cat", id, "-o", out, "--acknowledge", "R-CON-9"])
        runs.append(cat)
        XCTAssertEqual(cat.code, 0, cat.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), replyBytes, "the same bytes come back")
        // A document of many pieces, streamed to stdout.
        let large = try await cli(desk, ["cat", w.large, "--acknowledge", "R-CON-9"])
        XCTAssertEqual(large.code, 0, large.err)
        XCTAssertEqual(large.outBytes, w.largeBytes)

        // The same listing over the server as on the vault itself (opened locally with Sam's identity).
        let remote = try await cli(desk, ["list", "--case", w.caseID, "--acknowledge", "R-CON-9", "--json"])
        let local = try await cli(desk, ["list", "--case", w.caseID, "--acknowledge", "R-CON-9", "--json", "--vault", w.root])
        XCTAssertEqual(remote.code, 0, remote.err)
        XCTAssertEqual(local.code, 0, local.err)
        XCTAssertEqual(remote.out, local.out, "list --json is the same over the server as locally")
        let remoteTable = try await cli(desk, ["list", "--case", w.caseID, "--acknowledge", "R-CON-9"])
        let localTable = try await cli(desk, ["list", "--case", w.caseID, "--acknowledge", "R-CON-9", "--vault", w.root])
        XCTAssertEqual(remoteTable.out, localTable.out, "and so is the table")

        let logout = try await cli(desk, ["logout"])
        runs.append(logout)
        XCTAssertEqual(logout.code, 0, logout.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: desk.sessionPath), "logout deletes the session file")
        let old = try await w.request("GET", "/api/v1/cases", token: token)
        XCTAssertEqual(old.status, 401, "and the server forgot the session")

        let after = try await cli(desk, ["case", "list"])
        runs.append(after)
        XCTAssertEqual(after.code, 4, after.err)
        XCTAssertTrue(after.err.contains("not logged in to \(url(w))"), after.err)
        XCTAssertTrue(after.err.contains("casevault login"), after.err)

        for run in runs {
            XCTAssertFalse(run.out.contains(token) || run.err.contains(token), "the token is never printed")
        }
    }

    func testASessionTheServerEndedSaysLogInAgain() async throws {
        let w = try await world()
        let desk = try Desk(w, as: w.sam)
        try await login(w, desk)
        // Ended on the server (as idle expiry or an administrator would), the file still here: no --server needed.
        let ended = try await w.request("POST", "/api/v1/logout", token: try token(desk))
        XCTAssertEqual(ended.status, 204)
        let run = try await cli(desk, ["case", "list"])
        XCTAssertEqual(run.code, 4, run.err)
        XCTAssertTrue(run.err.contains("casevault: error: Your session has ended; run casevault login again"), run.err)
    }

    func testAServerWhoseCertificateIsNotTheTrustedCAsIsRefused() async throws {
        let w = try await world()
        let desk = try Desk(w, as: w.sam)
        let other = w.directory.appendingPathComponent("other-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let (otherCertificate, _) = try ServerTestWorld.selfSignedCertificate(in: other)
        let wrong = try await cli(desk, ["login", "--server", url(w), "--ca-file", otherCertificate])
        XCTAssertEqual(wrong.code, 1, wrong.err)
        XCTAssertTrue(wrong.err.contains("did not prove who it is"), wrong.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: desk.sessionPath), "no session is kept")
        // Without --ca-file only the system's roots are trusted, which did not sign the test's certificate.
        let system = try await cli(desk, ["login", "--server", url(w)])
        XCTAssertEqual(system.code, 1, system.err)
        XCTAssertTrue(system.err.contains("did not prove who it is"), system.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: desk.sessionPath))
        let plain = try await cli(desk, ["login", "--server", "http://127.0.0.1:\(w.port)"])
        XCTAssertEqual(plain.code, 64, plain.err)
        XCTAssertTrue(plain.err.contains("only https://"), plain.err)
    }

    func testAColleagueWithoutConsentGetsTheCoresRefusal() async throws {
        let w = try await world()
        let desk = try Desk(w, as: w.alex)
        try await login(w, desk)
        let out = desk.path("letter.txt")
        let cat = try await cli(desk, ["cat", w.letter, "-o", out])
        XCTAssertEqual(cat.code, 3, cat.err)
        XCTAssertTrue(cat.err.contains("casevault: error: refused by the consent rules (R-"), cat.err)
        XCTAssertTrue(cat.err.contains("casevault: because: "), cat.err)
        XCTAssertTrue(cat.err.contains("casevault: hint: to proceed: "), cat.err)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out), "nothing is written")
        XCTAssertFalse(cat.err.contains(ServerTestWorld.letterText))
        let list = try await cli(desk, ["list", "--case", w.caseID])
        XCTAssertEqual(list.code, 3, list.err)
        XCTAssertTrue(list.err.contains("refused by the consent rules"), list.err)
    }

    func testCommandsWithoutARouteAndUnreachableServersSaySo() async throws {
        let w = try await world()
        let desk = try Desk(w, as: w.sam)
        try await login(w, desk)
        let person = try await cli(desk, ["person", "list"])
        XCTAssertEqual(person.code, 1, person.err)
        XCTAssertTrue(person.err.contains("not available over the server (\(url(w))) yet"), person.err)
        let both = try await cli(desk, ["case", "list", "--server", url(w), "--vault", w.root])
        XCTAssertEqual(both.code, 64, both.err)
        let otherServer = try await cli(desk, ["case", "list", "--server", "https://127.0.0.1:1"])
        XCTAssertEqual(otherServer.code, 4, otherServer.err)
        XCTAssertTrue(otherServer.err.contains("logged in to \(url(w)), not to https://127.0.0.1:1"), otherServer.err)

        // Consents: the list as the core gives it, the same JSON as on the vault itself; a withdrawal of no such
        // consent is the server's 404 in words; the table, which needs names the route does not send, says so.
        let consents = try await cli(desk, ["consent", "list", "--case", w.caseID, "--json"])
        let localConsents = try await cli(desk, ["consent", "list", "--case", w.caseID, "--json", "--vault", w.root])
        XCTAssertEqual(consents.code, 0, consents.err)
        XCTAssertEqual(consents.out, localConsents.out)
        XCTAssertTrue(consents.out.contains("verbal_consent"), consents.out)
        let table = try await cli(desk, ["consent", "list", "--case", w.caseID])
        XCTAssertEqual(table.code, 1, table.err)
        XCTAssertTrue(table.err.contains("only 'consent list --json' is available yet"), table.err)
        let withdraw = try await cli(desk, ["consent", "withdraw", "auth-nonexistent", "--received-by", "letter", "--yes"])
        XCTAssertEqual(withdraw.code, 1, withdraw.err)
        XCTAssertTrue(withdraw.err.contains("casevault: error: no "), withdraw.err)

        let away = try Desk(w, as: w.sam)
        let unreachable = try await cli(away, ["login", "--server", "https://127.0.0.1:1", "--ca-file", w.certificate])
        XCTAssertEqual(unreachable.code, 1, unreachable.err)
        XCTAssertTrue(unreachable.err.contains("could not reach the server at https://127.0.0.1:1"), unreachable.err)
    }

    /// A 100 MB document comes back through the client with the client's memory far below its size (the socket is
    /// read only as fast as the file is written), and byte for byte. Also prints `case list` over the server and locally.
    func testA100MBDocumentStreamsWithBoundedMemory() async throws {
        let w = try await world()
        let input = w.directory.appendingPathComponent("recording-\(UUID().uuidString).bin")
        var block = [UInt8](repeating: 0, count: 1 << 20)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        guard FileManager.default.createFile(atPath: input.path, contents: nil), let handle = FileHandle(forWritingAtPath: input.path) else {
            throw XCTSkip("cannot write the test file")
        }
        for _ in 0..<100 {
            for index in stride(from: 0, to: block.count, by: 8) {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                withUnsafeBytes(of: state) { bytes in for k in 0..<8 { block[index + k] = bytes[k] } }
            }
            handle.write(Data(block))
        }
        try handle.close()
        let stored = try w.open(as: w.sam).ingest(caseID: CaseID(w.uploadCase), files: [Vault.IngestFile(path: input.path)], options: .init())
        guard case .stored(let id, _) = stored.first?.outcome else { throw XCTSkip("the core did not store the test file: \(String(describing: stored.first?.outcome))") }

        let desk = try Desk(w, as: w.sam)
        try await login(w, desk)
        let out = desk.path("recording.bin")
        let rss = desk.path("rss")
        desk.environment["PATH"] = "/usr/bin:/bin"
        let started = Date()
        let timed = try await timedCLI(desk, ["/usr/bin/time", "-f", "%M", "-o", rss, try Self.binary(), "cat", id.rawValue, "-o", out, "--acknowledge", "R-CON-9"])
        let seconds = Date().timeIntervalSince(started)
        XCTAssertEqual(timed.code, 0, timed.err)
        let kilobytes = Int((try String(contentsOfFile: rss, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        let size = (try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? -1
        XCTAssertEqual(size, 100 << 20)
        XCTAssertTrue(FileManager.default.contentsEqual(atPath: out, andPath: input.path), "the same 100 MB come back")
        print("100 MB cat over the server: \(String(format: "%.1f", seconds)) s, client peak RSS \(kilobytes / 1024) MB")
        XCTAssertGreaterThan(kilobytes, 0)
        XCTAssertLessThan(kilobytes, 60 * 1024, "the client holds a few hundred KB of the document at a time, not 100 MB")

        var remote: [Double] = [], local: [Double] = []
        for _ in 0..<3 {
            var start = Date()
            let overServer = try await cli(desk, ["case", "list"])
            remote.append(Date().timeIntervalSince(start))
            start = Date()
            let onVault = try await cli(desk, ["case", "list", "--vault", w.root])
            local.append(Date().timeIntervalSince(start))
            XCTAssertEqual(overServer.code, 0, overServer.err)
            XCTAssertEqual(onVault.code, 0, onVault.err)
        }
        print("case list wall time (debug, median of 3): over the server \(Int(remote.sorted()[1] * 1000)) ms, on the vault locally \(Int(local.sorted()[1] * 1000)) ms")
    }

    /// As `cli`, for a program other than casevault (here /usr/bin/time wrapping it).
    func timedCLI(_ desk: Desk, _ arguments: [String]) async throws -> Run {
        try await Self.run(arguments[0], Array(arguments.dropFirst()), environment: desk.environment, folder: desk.home)
    }
}
