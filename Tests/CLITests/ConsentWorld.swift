import Foundation
import XCTest

/// A vault with two organisations, a client with a case and the advocates the consent-correction and transfer tests
/// act as (issue 19).
struct ConsentWorld {
    var org: String
    var advocate: String
    var colleague: String
    var partnerOrg: String
    var partner: String
    var partnerManager: String
    var client: String
    var caseID: String

    static func make(_ sandbox: Sandbox) throws -> ConsentWorld {
        sandbox.environment["CASEVAULT_VAULT"] = sandbox.path("vault")
        try sandbox.initVault()
        let org = try sandbox.adminID(["org", "add", "Norfolk NHS Complaints Advocacy"])
        let partnerOrg = try sandbox.adminID(["org", "add", "Partner Advocacy"])
        let advocate = try sandbox.adminID(["advocate", "add", "Sam Carter", "--org", org])
        let colleague = try sandbox.adminID(["advocate", "add", "Priya Shah", "--org", org])
        let partner = try sandbox.adminID(["advocate", "add", "Alex Reid", "--org", partnerOrg])
        let partnerManager = try sandbox.adminID(["advocate", "add", "Robin Hale", "--org", partnerOrg, "--role", "manager"])
        sandbox.environment["TEST_MANAGER"] = try sandbox.adminID(["advocate", "add", "Lee Morgan", "--org", org, "--role", "manager"])
        sandbox.environment["CASEVAULT_ADVOCATE"] = advocate
        let client = try id(sandbox, ["person", "add", "--name", "Margaret Ellis", "--dob", "1946-03-14", "--nhs-number", "943 476 5919",
                                      "--address", "12 Orchard Close, Norwich"])
        let caseID = try id(sandbox, ["case", "open", "--client", client, "--org", org, "--advocate", advocate, "--nhs-body", "trust-X",
                                      "--incident-date", "2025-01-15", "--complaint-date", "2025-03-03"])
        return ConsentWorld(org: org, advocate: advocate, colleague: colleague, partnerOrg: partnerOrg, partner: partner,
                            partnerManager: partnerManager, client: client, caseID: caseID)
    }

    static func id(_ sandbox: Sandbox, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try sandbox.run(arguments + ["--json"])
        XCTAssertEqual(result.exitCode, 0, "\(arguments): \(result.stderr)", file: file, line: line)
        return try XCTUnwrap(try sandbox.json(result)["id"] as? String, file: file, line: line)
    }

    func recordConsent(_ sandbox: Sandbox, grantee: String, actions: String) throws -> String {
        let form = sandbox.path("form-\(UUID().uuidString).txt")
        try Data("I agree. Signed M. Ellis \(UUID().uuidString)\n".utf8).write(to: URL(fileURLWithPath: form))
        return try Self.id(sandbox, ["consent", "record", "--case", caseID, "--person", client, "--kind", "written_consent",
                                     "--grantee", grantee, "--actions", actions, "--form", form, "--signed-on", VaultCommandsTests.yesterday])
    }

    func ingest(_ sandbox: Sandbox, _ name: String, _ text: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: sandbox.path(name)))
        let result = try sandbox.run(["ingest", "--case", caseID, name, "--json"])
        XCTAssertEqual(result.exitCode, 0, result.stderr)
        let rows = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        return try XCTUnwrap(rows.first?["id"] as? String)
    }

    func auditActions(_ sandbox: Sandbox) throws -> [String] {
        let log = try sandbox.asManager(["audit", "log", "--json"])
        let events = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(log.stdout.utf8)) as? [[String: Any]], log.stderr)
        return events.compactMap { $0["action"] as? String }
    }

    func assertVerifies(_ sandbox: Sandbox, file: StaticString = #filePath, line: UInt = #line) throws {
        let verified = try sandbox.run(["verify", "--read-data", "--json"])
        XCTAssertEqual(try sandbox.json(verified)["ok"] as? Bool, true, verified.stdout + verified.stderr, file: file, line: line)
    }
}
