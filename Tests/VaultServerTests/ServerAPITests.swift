import Foundation
import VaultCrypto
import XCTest
@testable import VaultServer
@testable import VaultCore

/// The server over real HTTPS (curl verifying the test's self-signed certificate) on a throwaway PostgreSQL: the same
/// core as the CLI, acting as the session's account. One vault and one server for the class.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func append(_ more: Data) { lock.withLock { data.append(more) } }
    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
}

final class ServerAPITests: XCTestCase {
    static let shared = SharedServerWorld()
    /// The case with signed consent the bundle tests export (ServerBundleTests).
    nonisolated(unsafe) static var bundleCaseMade: (caseID: String, letter: String)?

    func world() async throws -> ServerTestWorld { try await Self.shared.get() }

    override class func tearDown() {
        shared.stop()
        bundleCaseMade = nil
        super.tearDown()
    }

    func testLoginListCasesAndReadTheLetterAuditedAsCatIs() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)

        let cases = try await w.request("GET", "/api/v1/cases", token: token)
        XCTAssertEqual(cases.status, 200, cases.text)
        let listed = try XCTUnwrap(cases.json["cases"] as? [[String: Any]])
        // Sam's two cases, and those other tests of the class opened for Sam: exactly what the core lists for Sam.
        XCTAssertTrue(Set(listed.compactMap { $0["id"] as? String }).isSuperset(of: [w.caseID, w.uploadCase]))
        XCTAssertEqual(Set(listed.compactMap { $0["id"] as? String }), Set(try w.open(as: w.sam).cases().map(\.id.rawValue)))
        XCTAssertEqual(listed.first { $0["id"] as? String == w.caseID }?["client_name"] as? String, "Margaret Ellis",
                       "names as the CLI lists them")

        // Only verbal consent is on file: R-CON-9 warns, and the policy wants the warning acknowledged (as `--acknowledge`).
        let unacknowledged = try await w.request("GET", "/api/v1/cases/\(w.caseID)/documents", token: token)
        XCTAssertEqual(unacknowledged.status, 403, unacknowledged.text)
        XCTAssertEqual(unacknowledged.json["error"] as? String, "acknowledgement_needed")
        XCTAssertEqual((unacknowledged.json["decision"] as? [String: Any])?["rule_ids"] as? [String], ["R-CON-9"])

        let documents = try await w.request("GET", "/api/v1/cases/\(w.caseID)/documents?acknowledge=R-CON-9", token: token)
        XCTAssertEqual(documents.status, 200, documents.text)
        let rows = try XCTUnwrap(documents.json["documents"] as? [[String: Any]])
        XCTAssertEqual(Set(rows.compactMap { $0["id"] as? String }), [w.letter, w.large])
        XCTAssertEqual(rows.first { $0["id"] as? String == w.letter }?["name"] as? String, "letter.txt")

        let lee = try w.open(as: w.lee)
        let before = try lee.auditLog(caseID: CaseID(w.caseID), since: nil, actor: w.sam).count
        let content = try await w.request("GET", "/api/v1/documents/\(w.letter)/content?acknowledge=R-CON-9", token: token)
        XCTAssertEqual(content.status, 200)
        XCTAssertEqual(content.body, Data(ServerTestWorld.letterText.utf8), "the decrypted bytes equal the ingested ones")
        XCTAssertTrue(content.headers.lowercased().contains("x-content-type-options: nosniff"), content.headers)
        XCTAssertTrue(content.headers.lowercased().contains("content-disposition: attachment"), content.headers)
        let served = try w.open(as: w.lee).auditLog(caseID: CaseID(w.caseID), since: nil, actor: w.sam).dropFirst(before)
        XCTAssertEqual(served.map(\.action), ["consent.decision", "document.read"], "the acknowledged warning, then the read")
        XCTAssertEqual(served.last?.documentID, w.letter)

        // `cat` on the core as Sam (the gate, then the read) records the same events.
        let sam = try w.open(as: w.sam)
        sam.acknowledged = [.con9]
        try sam.requireConsent(.viewDocuments, caseID: try sam.caseID(ofDocument: DocumentID(w.letter)), documentID: DocumentID(w.letter))
        var sink = ArraySink()
        try sam.decrypt(documentID: DocumentID(w.letter), to: &sink)
        let local = try w.open(as: w.lee).auditLog(caseID: CaseID(w.caseID), since: nil, actor: w.sam).dropFirst(before + served.count)
        XCTAssertEqual(local.map(\.action), served.map(\.action))
    }

    func testAnAdvocateOfAnotherOrganisationIsRefusedWithTheDecision() async throws {
        let w = try await world()
        let token = try await w.token(w.alex)
        let cases = try await w.request("GET", "/api/v1/cases", token: token)
        XCTAssertEqual(cases.status, 200)
        XCTAssertEqual((cases.json["cases"] as? [Any])?.count, 0, "Alex's list holds no case of the other organisation")

        for path in ["/api/v1/documents/\(w.letter)/content", "/api/v1/cases/\(w.caseID)/documents"] {
            let refused = try await w.request("GET", path, token: token)
            XCTAssertEqual(refused.status, 403, refused.text)
            XCTAssertEqual(refused.json["error"] as? String, "refused")
            XCTAssertFalse(refused.text.contains(ServerTestWorld.letterText))
            let decision = try XCTUnwrap(refused.json["decision"] as? [String: Any], refused.text)
            XCTAssertEqual(decision["kind"] as? String, "consent")
            XCTAssertEqual(decision["outcome"] as? String, "deny")
            XCTAssertFalse((decision["rule_ids"] as? [String] ?? []).isEmpty, refused.text)
            XCTAssertFalse((decision["explanation"] as? [String] ?? []).isEmpty, refused.text)
            XCTAssertFalse((decision["would_allow"] as? [String] ?? []).isEmpty, refused.text)
        }
    }

    func testForgedExpiredAndLoggedOutTokensAreRefused() async throws {
        let w = try await world()
        let none = try await w.request("GET", "/api/v1/cases")
        XCTAssertEqual(none.status, 401)
        XCTAssertEqual(none.json["error"] as? String, "not_logged_in")

        let token = try await w.token(w.sam)
        let forged = Data(try SystemRandom.bytes(count: 32)).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        var altered = Array(token)
        altered[10] = altered[10] == "A" ? "B" : "A"
        for bad in [forged, String(altered), String(token.dropLast()), token + "A", "not a token"] {
            let reply = try await w.request("GET", "/api/v1/cases", token: bad)
            XCTAssertEqual(reply.status, 401, "token \(bad)")
        }
        let valid = try await w.request("GET", "/api/v1/cases", token: token)
        XCTAssertEqual(valid.status, 200)

        let logout = try await w.request("POST", "/api/v1/logout", token: token)
        XCTAssertEqual(logout.status, 204)
        let afterLogout = try await w.request("GET", "/api/v1/cases", token: token)
        XCTAssertEqual(afterLogout.status, 401, "logout deleted the session")
        // Both ends of the session are in the vault's audit log, signed by Sam's identity (the log verifies).
        let sessionEvents = try w.open(as: w.admin).auditLog(caseID: nil, since: nil, actor: w.sam).map(\.action)
            .filter { $0.hasPrefix("session.") }
        XCTAssertEqual(Array(sessionEvents.suffix(2)), ["session.login", "session.logout"])
        XCTAssertTrue(try w.open(as: w.admin).verifyAudit(external: nil).ok)

        // Idle limit: 30 minutes without a request.
        let idle = try await w.token(w.sam)
        w.clock.advance(31 * 60)
        defer { w.clock.reset() }
        let idleReply = try await w.request("GET", "/api/v1/cases", token: idle)
        XCTAssertEqual(idleReply.status, 401, "an idle session ends")
        w.clock.reset()

        // Absolute limit (the test's: 1 hour), however busy: used every 25 minutes, it still ends at 60.
        let busy = try await w.token(w.sam)
        for _ in 0..<2 {
            w.clock.advance(25 * 60)
            let reply = try await w.request("GET", "/api/v1/cases", token: busy)
            XCTAssertEqual(reply.status, 200, "used within the idle limit")
        }
        w.clock.advance(15 * 60)
        let old = try await w.request("GET", "/api/v1/cases", token: busy)
        XCTAssertEqual(old.status, 401, "a session ends an hour after login, however busy")
    }

    func testWrongPassphraseIsGenericAndLocksTheAccountWhileOthersLogIn() async throws {
        let w = try await world()
        let wrong = try await w.login(w.pat, passphrase: "not Pat's passphrase")
        XCTAssertEqual(wrong.status, 401)
        XCTAssertEqual(wrong.json["error"] as? String, "login_failed")
        let message = try XCTUnwrap(wrong.json["message"] as? String)
        XCTAssertNil(wrong.json["token"])

        // An identity of another vault gets the very same answer.
        let (other, _) = try IdentityFile.create(vaultID: UUID().uuidString.lowercased(), accountID: w.pat,
                                                 passphrase: SecureBytes(copying: Array("a passphrase".utf8)), createdAt: "2026-01-01T00:00:00Z")
        let foreign = try await w.request("POST", "/api/v1/login", json: ["identity": try other.encoded().base64EncodedString(),
                                                                           "passphrase": "a passphrase"])
        XCTAssertEqual(foreign.status, 401)
        XCTAssertEqual(foreign.json["message"] as? String, message, "one message for every cause")

        let third = try await w.login(w.pat, passphrase: "still not it")
        XCTAssertEqual(third.status, 401)
        XCTAssertEqual(third.json["message"] as? String, message)
        // Three failures (the test's limit): now even the right passphrase is refused, without trying it.
        let locked = try await w.login(w.pat)
        XCTAssertEqual(locked.status, 429, locked.text)
        XCTAssertTrue(locked.headers.lowercased().contains("retry-after:"), locked.headers)
        XCTAssertNil(locked.json["token"])
        // Sam, from the same address, still logs in.
        let sam = try await w.login(w.sam)
        XCTAssertEqual(sam.status, 200, sam.text)
        XCTAssertEqual(sam.json["name"] as? String, "Sam Carter", "the answer names the person, whom the CLI greets by name")
        XCTAssertNil(wrong.json["name"], "a failed login names no one")
    }

    func testARemovedAdvocatesSessionIsRefusedAndDeleted() async throws {
        let w = try await world()
        let token = try await w.token(w.kim)
        let before = try await w.request("GET", "/api/v1/cases", token: token)
        XCTAssertEqual(before.status, 200)
        let rowsBefore = try await w.sessionRows()
        XCTAssertTrue(rowsBefore.contains { $0[2] == w.kim })

        _ = try w.open(as: w.lee).removeAccount(AccountID(w.kim))
        let after = try await w.request("GET", "/api/v1/cases", token: token)
        XCTAssertEqual(after.status, 401, after.text)
        let rowsAfter = try await w.sessionRows()
        XCTAssertFalse(rowsAfter.contains { $0[2] == w.kim }, "the removed account's sessions are deleted")
        let again = try await w.login(w.kim)
        XCTAssertEqual(again.status, 401, "a removed account cannot log in")
    }

    /// A thief with the whole database and no token: the rows hold no token, no private key, and no value in the
    /// database opens them. With the client's token (the control) the same row opens.
    func testAStolenDatabaseWithoutTokensOpensNoSession() async throws {
        let w = try await world()
        let token = try await w.token(w.lee)
        let rows = try await w.sessionRows().filter { $0[2] == w.lee }
        let row = try XCTUnwrap(rows.last)
        let sealed = try XCTUnwrap(Self.bytes(hex: row[4]))
        let identity = try IdentityFile.decode(try Data(contentsOf: URL(fileURLWithPath: w.identities[w.lee]!)))
            .unlock(passphrase: SecureBytes(copying: Array(w.passphrases[w.lee]!.utf8)))
        let privateKeys = [identity.agreementKey.rawRepresentation.unsafeCopyToArray(), identity.signingKey.seed.unsafeCopyToArray()]
        let tokenBytes = try XCTUnwrap(SessionToken(bearer: Substring(token))).bytes.unsafeCopyToArray()

        let dump = try await w.sessionRows().flatMap { $0 }.joined(separator: "|")
        XCTAssertFalse(dump.contains(token), "the token is not stored")
        XCTAssertFalse(dump.contains(tokenBytes.hexString), "nor its bytes")
        for key in privateKeys {
            XCTAssertFalse(dump.contains(key.hexString), "no private key in the clear")
            XCTAssertFalse(Self.contains(sealed, key), "no private key in the sealed value")
        }
        // Every value the database holds, and random guesses, tried as the token: none opens the row.
        let candidates = rows.flatMap { $0 }.compactMap { Self.bytes(hex: $0) }.filter { $0.count == 32 } + [try SystemRandom.bytes(count: 32)]
        for candidate in candidates {
            let guess = try XCTUnwrap(SessionToken(bearer: Substring(Self.base64url(candidate))))
            XCTAssertThrowsError(try SessionSealing.open(sealed, token: guess, sessionID: row[1], accountID: row[2], vaultID: row[3]))
        }
        // The control: the client's token opens it, to Lee's keys; moved to another account's name, it does not.
        let real = try XCTUnwrap(SessionToken(bearer: Substring(token)))
        let opened = try SessionSealing.open(sealed, token: real, sessionID: row[1], accountID: row[2], vaultID: row[3])
        XCTAssertEqual(opened.agreementKey.rawRepresentation.unsafeCopyToArray(), privateKeys[0])
        XCTAssertThrowsError(try SessionSealing.open(sealed, token: real, sessionID: row[1], accountID: w.sam, vaultID: row[3]))
        XCTAssertEqual(try real.hash().hexString, row[0], "the row is found by the token's SHA-256")
    }

    func testHealthReadyMetricsAndTheOpenAPIDocumentAreServed() async throws {
        let w = try await world()
        let health = try await w.request("GET", "/health")
        XCTAssertEqual(health.status, 200)
        let ready = try await w.request("GET", "/ready")
        XCTAssertEqual(ready.status, 200, ready.text)
        let metrics = try await w.request("GET", "/metrics")
        XCTAssertEqual(metrics.status, 200)
        XCTAssertTrue(metrics.text.contains("casevault_http_requests_total{"), metrics.text)
        XCTAssertTrue(metrics.text.contains("route=\"/health\""), metrics.text)
        let document = try await w.request("GET", "/api/openapi.yaml")
        XCTAssertEqual(document.status, 200)
        XCTAssertEqual(document.text, try OpenAPIDocument.text())
    }

    /// Every route the server registers is in the committed OpenAPI document, and every path and method there is served.
    func testEveryRegisteredRouteIsInTheOpenAPIDocumentAndViceVersa() async throws {
        let w = try await world()
        let registered = Set(w.routes.map(\.description))
        XCTAssertGreaterThanOrEqual(registered.count, 9)
        let documented = Set(Self.openAPIOperations(try OpenAPIDocument.text()))
        XCTAssertEqual(registered.subtracting(documented), [], "registered but not in Sources/VaultServer/Resources/openapi.yaml")
        XCTAssertEqual(documented.subtracting(registered), [], "in the OpenAPI document but not served")
    }

    /// A document of about 200 decryption chunks streams whole; downloads abandoned part-way (more of them than the
    /// server has worker threads) free their threads, and the server goes on serving.
    func testALargeDocumentStreamsWholeAndAbandonedDownloadsFreeTheirThreads() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let path = "/api/v1/documents/\(w.large)/content?acknowledge=R-CON-9"
        let whole = try await w.request("GET", path, token: token)
        XCTAssertEqual(whole.status, 200)
        XCTAssertEqual(whole.body.count, w.largeBytes.count)
        XCTAssertTrue(whole.body == w.largeBytes, "the streamed bytes equal the ingested ones")

        // Each reader takes 16 KB/s and gives up after a second: the server is left mid-stream when it goes. The
        // document must be larger than the socket buffers hold (see ingestDocument): with the 3 MB one, a server that
        // reaches the stream quickly (one kept pool of connections, no connection per request) wrote it whole into
        // the kernel before the client left, and there was no abandoned stream to count.
        let huge = try w.ingestDocument(megabytes: 16)
        let hugePath = "/api/v1/documents/\(huge.id)/content?acknowledge=R-CON-9"
        let abandoned = VaultServer.workerThreads + 4
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<abandoned {
                group.addTask { try await w.request("GET", hugePath, token: token, curlOptions: ["--limit-rate", "16k", "--max-time", "1"]).body.count }
            }
            for try await received in group { XCTAssertLessThan(received, huge.bytes.count) }
        }
        // Not all of them fitted into socket buffers: the server was left blocked mid-stream and let go. It notices a
        // closed connection at its next write, after the client has gone, so the counter is polled (up to 15 s).
        var abandonedCount = 0
        var metrics = ""
        for _ in 0..<75 where abandonedCount == 0 {
            metrics = try await w.request("GET", "/metrics").text
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("casevault_document_streams_abandoned_total ") }
            abandonedCount = Int(line?.split(separator: " ").last ?? "") ?? 0
            if abandonedCount == 0 { try await Task.sleep(nanoseconds: 200_000_000) }
        }
        XCTAssertGreaterThan(abandonedCount, 0, metrics)
        let after = try await w.request("GET", "/api/v1/documents/\(w.letter)/content?acknowledge=R-CON-9", token: token,
                                        curlOptions: ["--max-time", "30"])
        XCTAssertEqual(after.status, 200, "a worker thread is free again")
        XCTAssertEqual(after.body, Data(ServerTestWorld.letterText.utf8))
    }

    /// The server's own table and its reads leave the vault as `verify` expects it: audit chain, state ledger and
    /// every body intact.
    func testVerifyIsCleanAfterTheServerHasServed() async throws {
        let w = try await world()
        let token = try await w.token(w.sam)
        let content = try await w.request("GET", "/api/v1/documents/\(w.letter)/content?acknowledge=R-CON-9", token: token)
        XCTAssertEqual(content.status, 200)
        let rows = try await w.sessionRows()
        XCTAssertFalse(rows.isEmpty)
        let report = try w.open(as: w.lee).verify(readData: true, repair: false, record: false)
        XCTAssertEqual(report.problems, [], "\(report.problems)")
    }

    /// `casevault serve --config FILE`, the real command: it serves over TLS, and SIGTERM stops it cleanly (exit 0).
    func testTheServeCommandServesAndStopsGracefullyOnSIGTERM() async throws {
        let w = try await world()
        let binary = Bundle.main.bundleURL.appendingPathComponent("casevault")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw XCTSkip("no casevault binary beside the tests") }
        let configPath = w.directory.appendingPathComponent("serve.json")
        let encoder = JSONEncoder()
        try encoder.encode(w.config).write(to: configPath)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--config", configPath.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let log = LogCollector()
        output.fileHandleForReading.readabilityHandler = { handle in log.append(handle.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var port: Int?
        for _ in 0..<600 where port == nil {
            port = log.text.components(separatedBy: "port=").dropFirst().first.flatMap { Int($0.prefix { $0.isNumber }) }
            if port == nil { try await Task.sleep(for: .milliseconds(50)) }
        }
        let served = try XCTUnwrap(port, "the server did not say where it listens: \(log.text)")
        let health = try await ServerTestWorld.run("/usr/bin/curl", ["-sS", "--cacert", w.certificate, "https://127.0.0.1:\(served)/health"])
        XCTAssertEqual(health, "{\"status\":\"ok\"}")

        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<200 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertFalse(process.isRunning, "SIGTERM stops the server within 10 s")
        XCTAssertEqual(process.terminationReason, .exit, "it exits, not killed by the signal")
        XCTAssertEqual(process.terminationStatus, 0, log.text)
        let after = try? await ServerTestWorld.run("/usr/bin/curl", ["-sS", "--max-time", "2", "--cacert", w.certificate, "https://127.0.0.1:\(served)/health"])
        XCTAssertNotEqual(after, health, "nothing answers after the shutdown")
    }

    // MARK: - Helpers

    /// "GET /api/v1/cases" for every operation under `paths:` (two-space path keys, four-space method keys).
    static func openAPIOperations(_ yaml: String) -> [String] {
        var operations: [String] = []
        var inPaths = false
        var path: String?
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" ") { inPaths = line == "paths:"; path = nil; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), !line.hasPrefix("   "), line.hasSuffix(":") {
                path = String(line.dropFirst(2).dropLast())
            } else if let path, line.hasPrefix("    "), !line.hasPrefix("     ") {
                let key = line.trimmingCharacters(in: .whitespaces)
                let method = key.dropLast()
                if key.hasSuffix(":"), ["get", "post", "put", "delete", "patch", "head"].contains(String(method)) {
                    operations.append("\(method.uppercased()) \(path)")
                }
            }
        }
        return operations
    }

    static func bytes(hex: String) -> [UInt8]? {
        guard hex.count % 2 == 0, !hex.isEmpty else { return nil }
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
