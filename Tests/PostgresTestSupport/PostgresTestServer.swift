import Foundation
import XCTest

/// A throwaway PostgreSQL server for the tests: its own data folder in a temporary directory, reachable only by a Unix
/// socket in that folder, stopped and deleted at the end. Needs the PostgreSQL server programs (Debian's
/// postgresql-15, which `make test` installs); without them the tests that need it skip and say so. PostgreSQL
/// refuses to run as root, so under root (CI) the server runs as the `postgres` account the package creates.
public final class PostgresTestServer: @unchecked Sendable {
    let root: String
    public let socketFolder: String
    public let port: Int
    let binaries: String
    let runAs: String?
    private var databases = 0

    public static func start() throws -> PostgresTestServer {
        guard let binaries = findBinaries() else {
            throw XCTSkip("SKIPPED: the PostgreSQL server programs (initdb, pg_ctl) are not installed: run `make test`, which installs postgresql-15")
        }
        return try PostgresTestServer(binaries: binaries)
    }

    static func findBinaries() -> String? {
        // Debian keeps the server programs out of PATH, in one folder per major version.
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let candidates = versions.sorted(by: >).map { "/usr/lib/postgresql/\($0)/bin" }
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return candidates.first { folder in
            ["initdb", "pg_ctl", "createdb"].allSatisfy { FileManager.default.isExecutableFile(atPath: folder + "/" + $0) }
        }
    }

    private init(binaries: String) throws {
        self.binaries = binaries
        root = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-pg-\(UUID().uuidString)").path
        socketFolder = root + "/socket"
        port = Int.random(in: 20_000...60_000)
        runAs = getuid() == 0 ? "postgres" : nil
        try FileManager.default.createDirectory(atPath: socketFolder, withIntermediateDirectories: true)
        if let runAs {
            for path in [root, socketFolder] {
                try FileManager.default.setAttributes([.ownerAccountName: runAs, .posixPermissions: 0o700], ofItemAtPath: path)
            }
        }
        try Self.copyTemplate(to: root + "/data", binaries: binaries, runAs: runAs, scratch: root)
        // fsync off: a test server's data is thrown away, and syncing would only slow the suite.
        try run("pg_ctl", ["-D", root + "/data", "-l", root + "/server.log", "-w", "-t", "60", "-o",
                           "-k \(socketFolder) -c listen_addresses= -p \(port) -c fsync=off -c full_page_writes=off", "start"])
    }

    /// A fresh cluster's data folder, copied from one `initdb` made once per machine (and PostgreSQL build): every test
    /// process starts its own server, and `initdb` costs over a second of CPU each time, a copy a tenth of that. The
    /// template is made under a lock, in a folder renamed into place only when whole, so a test killed half-way leaves
    /// no half template behind.
    static func copyTemplate(to data: String, binaries: String, runAs: String?, scratch: String) throws {
        let flags = ["-U", "casevault", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"]
        let digest = (binaries + "\u{0}" + flags.joined(separator: " ")).utf8.reduce(UInt64(14_695_981_039_346_656_037)) {
            ($0 ^ UInt64($1)) &* 1_099_511_628_211
        }
        let template = FileManager.default.temporaryDirectory
            .appendingPathComponent("casevault-pg-template-\(getuid())-\(String(digest, radix: 16))").path
        let lockFD = open(template + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lockFD >= 0 else { throw NSError(domain: "PostgresTestServer", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "cannot lock \(template).lock"]) }
        defer { close(lockFD) }
        while flock(lockFD, LOCK_EX) != 0 && errno == EINTR {}
        if !FileManager.default.fileExists(atPath: template + "/data/PG_VERSION") {
            try? FileManager.default.removeItem(atPath: template)
            let building = template + ".building"
            try? FileManager.default.removeItem(atPath: building)
            try FileManager.default.createDirectory(atPath: building, withIntermediateDirectories: true)
            if let runAs { try FileManager.default.setAttributes([.ownerAccountName: runAs, .posixPermissions: 0o700], ofItemAtPath: building) }
            try run(["initdb", "-D", building + "/data"] + flags, binaries: binaries, runAs: runAs, scratch: scratch)
            try FileManager.default.moveItem(atPath: building, toPath: template)
        }
        // cp -a keeps the owner (the postgres account under root) and the data folder's 0700.
        try run(["/bin/cp", "-a", template + "/data", data], binaries: binaries, runAs: nil, scratch: scratch)
    }

    /// A new, empty database on the server; its name.
    public func makeDatabase() throws -> String {
        databases += 1
        let name = "vault\(databases)"
        try run("createdb", ["-h", socketFolder, "-p", String(port), "-U", "casevault", name])
        return name
    }

    /// The address `casevault init --database` takes for one of this server's databases.
    public func url(database: String) -> String { "postgresql://casevault@/\(database)?host=\(socketFolder)&port=\(port)" }

    /// Shared by every test in this process that asks for it, stopped when the process exits.
    public static func shared() throws -> PostgresTestServer {
        try sharedLock.withLock {
            if let sharedServer { return sharedServer }
            let server = try start()
            sharedServer = server
            atexit { PostgresTestServer.sharedServer?.stop() }
            return server
        }
    }
    nonisolated(unsafe) static var sharedServer: PostgresTestServer?
    static let sharedLock = NSLock()

    /// Stops the server as an administrator's restart or a fail-over would (`-m fast`: every connection is cut, the
    /// data kept); `resume` starts it again on the same socket and port.
    public func pause() throws {
        try run("pg_ctl", ["-D", root + "/data", "-m", "fast", "-w", "-t", "60", "stop"])
    }

    public func resume() throws {
        try run("pg_ctl", ["-D", root + "/data", "-l", root + "/server.log", "-w", "-t", "60", "-o",
                           "-k \(socketFolder) -c listen_addresses= -p \(port) -c fsync=off -c full_page_writes=off", "start"])
    }

    public func stop() {
        _ = try? run("pg_ctl", ["-D", root + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Runs one PostgreSQL program to its end. posix_spawn and waitpid, not Foundation's Process: the server that
    /// `pg_ctl start` leaves running inherits Process's exit-watching descriptor, and waitUntilExit then never returns.
    @discardableResult
    private func run(_ program: String, _ arguments: [String]) throws -> String {
        try Self.run([program] + arguments, binaries: binaries, runAs: runAs, scratch: root)
    }

    /// `command[0]`: a PostgreSQL program's name, or an absolute path. Its output goes to a file in `scratch`.
    @discardableResult
    private static func run(_ command: [String], binaries: String, runAs: String?, scratch root: String) throws -> String {
        let program = command[0].hasPrefix("/") ? (command[0] as NSString).lastPathComponent : command[0]
        let argv = (runAs.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? [])
            + [command[0].hasPrefix("/") ? command[0] : binaries + "/" + command[0]] + command.dropFirst()
        let outputPath = root + "/\(program).out"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else {
            throw NSError(domain: "PostgresTestServer", code: Int(spawned), userInfo: [NSLocalizedDescriptionKey: "cannot start \(argv[0])"])
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS by hand (they are macros Swift does not import).
        guard status & 0x7F == 0, (status >> 8) & 0xFF == 0 else {
            let log = (try? String(contentsOfFile: root + "/server.log", encoding: .utf8)) ?? ""
            throw NSError(domain: "PostgresTestServer", code: Int(status),
                          userInfo: [NSLocalizedDescriptionKey: "\(program) failed: \(text)\n\(log.suffix(2000))"])
        }
        return text
    }
}
