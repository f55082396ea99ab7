import Consent
import Foundation
import PostgresTestSupport
import VaultCrypto
import XCTest
@testable import VaultServer
@testable import VaultCore

/// One vault on the shared throwaway PostgreSQL server, served over real HTTPS by one server for the whole test class
/// (logins cost scrypt, and a server a PostgreSQL database): an administrator, two organisations, Lee (manager of the
/// first), Sam (advocate, assigned to Margaret Ellis's case, which has one letter), Alex (advocate of the second
/// organisation), Pat (for the lockout) and Kim (removed in a test). Every login identity has a passphrase.
final class ServerTestWorld: @unchecked Sendable {
    static let letterText = "Dear Ms Ellis, your mother's care on ward 7 is the subject of this complaint."
    /// Small, so the tests can exceed it cheaply (the default is 100 MiB).
    static let maxUploadBytes: Int64 = 1 << 20

    let directory: URL
    let root: String
    let databaseURL: String
    let postgres: PostgresTestServer
    let databaseName: String
    var identities: [String: String] = [:]
    var passphrases: [String: String] = [:]
    var admin = "", org1 = "", org2 = "", lee = "", sam = "", alex = "", pat = "", kim = "", caseID = "", letter = "", large = ""
    /// A second case of Sam's, for the upload tests (so the first case's documents stay as the other tests expect).
    var uploadCase = ""
    /// A document of many decryption chunks (16 KB each), to stream.
    var largeBytes = Data()
    let certificate: String
    let key: String
    let clock = TestClock()
    var port = 0
    var routes: [RouteTable.Entry] = []
    private var serverTask: Task<Void, any Error>?

    /// `populated: false` makes only the administrator, the first organisation and Sam (the rollback test's own vault).
    init(populated: Bool = true) throws {
        postgres = try PostgresTestServer.shared()
        databaseName = try postgres.makeDatabase()
        databaseURL = postgres.url(database: databaseName)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        root = directory.appendingPathComponent("vault").path
        (certificate, key) = try Self.selfSignedCertificate(in: directory)
        let adminPath = directory.appendingPathComponent("admin.identity").path
        let opened = try VaultSetup.initializeWithIdentity(paths: VaultPaths(root: root, keyFile: adminPath), passphrase: nil, now: Date(),
                                                           database: try DatabaseLocation(url: databaseURL))
        admin = try Vault(opened).addAdvocate(name: "Vault administrator", organisationID: nil, role: .admin)
        identities[admin] = adminPath
        if populated {
            try populate()
        } else {
            org1 = try open(as: admin).addOrganisation(name: "Norfolk NHS Complaints Advocacy", recoveryKey: try X25519.PrivateKey.generate().publicKey).id
            sam = try addAccount("Sam Carter", org: org1)
        }
    }

    /// The server's rollback marks (`state_folder`), in the test's folder.
    var stateFolder: String { directory.appendingPathComponent("state").path }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Each account's identity as first unlocked, handed to `VaultSetup.open` as `casevault unlock`'s cache is: opening
    /// the vault as a person cost an scrypt derivation each time (N = 2^17, about 0.4 s of CPU), which was most of these
    /// classes' CPU time. The core uses it only while it is the identity in the file (same public keys), so a renewed
    /// identity is unlocked from its passphrase again.
    private var unlockedIdentities: [String: UnlockedIdentity] = [:]
    private let unlockedLock = NSLock()

    func open(as account: String) throws -> Vault {
        let passphrase = passphrases[account]
        let cached = unlockedLock.withLock { unlockedIdentities[account] }
        let opened = try VaultSetup.open(paths: VaultPaths(root: root, keyFile: identities[account]!), unlocked: { _ in cached }) {
            SecureBytes(copying: Array((passphrase ?? "").utf8))
        }
        if let identity = opened.unlock.identity { unlockedLock.withLock { unlockedIdentities[account] = identity } }
        let vault = try Vault(opened)
        vault.acknowledged = RuleID.allCases
        return vault
    }

    func addAccount(_ name: String, org: String?, role: AccountRole = .advocate, manager: String? = nil) throws -> String {
        let (made, passphrase) = try makeAccount(name, org: org, role: role, by: manager ?? admin)
        // An account added to an organisation with members awaits confirmation: it renews and a manager of it confirms at once, as
        // the server tests only need a colleague.
        if made.awaitsConfirmation {
            let path = try XCTUnwrap(identities[made.id])
            let accounts = try open(as: admin).advocates()
            let holders = accounts.filter { $0.organisation == org && $0.removedAt == nil && !$0.awaitingConfirmation && $0.id != made.id }
            let managers = holders.filter { $0.role == .manager }
            let confirmer = try XCTUnwrap((managers.isEmpty ? holders : managers).first { identities[$0.id] != nil }?.id)
            // The person first replaces the keys the administrator wrote (same passphrase), as `identity renew` does.
            let renewed = try open(as: made.id).renewOwnIdentity(passphrase: SecureBytes(copying: Array(passphrase.utf8))) {
                try VaultSetup.writeNewIdentity($0, to: VaultSetup.renewedIdentityPath(for: path))
            }
            try VaultSetup.installRenewedIdentity(at: path)
            _ = try open(as: confirmer).confirmAccount(AccountID(made.id), fingerprint: renewed.fingerprint)
        }
        return made.id
    }

    /// An account the administrator adds to an organisation with members, left awaiting confirmation with the
    /// identity file the administrator wrote (the confirmation tests' newcomer).
    func addNewcomer(_ name: String, org: String, role: AccountRole = .manager) throws -> String {
        let (made, _) = try makeAccount(name, org: org, role: role, by: admin)
        XCTAssertTrue(made.awaitsConfirmation)
        return made.id
    }

    /// An account added by `adder`, its identity file (with a passphrase) written into the world's folder and
    /// remembered with its passphrase.
    private func makeAccount(_ name: String, org: String?, role: AccountRole, by adder: String) throws -> (Vault.NewAccount, String) {
        let passphrase = "\(name) keeps this passphrase"
        let made = try open(as: adder).addAccount(name: name, organisationID: org.map { OrganisationID($0) }, role: role,
                                                  identityPassphrase: SecureBytes(copying: Array(passphrase.utf8)))
        let path = directory.appendingPathComponent("\(made.id).identity").path
        try VaultSetup.writeNewIdentity(try XCTUnwrap(made.identity), to: path)
        identities[made.id] = path
        passphrases[made.id] = passphrase
        return (made, passphrase)
    }

    private func populate() throws {
        org1 = try open(as: admin).addOrganisation(name: "Norfolk NHS Complaints Advocacy", recoveryKey: try X25519.PrivateKey.generate().publicKey).id
        org2 = try open(as: admin).addOrganisation(name: "Suffolk Advocacy", recoveryKey: try X25519.PrivateKey.generate().publicKey).id
        lee = try addAccount("Lee Morgan", org: org1, role: .manager)
        sam = try addAccount("Sam Carter", org: org1)
        alex = try addAccount("Alex Reid", org: org2)
        pat = try addAccount("Pat Jones", org: org1)
        kim = try addAccount("Kim Hale", org: org1)
        let vault = try open(as: sam)
        let client = try vault.addPerson(.init(name: "Margaret Ellis", dob: "1946-03-14"))
        caseID = try vault.openCase(.init(clientID: client, organisationID: OrganisationID(org1), advocateIDs: [AccountID(sam)], nhsBody: "trust-X")).rawValue
        let uploadClient = try vault.addPerson(.init(name: "Joan Hart", dob: "1951-09-02"))
        uploadCase = try vault.openCase(.init(clientID: uploadClient, organisationID: OrganisationID(org1), advocateIDs: [AccountID(sam)], nhsBody: "trust-X")).rawValue
        for (caseID, client) in [(caseID, client), (uploadCase, uploadClient)] {
            var consent = Vault.AuthorityInput(caseID: CaseID(caseID), personID: client, kind: .verbalConsent, granteeID: org1,
                                               actions: ConsentAction.allCases, today: vault.today())
            consent.recordedBy = sam
            consent.recordedOn = vault.today()
            _ = try vault.recordAuthority(consent)
        }
        let input = directory.appendingPathComponent("letter.txt")
        try Data(Self.letterText.utf8).write(to: input)
        let results = try vault.ingest(caseID: CaseID(caseID), files: [Vault.IngestFile(path: input.path)], options: .init())
        guard case .stored(let id, _) = results.first?.outcome else { throw XCTSkip("the letter was not stored") }
        letter = id.rawValue
        var text = ""
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        while text.utf8.count < 3 * 1024 * 1024 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            text += "Line \(state >> 20): the ward's notes continue, entry \(state % 99_991).\n"
        }
        largeBytes = Data(text.utf8)
        let largeInput = directory.appendingPathComponent("notes.txt")
        try largeBytes.write(to: largeInput)
        let stored = try vault.ingest(caseID: CaseID(caseID), files: [Vault.IngestFile(path: largeInput.path)], options: .init())
        guard case .stored(let largeID, _) = stored.first?.outcome else { throw XCTSkip("the large document was not stored") }
        large = largeID.rawValue
        try vault.writeCheckpoint()
    }

    var config: ServerConfig {
        ServerConfig(listen: .init(host: "127.0.0.1", port: 0), vault: root, database: databaseURL,
                     tls: .init(certificate: certificate, key: key),
                     sessions: .init(idleMinutes: 30, absoluteHours: 1),
                     loginLimits: .init(maxFailures: 3, maxFailuresPerAddress: 1_000, windowMinutes: 15),
                     maxUploadBytes: Self.maxUploadBytes, stateFolder: stateFolder)
    }

    /// This world's server settings on plain HTTP (loopback), for a second instance on the same database.
    var plainConfig: ServerConfig {
        var config = self.config
        config.tls = nil
        config.developmentPlainHTTP = true
        return config
    }

    /// Starts another instance with `config` on this world's database and vault; returns its port and the task to
    /// cancel.
    func startInstance(_ config: ServerConfig) async throws -> (Int, Task<Void, any Error>) {
        let server = try VaultServer(config: config, now: { [clock] in clock.now })
        let ready = PortBox()
        let task = Task {
            try await server.withApplication(onRunning: { ready.set($0) }) { app, _ in try await app.runService(gracefulShutdownSignals: []) }
        }
        for _ in 0..<600 {
            if let port = ready.port { return (port, task) }
            try await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        throw XCTSkip("another server instance did not start within 30 s")
    }

    /// A login over plain HTTP to another instance, from `source` (a loopback address: each is its own client address).
    func plainLogin(port: Int, account: String, passphrase: String? = nil, totp: String? = nil, source: String = "127.0.0.1") async throws -> Reply {
        let file = try Data(contentsOf: URL(fileURLWithPath: identities[account]!))
        var body: [String: Any] = ["identity": file.base64EncodedString(), "passphrase": passphrase ?? passphrases[account]!]
        if let totp { body["totp"] = totp }
        return try await plainRequest(port: port, "POST", "/api/v1/login", json: body, source: source)
    }

    func plainRequest(port: Int, _ method: String, _ path: String, json: Any? = nil, source: String = "127.0.0.1") async throws -> Reply {
        let stamp = UUID().uuidString
        let bodyFile = directory.appendingPathComponent("reply-\(stamp)").path
        let headerFile = directory.appendingPathComponent("headers-\(stamp)").path
        var arguments = ["-sS", "--interface", source, "-X", method, "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}",
                         "http://127.0.0.1:\(port)\(path)"]
        if let json {
            let file = directory.appendingPathComponent("request-\(stamp)").path
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@" + file]
        }
        let output = try await Self.run("/usr/bin/curl", arguments)
        let body = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))) ?? Data()
        let headers = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        return Reply(status: Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, body: body, headers: headers)
    }

    /// Starts the server on a free port and waits until it listens.
    func start() async throws {
        let server = try VaultServer(config: config, now: { [clock] in clock.now })
        let ready = PortBox()
        serverTask = Task {
            try await server.withApplication(onRunning: { port in ready.set(port) }) { app, routes in
                ready.setRoutes(routes)
                try await app.runService(gracefulShutdownSignals: [])
            }
        }
        for _ in 0..<600 {
            if let port = ready.port { self.port = port; routes = ready.routes; return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw XCTSkip("the server did not start within 30 s")
    }

    func stop() async {
        serverTask?.cancel()
        _ = try? await serverTask?.value
    }

    static func selfSignedCertificate(in directory: URL) throws -> (String, String) {
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                             "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw XCTSkip("openssl could not make a test certificate") }
        return (cert, key)
    }

    // MARK: - HTTPS with curl

    struct Reply {
        let status: Int
        let body: Data
        let headers: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// One request with curl, verifying the server against the test's own certificate (no -k): real TLS.
    func request(_ method: String, _ path: String, token: String? = nil, json: Any? = nil, curlOptions: [String] = []) async throws -> Reply {
        let stamp = UUID().uuidString
        let bodyFile = directory.appendingPathComponent("reply-\(stamp)").path
        let headerFile = directory.appendingPathComponent("headers-\(stamp)").path
        var arguments = curlOptions + ["-sS", "--cacert", certificate, "-X", method, "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}",
                         "https://127.0.0.1:\(port)\(path)"]
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        if let json {
            let file = directory.appendingPathComponent("request-\(stamp)").path
            try JSONSerialization.data(withJSONObject: json).write(to: URL(fileURLWithPath: file))
            arguments += ["-H", "Content-Type: application/json", "--data-binary", "@" + file]
        }
        let output = try await Self.run("/usr/bin/curl", arguments)
        let body = (try? Data(contentsOf: URL(fileURLWithPath: bodyFile))) ?? Data()
        let headers = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        return Reply(status: Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, body: body, headers: headers)
    }

    func login(_ account: String, passphrase: String? = nil, totp: String? = nil) async throws -> Reply {
        let file = try Data(contentsOf: URL(fileURLWithPath: identities[account]!))
        var body: [String: Any] = ["identity": file.base64EncodedString(), "passphrase": passphrase ?? passphrases[account]!]
        if let totp { body["totp"] = totp }
        return try await request("POST", "/api/v1/login", json: body)
    }

    func token(_ account: String) async throws -> String {
        let reply = try await login(account)
        XCTAssertEqual(reply.status, 200, reply.text)
        return try XCTUnwrap(reply.json["token"] as? String)
    }

    /// Runs curl or psql to its end off Swift's cooperative threads (the server's handlers need them); its output.
    static func run(_ program: String, _ arguments: [String]) async throws -> String {
        String(decoding: try await ChildProcess.runDetached(program, arguments).stdout, as: UTF8.self)
    }

    /// Rows of the server's session table, read with psql as a thief with the database would.
    func sessionRows() async throws -> [[String]] {
        let output = try await Self.run("/usr/bin/psql", ["-h", postgres.socketFolder, "-p", String(postgres.port), "-U", "casevault", "-d", databaseName,
                                                          "-At", "-F", "|", "-c",
                                                          "SELECT encode(token_sha256, 'hex'), session_id, account_id, vault_id, encode(sealed_identity, 'hex') FROM server_sessions"])
        return output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }
}

final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval = 0
    var now: Date { lock.withLock { Date().addingTimeInterval(offset) } }
    func advance(_ seconds: TimeInterval) { lock.withLock { offset += seconds } }
    func reset() { lock.withLock { offset = 0 } }
}

final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int?
    private var entries: [RouteTable.Entry] = []
    var port: Int? { lock.withLock { value } }
    var routes: [RouteTable.Entry] { lock.withLock { entries } }
    func set(_ port: Int) { lock.withLock { value = port } }
    func setRoutes(_ routes: [RouteTable.Entry]) { lock.withLock { entries = routes } }
}
