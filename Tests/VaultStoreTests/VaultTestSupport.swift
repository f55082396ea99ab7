import Consent
import Foundation
import XCTest
@testable import VaultCrypto
@testable import VaultStore

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
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Opens the vault again from disk, as a new process would.
    func reopen() throws -> Vault {
        try Vault(try VaultSetup.open(paths: paths) { throw KeyFileError.passphraseRequired })
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent("inputs").appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// The advocate of the last case opened (commands run through the CLI act as them).
    private(set) var advocateID: String?

    /// An organisation, an advocate, a client and an open case; `withConsent` also records the client's
    /// signed written consent to the organisation (its form becomes a consent_form document of the case).
    func openCase(client: String = "Margaret Ellis", withConsent: Bool = false) throws -> String {
        let org = try vault.organisations().first?.id ?? vault.addOrganisation(name: "Norfolk NHS Complaints Advocacy").id
        let advocate = try vault.addAdvocate(name: "Sam Carter", organisationID: org)
        advocateID = advocate
        let person = try vault.addPerson(.init(name: client, dob: "1946-03-14"))
        let caseID = try vault.openCase(.init(clientID: person, organisationID: org, advocateIDs: [advocate], nhsBody: "trust-X"))
        if withConsent {
            let today = CivilDate(dayNumber: Int(Date().timeIntervalSince1970 / 86_400))
            var input = Vault.AuthorityInput(caseID: caseID, personID: person, kind: .writtenConsent, granteeID: org,
                                             actions: ConsentAction.allCases, today: today)
            input.form = Vault.IngestFile(path: try file("consent-\(caseID).txt", Array("Signed consent form\n".utf8)))
            input.signedOn = today.adding(days: -1)
            _ = try vault.recordAuthority(input)
        }
        return caseID
    }

    func ingest(_ caseID: String, _ paths: [String], allowDuplicate: Bool = false) throws -> [Vault.IngestResult] {
        try vault.ingest(caseID: caseID, files: paths.map { Vault.IngestFile(path: $0) }, options: .init(allowDuplicate: allowDuplicate))
    }

    func storedID(_ result: Vault.IngestResult, file: StaticString = #filePath, line: UInt = #line) -> String {
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
