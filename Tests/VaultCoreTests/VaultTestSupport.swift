import Consent
import Foundation
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// A real vault (SQLite, files, OpenSSL) in a temporary folder, with a raw key file so tests do not pay
/// for scrypt.
final class TemporaryVault {
    let directory: URL
    let paths: VaultPaths
    var vault: Vault

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("casevault-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        paths = VaultPaths(root: directory.appendingPathComponent("vault").path, keyFile: nil)
        vault = try Vault(try VaultSetup.initialize(paths: paths, passphrase: nil, now: Date()))
        // The first administrator, as `init` makes it; the vault then acts as them until a case is opened.
        administratorID = try vault.addAdvocate(name: "Vault administrator", organisationID: nil, role: .admin)
        vault = try reopen(as: administratorID)
    }

    let administratorID: String

    /// The same vault opened by its first administrator (the first account `init` makes).
    static func administrator(of vault: Vault) throws -> Vault {
        let admin = try XCTUnwrap(try vault.store.read { try $0.advocates() }.first { $0.role == "admin" }?.id)
        return try Vault(try VaultSetup.open(paths: vault.paths) { throw KeyFileError.passphraseRequired }, actor: admin)
    }

    /// Opens the vault again from disk, acting as `actor`; warnings the consent rules give are acknowledged, as a
    /// script passing `--acknowledge` would.
    func reopen(as actor: String?) throws -> Vault {
        let vault = try Vault(try VaultSetup.open(paths: paths) { throw KeyFileError.passphraseRequired }, actor: actor)
        vault.acknowledged = RuleID.allCases
        return vault
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Opens the vault again from disk, as a new process would.
    func reopen() throws -> Vault {
        try reopen(as: vault.actor)
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent("inputs").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The advocate of the last case opened (commands run through the CLI act as them).
    private(set) var advocateID: String?
    private var managerID: String?

    /// An organisation and an advocate of it, as whom the vault then acts.
    func actAsAdvocate() throws {
        vault = try reopen(as: administratorID)
        let org = try vault.organisations().first?.id ?? vault.addOrganisation(name: "Norfolk NHS Complaints Advocacy").id
        let advocate = try vault.addAdvocate(name: "Sam Carter", organisationID: OrganisationID(org))
        advocateID = advocate
        vault = try reopen(as: advocate)
    }

    /// The vault opened by a manager of the organisation (erasure and allow-lists need one).
    func asManager() throws -> Vault {
        if managerID == nil {
            let admin = try reopen(as: administratorID)
            let org = try XCTUnwrap(try admin.organisations().first?.id)
            managerID = try admin.addAdvocate(name: "Lee Morgan", organisationID: OrganisationID(org), role: .manager)
        }
        return try reopen(as: managerID)
    }

    /// An organisation, an advocate, a client and an open case, after which the vault acts as that advocate. The
    /// client's consent to the organisation is recorded: verbal (no document) by default; `withConsent` records
    /// their signed written consent instead (its form becomes a consent_form document of the case).
    func openCase(client: String = "Margaret Ellis", withConsent: Bool = false) throws -> CaseID {
        vault = try reopen(as: administratorID)
        let org = try vault.organisations().first?.id ?? vault.addOrganisation(name: "Norfolk NHS Complaints Advocacy").id
        let advocate = try vault.addAdvocate(name: "Sam Carter", organisationID: OrganisationID(org))
        advocateID = advocate
        vault = try reopen(as: advocate)
        let person = try vault.addPerson(.init(name: client, dob: "1946-03-14"))
        let caseID = try vault.openCase(.init(clientID: person, organisationID: OrganisationID(org), advocateIDs: [AccountID(advocate)], nhsBody: "trust-X"))
        let today = vault.today()
        var input = Vault.AuthorityInput(caseID: caseID, personID: person, kind: withConsent ? .writtenConsent : .verbalConsent,
                                         granteeID: org, actions: ConsentAction.allCases, today: today)
        if withConsent {
            input.form = Vault.IngestFile(path: try file("consent-\(caseID).txt", Array("Signed consent form\n".utf8)))
            input.signedOn = today.adding(days: -1)
        } else {
            input.recordedBy = advocate
            input.recordedOn = today
        }
        _ = try vault.recordAuthority(input)
        return caseID
    }

    func ingest(_ caseID: CaseID, _ paths: [String], allowDuplicate: Bool = false) throws -> [Vault.IngestResult] {
        try vault.ingest(caseID: caseID, files: paths.map { Vault.IngestFile(path: $0) }, options: .init(allowDuplicate: allowDuplicate))
    }

    func storedID(_ result: Vault.IngestResult, file: StaticString = #filePath, line: UInt = #line) -> DocumentID {
        if case .stored(let id, _) = result.outcome { return id }
        XCTFail("not stored: \(result.outcome)", file: file, line: line)
        return ""
    }

    /// Every file under the vault folder, the temp folder and the inputs' siblings except the inputs.
    func allVaultFiles() -> [String] {
        var files: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: paths.root)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            let path = paths.root + "/" + name
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(path) }
        }
        return files
    }
}

func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
    var state = seed &* 0x9E3779B97F4A7C15 | 1
    return (0..<count).map { _ in
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}
