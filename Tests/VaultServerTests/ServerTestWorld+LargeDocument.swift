import Consent
import Foundation
import XCTest
@testable import VaultCore

extension ServerTestWorld {
    /// A document of `megabytes` MB on a case of its own (with its client's verbal consent, as the world's cases have),
    /// so tests that count a case's documents are not disturbed. For a download that must outlast what the loopback
    /// socket buffers hold: the kernel took 4.3 MB from a sender whose reader read nothing (measured on the test
    /// machine), so a 3 MB document is written whole, and the server's stream ends normally, before its client gives up.
    func ingestDocument(megabytes: Int) throws -> (id: String, bytes: Data) {
        let vault = try open(as: sam)
        let client = try vault.addPerson(.init(name: "Ruth Large", dob: "1950-01-20"))
        let caseID = try vault.openCase(.init(clientID: client, organisationID: OrganisationID(org1), advocateIDs: [AccountID(sam)], nhsBody: "trust-X"))
        var consent = Vault.AuthorityInput(caseID: caseID, personID: client, kind: .verbalConsent, granteeID: org1,
                                           actions: ConsentAction.allCases, today: vault.today())
        consent.recordedBy = sam
        consent.recordedOn = vault.today()
        _ = try vault.recordAuthority(consent)
        // The world's large document over and over, each copy numbered so no two 16 KB chunks repeat exactly.
        var bytes = Data()
        var copy = 0
        while bytes.count < megabytes << 20 {
            bytes.append(Data("Copy \(copy)\n".utf8))
            bytes.append(largeBytes)
            copy += 1
        }
        let input = directory.appendingPathComponent("large-\(megabytes).txt")
        try bytes.write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let stored = try vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: input.path)], options: .init())
        guard case .stored(let id, _) = stored.first?.outcome else { throw XCTSkip("the document was not stored") }
        try vault.writeCheckpoint()
        return (id.rawValue, bytes)
    }
}
