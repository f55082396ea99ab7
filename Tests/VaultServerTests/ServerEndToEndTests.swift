import Foundation
import XCTest
@testable import VaultCore

/// Issue 21's done-when: the CLI's end-to-end sequence — consent record (with its signed form), ingest, list, cat,
/// consent list, export and bundle verify, verify, case list with filters, consent withdraw and the refusal after it —
/// run by the real `casevault` binary twice on one PostgreSQL vault: opened on this computer (`--vault`) for one case,
/// and through a live server over HTTPS (`--server`) for its twin. The outputs must be the same once each case's own
/// ids, client name and file names are written as placeholders; reads of one case must be the same byte for byte
/// both ways.
final class ServerEndToEndTests: XCTestCase {
    static let shared = SharedServerWorld()

    override class func tearDown() {
        shared.stop()
        super.tearDown()
    }

    enum Mode: String { case local, server }

    /// One run of the sequence: the case it works on and how it reaches the vault.
    struct Twin {
        let mode: Mode
        let caseID: String
        let client: String
        let clientName: String
    }

    /// One step's result, with the twin's own values replaced by placeholders.
    struct Step: Equatable, CustomStringConvertible {
        let name: String
        let code: Int32
        let out: String
        let err: String
        var description: String { "\(name): exit \(code)\n--- stdout\n\(out)--- stderr\n\(err)" }
    }

    func url(_ w: ServerTestWorld) -> String { "https://127.0.0.1:\(w.port)" }

    /// `casevault ARGS` on the desk, on the vault itself or through the server.
    func run(_ w: ServerTestWorld, _ desk: ServerCLITests.Desk, _ mode: Mode, _ arguments: [String]) async throws -> ServerCLITests.Run {
        try await Self.cli(desk, arguments + (mode == .local ? ["--vault", w.root] : ["--server", url(w)]))
    }

    /// Ids (16 hex digits after their prefix), the client's name and this twin's file names, as placeholders.
    func normal(_ text: String, _ twin: Twin, desk: ServerCLITests.Desk) -> String {
        var text = text.replacingOccurrences(of: desk.home.path + "/", with: "")
            .replacingOccurrences(of: "bundle-\(twin.mode.rawValue)", with: "BUNDLE")
            .replacingOccurrences(of: twin.clientName, with: "CLIENT")
        text = text.replacingOccurrences(of: #"\b(doc|auth|bun|case|per)-[0-9a-f]{16}\b"#, with: "$1-ID", options: .regularExpression)
            .replacingOccurrences(of: #"\bNCA-\d{4}-\d{4}\b"#, with: "REF", options: .regularExpression)
            .replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "TIME", options: .regularExpression)
            .replacingOccurrences(of: #"\b[0-9a-f]{64}\b"#, with: "SHA256", options: .regularExpression)
        // `ingested_by` is compared too: the local `ingest` records the identity's account as the server's upload does.
        return text
    }

    func step(_ name: String, _ run: ServerCLITests.Run, _ twin: Twin, _ desk: ServerCLITests.Desk, keepErr: Bool = true) -> Step {
        Step(name: name, code: run.code, out: normal(run.out, twin, desk: desk), err: keepErr ? normal(run.err, twin, desk: desk) : "")
    }

    /// The sequence on one twin; each step's result, for comparing with the other twin's.
    func sequence(_ w: ServerTestWorld, _ desk: ServerCLITests.Desk, _ other: ServerCLITests.Desk, _ twin: Twin) async throws -> [Step] {
        let (mode, caseID) = (twin.mode, twin.caseID)
        var steps: [Step] = []
        let signed = try w.open(as: w.sam).today().adding(days: -2).description
        let record = try await run(w, desk, mode, ["consent", "record", "--case", caseID, "--person", twin.clientName, "--kind", "written_consent",
                                                   "--grantee", w.org1, "--actions", "view_documents,ingest_document,export_bundle,share_with_third_party",
                                                   "--form", desk.path("consent form.txt"), "--signed-on", signed])
        XCTAssertEqual(record.code, 0, "\(mode): \(record.err)")
        steps.append(step("consent record", record, twin, desk))
        let consentID = record.out.trimmingCharacters(in: .whitespacesAndNewlines)

        // Someone of another organisation: refused by the core (the case is not theirs), worded the same both ways.
        let refused = try await run(w, other, mode, ["consent", "record", "--case", caseID, "--person", twin.client, "--kind", "verbal_consent",
                                                     "--grantee", w.org2, "--recorded-by", "Alex Reid", "--recorded-on", signed])
        XCTAssertNotEqual(refused.code, 0, "\(mode): \(refused.err)")
        steps.append(step("consent record refused", refused, twin, other))

        // Dated apart, so the bundle's order (by date) is the same both times.
        let ingest = try await run(w, desk, mode, ["ingest", "--case", caseID, desk.path("letter to trust.txt"), "--kind", "letter", "--date", "2026-11-02"])
        XCTAssertEqual(ingest.code, 0, "\(mode): \(ingest.err)")
        steps.append(step("ingest", ingest, twin, desk))
        let letter = try XCTUnwrap(ingest.out.split(separator: " ").first.map(String.init), ingest.out)
        let reply = try await run(w, desk, mode, ["ingest", "--case", caseID, desk.path("trust reply.txt"), "--kind", "letter", "--date", "2026-11-20"])
        XCTAssertEqual(reply.code, 0, "\(mode): \(reply.err)")
        steps.append(step("ingest reply", reply, twin, desk))

        steps.append(step("list", try await run(w, desk, mode, ["list", "--case", caseID]), twin, desk))
        steps.append(step("list --json", try await run(w, desk, mode, ["list", "--case", caseID, "--json"]), twin, desk))
        let copy = desk.path("copy-\(mode.rawValue).txt")
        let cat = try await run(w, desk, mode, ["cat", letter, "-o", copy])
        XCTAssertEqual(cat.code, 0, "\(mode): \(cat.err)")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: copy)), try Data(contentsOf: URL(fileURLWithPath: desk.path("letter to trust.txt"))),
                       "\(mode): cat gives back the bytes ingested")
        steps.append(step("consent list --json", try await run(w, desk, mode, ["consent", "list", "--case", caseID, "--json"]), twin, desk))

        let bundle = desk.path("bundle-\(mode.rawValue).pdf")
        let export = try await run(w, desk, mode, ["export", "--case", caseID, "--meeting", "Local resolution meeting, 3 December 2026",
                                                   "--for", "trust-X", "--policy", "trust-meeting", "-o", bundle])
        XCTAssertEqual(export.code, 0, "\(mode): \(export.err)")
        // Stderr holds the local command's notes on the documents left out (the server sends only what it left out
        // while making the bundle), so only the table and the files written are compared.
        steps.append(step("export", export, twin, desk, keepErr: false))
        let verified = try await run(w, desk, mode, ["bundle", "verify", bundle])
        XCTAssertEqual(verified.code, 0, "\(mode): \(verified.err)")
        // Made at another moment, so its creation time and PDF differ: the rest is compared.
        let stable = verified.out.split(separator: "\n").filter { !$0.contains("created") && !$0.contains("pdf sha256") }.joined(separator: "\n")
        steps.append(Step(name: "bundle verify", code: verified.code, out: normal(stable, twin, desk: desk), err: normal(verified.err, twin, desk: desk)))

        let check = try await run(w, desk, mode, ["verify"])
        XCTAssertEqual(check.code, 0, "\(mode): \(check.out) \(check.err)")
        XCTAssertTrue(check.out.contains(": no problems"), "\(mode): \(check.out)")
        let checkJSON = try await run(w, desk, mode, ["verify", "--json"])
        let keys = (try JSONSerialization.jsonObject(with: checkJSON.outBytes) as? [String: Any]).map { $0.keys.sorted() } ?? []
        steps.append(Step(name: "verify --json keys", code: checkJSON.code, out: keys.joined(separator: ","), err: ""))

        steps.append(step("case list --client", try await run(w, desk, mode, ["case", "list", "--client", twin.clientName]), twin, desk))
        steps.append(step("case list --advocate --status", try await run(w, desk, mode, ["case", "list", "--client", twin.clientName, "--advocate", "Sam Carter",
                                                                                          "--status", "open", "--body", "trust-X", "--json"]), twin, desk))

        let withdraw = try await run(w, desk, mode, ["consent", "withdraw", consentID, "--received-by", "letter", "--yes"])
        XCTAssertEqual(withdraw.code, 0, "\(mode): \(withdraw.err)")
        steps.append(step("consent withdraw", withdraw, twin, desk))
        let after = try await run(w, desk, mode, ["export", "--case", caseID, "--meeting", "Another meeting", "--for", "trust-X", "-o", desk.path("after-\(mode.rawValue).pdf")])
        XCTAssertEqual(after.code, 3, "\(mode): once consent is withdrawn no bundle is made: \(after.err)")
        // Every line compared, the last hint too: over the server the 403's decision names the case and the action.
        XCTAssertTrue(after.err.contains("consent check --case "), "\(mode): \(after.err)")
        steps.append(step("export after withdrawal", after, twin, desk))
        XCTAssertFalse(FileManager.default.fileExists(atPath: desk.path("after-\(mode.rawValue).pdf")), "\(mode): nothing written")
        return steps
    }

    func testTheCLISequenceGivesTheSameResultsOnTheVaultAndThroughTheServer() async throws {
        let w = try await world()
        let desk = try ServerCLITests.Desk(w, as: w.sam)
        let alex = try ServerCLITests.Desk(w, as: w.alex)
        for (person, home) in [(w.sam, desk), (w.alex, alex)] {
            let login = try await Self.cli(home, ["login", "--server", url(w), "--ca-file", w.certificate])
            XCTAssertEqual(login.code, 0, "\(person): \(login.err)")
        }
        try Data("Signed: the client consents to the advocacy service acting for them.\n".utf8).write(to: URL(fileURLWithPath: desk.path("consent form.txt")))
        try Data("Dear Sir or Madam, I write about my mother's care on ward 7 in March.\n".utf8).write(to: URL(fileURLWithPath: desk.path("letter to trust.txt")))
        try Data("Dear Madam, the trust has reviewed the care on ward 7 and apologises.\n".utf8).write(to: URL(fileURLWithPath: desk.path("trust reply.txt")))

        // Two clients whose names are the same length, so the tables line up the same.
        var twins: [Twin] = []
        for (mode, name) in [(Mode.local, "Rose Hill"), (Mode.server, "Iris Vale")] {
            let sam = try w.open(as: w.sam)
            let client = try sam.addPerson(.init(name: name, dob: "1950-01-20"))
            let caseID = try sam.openCase(.init(clientID: client, organisationID: OrganisationID(w.org1), advocateIDs: [AccountID(w.sam)], nhsBody: "trust-X"))
            try sam.writeCheckpoint()
            twins.append(Twin(mode: mode, caseID: caseID.rawValue, client: client.rawValue, clientName: name))
        }
        let local = try await sequence(w, desk, alex, twins[0])
        let remote = try await sequence(w, desk, alex, twins[1])
        XCTAssertEqual(local.count, remote.count)
        for (a, b) in zip(local, remote) {
            XCTAssertEqual(a, b, "\(a.name) differs between the vault opened here and the server")
        }

        // The records the server wrote read the same byte for byte on the vault itself, and the reverse.
        for twin in twins {
            for arguments in [["consent", "list", "--case", twin.caseID, "--json"], ["case", "list", "--client", twin.clientName]] {
                let here = try await run(w, desk, .local, arguments)
                let there = try await run(w, desk, .server, arguments)
                XCTAssertEqual(here.code, there.code)
                XCTAssertEqual(here.out, there.out, "\(arguments.joined(separator: " ")) of the \(twin.mode) twin's case")
            }
        }
        // Each bundle checks out against the vault's key both ways; a changed copy is refused both ways (exit 5).
        for made in ["bundle-local.pdf", "bundle-server.pdf"] {
            for mode in [Mode.local, .server] {
                let checked = try await run(w, desk, mode, ["bundle", "verify", desk.path(made)])
                XCTAssertEqual(checked.code, 0, "\(made) checked \(mode): \(checked.err)")
            }
            var bytes = try Data(contentsOf: URL(fileURLWithPath: desk.path(made)))
            bytes[bytes.count / 2] ^= 0x01
            let changed = desk.path("changed-" + made)
            try bytes.write(to: URL(fileURLWithPath: changed))
            try FileManager.default.copyItem(atPath: desk.path(made) + ".manifest.json", toPath: changed + ".manifest.json")
            for mode in [Mode.local, .server] {
                let checked = try await run(w, desk, mode, ["bundle", "verify", changed])
                XCTAssertEqual(checked.code, 5, "\(made) changed, checked \(mode): \(checked.err)")
                XCTAssertTrue(checked.err.contains("is NOT a genuine bundle"), checked.err)
            }
        }
    }

    func world() async throws -> ServerTestWorld { try await Self.shared.get() }

    /// Runs casevault off Swift's cooperative threads (the in-process server needs them), in the desk's home folder.
    static func cli(_ desk: ServerCLITests.Desk, _ arguments: [String]) async throws -> ServerCLITests.Run {
        try await ServerCLITests.runCLI(desk, arguments)
    }
}
