import Audit
import Foundation
import VaultCrypto
import VaultStorage
import XCTest

/// What every implementation of the storage protocols must do, whatever database is behind it. A store passes by
/// running `StorageConformance.run(makeStore:)` in its own XCTestCase (SQLite below; PostgreSQL later).
enum StorageConformance {
    struct Failure: Error {}

    static func run(makeStore: () throws -> any VaultRecordStore, file: StaticString = #filePath, line: UInt = #line) throws {
        try recordsRoundTrip(try makeStore(), file: file, line: line)
        try aFailedWriteChangesNothing(try makeStore(), file: file, line: line)
        try queriesFilterAndOrder(try makeStore(), file: file, line: line)
        try auditAppendsInOrder(try makeStore(), file: file, line: line)
        try deletionsReachOnlyTheirCase(try makeStore(), file: file, line: line)
        try everyRowAndTheStateIndex(try makeStore(), file: file, line: line)
        try listingsComeInBatchesInOrder(try makeStore(), file: file, line: line)
        try sealedListingRowsRoundTrip(try makeStore(), file: file, line: line)
        try anAccountsConfirmationRoundTrips(try makeStore(), file: file, line: line)
    }

    /// An account awaiting confirmation is stored as such, and confirming it (nil) is stored too.
    static func anAccountsConfirmationRoundTrips(_ store: any VaultRecordStore, file: StaticString, line: UInt) throws {
        try seed(store)
        var awaiting = AdvocateRecord(id: "adv-2", organisationID: "org-1", nameSealed: Data([4]), createdAt: "2026-01-03T00:00:00Z", role: "manager")
        awaiting.awaitingConfirmationSince = "2026-01-03T00:00:00Z"
        try store.write { tx in try tx.insert(awaiting) }
        try store.read { tx in
            XCTAssertEqual(try tx.advocate("adv-2"), awaiting, file: file, line: line)
            XCTAssertEqual(try tx.advocates().first { $0.id == "adv-2" }?.awaitingConfirmationSince, "2026-01-03T00:00:00Z", file: file, line: line)
            XCTAssertNil(try tx.advocate("adv-1")?.awaitingConfirmationSince, file: file, line: line)
        }
        awaiting.awaitingConfirmationSince = nil
        try store.write { tx in try tx.update(awaiting) }
        XCTAssertNil(try store.read { tx in try tx.advocate("adv-2") }?.awaitingConfirmationSince, file: file, line: line)
    }

    /// The readers the whole-state check uses (every row of each table) and the state ledger's index.
    static func everyRowAndTheStateIndex(_ store: any VaultRecordStore, file: StaticString, line: UInt) throws {
        try seed(store)
        try store.write { tx in
            try tx.insert(TombstoneRecord(caseID: "case-9", erasedAt: "t", erasedBy: "adv-1", reasonSealed: nil, documentCount: 2))
            try tx.save(RecordStateRecord(kind: "document", recordID: "doc-1", version: 1, hash: Data([1]), bucket: 7))
            try tx.save(RecordStateRecord(kind: "case", recordID: "case-1", version: 1, hash: Data([2]), bucket: 7))
            try tx.save(RecordStateRecord(kind: "person", recordID: "per-1", version: 1, hash: Data([3]), bucket: 9))
            // Saving again replaces (a new version, or a deletion with no hash).
            try tx.save(RecordStateRecord(kind: "person", recordID: "per-1", version: 2, hash: nil, bucket: 9))
            try tx.setStateBucket(7, digest: Data([70]))
            try tx.setStateBucket(7, digest: Data([71]))
        }
        try store.read { tx in
            XCTAssertEqual(try tx.metaEntries(), ["vault_id": "vault-1"], file: file, line: line)
            XCTAssertEqual(try tx.caseAdvocateRecords(), [CaseAdvocateRecord(caseID: "case-1", advocateID: "adv-1")], file: file, line: line)
            XCTAssertEqual(try tx.tombstones().map(\.caseID), ["case-9"], file: file, line: line)
            XCTAssertEqual(try tx.dataKeys().map(\.scope), ["case:case-1"], file: file, line: line)
            XCTAssertEqual(try tx.recordStates(bucket: 7).map(\.recordID), ["case-1", "doc-1"], "ordered by kind, then id", file: file, line: line)
            let several = try tx.recordStates(buckets: [7, 9, 200])
            XCTAssertEqual(several.keys.sorted(), [7, 9], "a bucket with no entries is absent", file: file, line: line)
            XCTAssertEqual(several[7], try tx.recordStates(bucket: 7), "each bucket as read alone, in its order", file: file, line: line)
            XCTAssertEqual(several[9], try tx.recordStates(bucket: 9), file: file, line: line)
            XCTAssertEqual(try tx.recordState(kind: "person", id: "per-1"),
                           RecordStateRecord(kind: "person", recordID: "per-1", version: 2, hash: nil, bucket: 9), file: file, line: line)
            XCTAssertEqual(try tx.recordStates().count, 3, file: file, line: line)
            XCTAssertEqual(try tx.stateBucketDigests(), [7: Data([71])], file: file, line: line)
        }
    }

    static let organisation = OrganisationRecord(id: "org-1", name: "Norfolk NHS Complaints Advocacy", createdAt: "2026-01-01T00:00:00Z")
    static let advocate = AdvocateRecord(id: "adv-1", organisationID: "org-1", nameSealed: Data([1, 2, 3]), createdAt: "2026-01-01T00:00:01Z",
                                         role: "advocate")
    static let administrator = AdvocateRecord(id: "adv-0", organisationID: nil, nameSealed: Data([9]), createdAt: "2026-01-01T00:00:00Z",
                                              role: "admin")
    static func person(_ id: String, name: UInt8, nhs: UInt8?) -> PersonRecord {
        PersonRecord(id: id, createdAt: "2026-01-0\(name)T00:00:00Z", nameSealed: Data([name]), nameIndex: Data([name, name]),
                     nhsNumberIndex: nhs.map { Data([$0]) }, addedBy: "adv-1")
    }
    static func caseRecord(_ id: String, client: String) -> CaseRecord {
        CaseRecord(id: id, clientID: client, organisationID: "org-1", nhsBody: "trust-X", status: "open", openedAt: "2026-01-02T00:00:00Z")
    }
    static func document(_ id: String, caseID: String, mac: UInt8) -> DocumentRecord {
        DocumentRecord(id: id, caseID: caseID, kind: "letter", mediaType: "text/plain", size: 10, documentDate: "2025-03-02",
                       documentDateSource: "letterhead", ingestedAt: "2026-01-03T00:00:00Z", ingestedBy: "adv-1", caseKeyVersion: 1,
                       wrappedKey: Data([4]), originalNameSealed: Data([5]), ciphertextSize: 100, ciphertextSHA256: Data(repeating: 6, count: 32),
                       contentMAC: Data([mac]), dateSourceSealed: Data([7]), kindSealed: Data([8]))
    }

    /// The directory and a case with one document.
    static func seed(_ store: any VaultRecordStore) throws {
        try store.write { tx in
            try tx.insert(organisation)
            try tx.insert(administrator)
            try tx.insert(advocate)
            try tx.insert(person("per-1", name: 1, nhs: 7))
            try tx.insert(person("per-2", name: 2, nhs: nil))
            try tx.insert(caseRecord("case-1", client: "per-1"))
            try tx.insert(CaseAdvocateRecord(caseID: "case-1", advocateID: "adv-1"))
            try tx.insert(DataKeyRecord(scope: "case:case-1", version: 1, createdAt: "2026-01-02T00:00:00Z"))
            try tx.insert(KeyWrapperRecord(scope: "case:case-1", version: 1, wrapperKind: "master", wrapperID: "1", sealed: Data([8]),
                                           createdAt: "2026-01-02T00:00:00Z"))
            try tx.insert(document("doc-1", caseID: "case-1", mac: 11))
            try tx.save(ConsentRecord(id: "auth-1", recordType: "authority", caseID: "case-1", personID: "per-1", createdAt: "t", updatedAt: "t",
                                      sealed: Data([12])))
            try tx.setMeta("vault_id", "vault-1")
        }
    }

    static func recordsRoundTrip(_ store: any VaultRecordStore, file: StaticString, line: UInt) throws {
        try seed(store)
        try store.read { tx in
            XCTAssertEqual(try tx.meta("vault_id"), "vault-1", file: file, line: line)
            XCTAssertEqual(try tx.organisation("org-1"), organisation, file: file, line: line)
            XCTAssertEqual(try tx.advocate("adv-1"), advocate, file: file, line: line)
            XCTAssertEqual(try tx.advocate("adv-0")?.organisationID, nil, "an administrator belongs to no organisation", file: file, line: line)
            XCTAssertEqual(try tx.person("per-1"), person("per-1", name: 1, nhs: 7), file: file, line: line)
            XCTAssertEqual(try tx.caseRecord("case-1"), caseRecord("case-1", client: "per-1"), file: file, line: line)
            XCTAssertEqual(try tx.caseAdvocates("case-1"), ["adv-1"], file: file, line: line)
            XCTAssertEqual(try tx.dataKeyVersions(scope: "case:case-1"), [1], file: file, line: line)
            XCTAssertEqual(try tx.wrappers(scope: "case:case-1", version: 1).map(\.sealed), [Data([8])], file: file, line: line)
            XCTAssertEqual(try tx.wrapper(scope: "case:case-1", version: 1, kind: "master", id: "1")?.sealed, Data([8]), file: file, line: line)
            for (kind, id, version) in [("master", "2", 1), ("identity", "1", 1), ("master", "1", 2)] {
                XCTAssertNil(try tx.wrapper(scope: "case:case-1", version: version, kind: kind, id: id), "\(kind) \(id) v\(version)", file: file, line: line)
            }
            XCTAssertEqual(try tx.document("doc-1"), document("doc-1", caseID: "case-1", mac: 11), file: file, line: line)
            // Listings read rows their own (faster) way: every column, the sealed ones too, must come back the same.
            XCTAssertEqual(try tx.documents(caseID: "case-1").first, document("doc-1", caseID: "case-1", mac: 11), file: file, line: line)
            XCTAssertEqual(try tx.consentRecord("auth-1")?.sealed, Data([12]), file: file, line: line)
            XCTAssertNil(try tx.person("per-9"), file: file, line: line)
        }
        // Updates replace, `save` inserts or replaces.
        try store.write { tx in
            var updated = caseRecord("case-1", client: "per-1")
            updated.status = "closed"
            updated.reference = "NCA-2026-0001"
            updated.theirReferenceSealed = Data([14])
            try tx.update(updated)
            var organisation = organisation
            organisation.casePrefix = "NCA"
            try tx.update(organisation)
            try tx.save(ConsentRecord(id: "auth-1", recordType: "authority", caseID: "case-1", personID: "per-1", createdAt: "t", updatedAt: "u",
                                      sealed: Data([13])))
        }
        try store.read { tx in
            XCTAssertEqual(try tx.caseRecord("case-1")?.status, "closed", file: file, line: line)
            XCTAssertEqual(try tx.caseRecord("case-1")?.reference, "NCA-2026-0001", file: file, line: line)
            XCTAssertEqual(try tx.caseRecord("case-1")?.theirReferenceSealed, Data([14]), file: file, line: line)
            XCTAssertEqual(try tx.organisation("org-1")?.casePrefix, "NCA", file: file, line: line)
            XCTAssertEqual(try tx.consentRecord("auth-1")?.sealed, Data([13]), file: file, line: line)
        }
        XCTAssertEqual(try store.integrityProblems(), [], file: file, line: line)
        // A case reference is unique in the vault.
        XCTAssertThrowsError(try store.write { tx in
            try tx.insert(CaseRecord(id: "case-7", clientID: "per-1", organisationID: "org-1", status: "open", openedAt: "t", reference: "NCA-2026-0001"))
        }, file: file, line: line)
    }

    static func aFailedWriteChangesNothing(_ store: any VaultRecordStore, file: StaticString, line: UInt) throws {
        try seed(store)
        XCTAssertThrowsError(try store.write { tx in
            try tx.insert(person("per-3", name: 3, nhs: nil))
            try tx.insert(document("doc-2", caseID: "case-1", mac: 12))
            throw Failure()
        }, file: file, line: line)
        XCTAssertThrowsError(try store.write { tx in try tx.insert(organisation) }, "a duplicate id is refused", file: file, line: line)
        try store.read { tx in
            XCTAssertNil(try tx.person("per-3"), file: file, line: line)
            XCTAssertNil(try tx.document("doc-2"), file: file, line: line)
            XCTAssertEqual(try tx.organisations().count, 1, file: file, line: line)
        }
    }

    static func queriesFilterAndOrder(_ store: any VaultRecordStore, file: StaticString, line: UInt) throws {
        try seed(store)
        try store.write { tx in
            try tx.insert(caseRecord("case-2", client: "per-2"))
            try tx.insert(document("doc-3", caseID: "case-2", mac: 21))
            try tx.insert(document("doc-2", caseID: "case-1", mac: 12))
        }
        try store.read { tx in
            XCTAssertEqual(try tx.people().map(\.id), ["per-1", "per-2"], "oldest first", file: file, line: line)
            XCTAssertEqual(try tx.people(nhsNumberIndex: Data([7])).map(\.id), ["per-1"], file: file, line: line)
            XCTAssertEqual(try tx.people(nameIndex: Data([2, 2])).map(\.id), ["per-2"], file: file, line: line)
            // The narrow rows person find reads, and the people it found read back whole, agree with the full rows.
            let everyone = try tx.people()
            // In no particular order (VaultRecordStore): compared by id.
            XCTAssertEqual(try tx.personSearchRows().sorted { $0.id < $1.id }, everyone.map {
                PersonSearchRow(id: $0.id, addedBy: $0.addedBy, erased: $0.erasedAt != nil, nameSealed: $0.nameSealed, dobSealed: $0.dobSealed,
                                nhsNumberIndex: $0.nhsNumberIndex)
            }.sorted { $0.id < $1.id }, file: file, line: line)
            XCTAssertEqual(try tx.people(ids: ["per-2", "per-9"]), everyone.filter { $0.id == "per-2" }, file: file, line: line)
            XCTAssertEqual(try tx.people(ids: []), [], file: file, line: line)
            XCTAssertEqual(try tx.documents(caseID: "case-1").map(\.id), ["doc-1", "doc-2"], "ingested first, first", file: file, line: line)
            XCTAssertEqual(try tx.documents(caseID: "case-1"), try tx.documents(caseID: nil).filter { $0.caseID == "case-1" }, file: file, line: line)
            XCTAssertEqual(Set(try tx.documents(caseID: "case-1").map(\.id)), ["doc-1", "doc-2"], file: file, line: line)
            XCTAssertEqual(try tx.documents(caseID: nil).count, 3, file: file, line: line)
            XCTAssertEqual(try tx.documentCount(caseID: "case-2"), 1, file: file, line: line)
            XCTAssertEqual(try tx.contentMACs(caseID: "case-1"), [Data([11]): "doc-1", Data([12]): "doc-2"], file: file, line: line)
            XCTAssertEqual(try tx.consentRecords(type: "authority", caseID: "case-1", personID: nil).map(\.id), ["auth-1"], file: file, line: line)
            XCTAssertEqual(try tx.consentRecords(type: "capacity", caseID: nil, personID: nil).count, 0, file: file, line: line)
        }
        // One sealed record deleted by id (a record moved under another id); an unknown id deletes nothing.
        try store.write { tx in
            try tx.deleteConsentRecord("auth-1")
            try tx.deleteConsentRecord("auth-none")
        }
        try store.read { tx in XCTAssertNil(try tx.consentRecord("auth-1"), file: file, line: line) }
    }

    static func auditAppendsInOrder(_ store: any VaultRecordStore, file: StaticString, line: UInt) throws {
        let auditKey = try SecureBytes.random(count: 32)
        let chain = try AuditChain(auditKey: auditKey, vaultID: "vault-1")
        // Events 4 and 5 are signed (a vault that got identities): the signature is stored and read back as written.
        let signing = try Ed25519.PrivateKey.generate()
        let signed = try AuditChain(auditKey: auditKey, vaultID: "vault-1", signer: AuditSigner(accountID: "adv-1", key: signing))
        var previous: ChainedEvent?
        var appended: [ChainedEvent] = []
        for index in 0..<5 {
            let event = AuditEvent(time: "2026-01-01T00:00:0\(index)Z", actor: "adv-1", action: "document.read", caseID: index.isMultiple(of: 2) ? "case-1" : nil)
            let entry = try (index < 3 ? chain : signed).append(event, after: previous)
            try store.write { tx in
                XCTAssertEqual(try tx.lastAuditEntry(), previous, "the head is the last appended", file: file, line: line)
                try tx.append(entry)
            }
            previous = entry
            appended.append(entry)
        }
        try store.read { tx in
            let all = try tx.auditEntries(caseID: nil, since: nil, actor: nil)
            XCTAssertEqual(all.map(\.event.sequence), [1, 2, 3, 4, 5], file: file, line: line)
            XCTAssertEqual(all, appended, "every field, the signature included, reads back as appended", file: file, line: line)
            XCTAssertEqual(all.map { $0.signature?.count }, [nil, nil, nil, 64, 64], file: file, line: line)
            XCTAssertTrue(signed.hasValidSignature(all[4], by: signing.publicKey), file: file, line: line)
            XCTAssertEqual(try tx.auditEntry(sequence: 4), appended[3], file: file, line: line)
            XCTAssertEqual(try tx.auditEntries(caseID: "case-1", since: nil, actor: nil).map(\.event.sequence), [1, 3, 5], file: file, line: line)
            // The index a page of the log chooses from, and one page read whole.
            XCTAssertEqual(try tx.auditIndex(caseID: nil, since: nil, actor: nil),
                           all.map { AuditIndexEntry(sequence: $0.event.sequence, caseID: $0.event.caseID) }, file: file, line: line)
            XCTAssertEqual(try tx.auditIndex(caseID: "case-1", since: nil, actor: nil).map(\.sequence), [1, 3, 5], file: file, line: line)
            XCTAssertEqual(try tx.auditEntries(from: 2, through: 4), Array(appended[1...3]), file: file, line: line)
            XCTAssertEqual(all.last?.entryMAC, previous?.entryMAC, file: file, line: line)
        }
        // Two appends at the same place: the second is refused (a chain never forks).
        XCTAssertThrowsError(try store.write { tx in try tx.append(previous!) }, file: file, line: line)

        // Several events in one transaction (an ingest's batch): each chains after the one appended before it, which
        // the store knows without reading it back; a transaction that fails after appending leaves the head as it was.
        func event(_ index: Int) -> AuditEvent { AuditEvent(time: "2026-01-01T00:00:1\(index)Z", actor: "adv-1", action: "document.ingest") }
        let head = try store.write { tx -> ChainedEvent? in
            for index in 0..<3 {
                let entry = try tx.appendChained(event(index), using: chain)
                XCTAssertEqual(try tx.lastAuditEntry(), entry, "the head is the event just appended", file: file, line: line)
            }
            return try tx.lastAuditEntry()
        }
        XCTAssertThrowsError(try store.write { tx in
            _ = try tx.appendChained(event(3), using: chain)
            throw Failure()
        }, file: file, line: line)
        try store.write { tx in
            XCTAssertEqual(try tx.lastAuditEntry(), head, "an event rolled back is not the head", file: file, line: line)
        }
        let all = try store.read { tx in try tx.auditEntries(caseID: nil, since: nil, actor: nil) }
        XCTAssertEqual(all.map(\.event.sequence), Array(1...8), file: file, line: line)
        XCTAssertEqual(all.last, head, file: file, line: line)
        for (before, after) in zip(all, all.dropFirst()) {
            XCTAssertEqual(after.previousMAC, before.entryMAC, "entry \(after.event.sequence) chains after the one before", file: file, line: line)
        }
    }

    static func deletionsReachOnlyTheirCase(_ store: any VaultRecordStore, file: StaticString, line: UInt) throws {
        try seed(store)
        try store.write { tx in
            try tx.insert(caseRecord("case-2", client: "per-2"))
            try tx.insert(document("doc-3", caseID: "case-2", mac: 21))
            try tx.insert(document("doc-4", caseID: "case-2", mac: 22))
            try tx.save(ConsentRecord(id: "auth-2", recordType: "authority", caseID: "case-2", personID: "per-2", createdAt: "t", updatedAt: "t",
                                      sealed: Data([1])))
        }
        try store.write { tx in
            try tx.insert(CaseAdvocateRecord(caseID: "case-2", advocateID: "adv-1"))
            try tx.insert(CaseAdvocateRecord(caseID: "case-2", advocateID: "adv-0"))
            try tx.deleteCaseAdvocate(caseID: "case-2", advocateID: "adv-0")
            try tx.deleteDocuments(caseID: "case-1")
            try tx.deleteDocument("doc-4")
            try tx.deleteDocument("doc-none")
            try tx.deleteCaseAdvocates(caseID: "case-1")
            try tx.deleteConsentRecords(caseID: "case-1")
            try tx.deleteDataKey(scope: "case:case-1", version: 1)
            try tx.insert(TombstoneRecord(caseID: "case-1", erasedAt: "t", erasedBy: "adv-1", reasonSealed: nil, documentCount: 1))
        }
        try store.read { tx in
            XCTAssertEqual(try tx.documents(caseID: "case-1").count, 0, file: file, line: line)
            XCTAssertEqual(try tx.caseAdvocates("case-1"), [], file: file, line: line)
            XCTAssertNil(try tx.consentRecord("auth-1"), file: file, line: line)
            XCTAssertEqual(try tx.dataKeyVersions(scope: "case:case-1"), [], file: file, line: line)
            XCTAssertEqual(try tx.wrappers(scope: "case:case-1", version: 1).count, 0, "a data key's wrappers go with it", file: file, line: line)
            XCTAssertEqual(try tx.tombstone("case-1")?.documentCount, 1, file: file, line: line)
            XCTAssertEqual(try tx.documents(caseID: "case-2").map(\.id), ["doc-3"], "one document deleted by id, the other kept", file: file, line: line)
            XCTAssertNil(try tx.document("doc-4"), file: file, line: line)
            XCTAssertEqual(try tx.caseAdvocates("case-2"), ["adv-1"], "one assignment removed, the other kept", file: file, line: line)
            XCTAssertNotNil(try tx.consentRecord("auth-2"), file: file, line: line)
        }
    }
}
