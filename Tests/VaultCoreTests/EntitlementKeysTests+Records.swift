import Consent
import Foundation
import GRDB
import VaultModel
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Issue 17, "keys follow entitlement", for the records the consent rules read: a case's facts and people list, its
/// authorities, and its client's person records (capacity, status, the history of changed fields). An advocate of
/// another organisation opens none of them from vault.db with their own identity, only the case's parties record
/// (ids, transfers, whom its consents cover); the case's own people, its manager and the organisation's recovery key
/// read them; a transfer moves them to the receiving organisation; an earlier release's rows still open and move.
extension EntitlementKeysTests {
    static let recordTypes: Set<String> = ["authority", "case_facts", "case_people", "case_parties", "case_note", "person_record"]

    /// `world()`, plus the case's complaint dates (its facts record), a capacity assessment and an objection of the client.
    func recordsWorld() throws -> (World, son: String, client: String) {
        let (w, son, _) = try world()
        let sam = try w.open(as: w.sam)
        let client = try sam.caseDetail(w.caseID).client
        var events = Vault.CaseEventsInput()
        events.complaintDate = CivilDate(iso: "2026-01-10")
        _ = try sam.recordCaseEvents(caseID: w.caseID, events)
        _ = try sam.recordCapacity(personID: client, assessment: CapacityAssessment(decision: "conduct NHS complaint", date: sam.today(),
                                                                                    result: .hasCapacity, assessor: "Dr Okafor"), caseID: w.caseID)
        _ = try sam.updatePersonStatus(client) { $0.objectsTo = ["daughter"] }
        return (w, son, client.rawValue)
    }

    /// Tries every key `account` unwraps on every sealed record of the case and of its people, with every binding the
    /// formats could use. Returns the record types that opened and the 4-byte tags each type was stored with.
    /// `types`: the record types the case and its people are expected to have.
    func recordsOpened(by account: String, in w: World, people: [String], types: Set<String> = recordTypes) throws
        -> (opened: Set<String>, tags: [String: Set<String>]) {
        let keys = try keysOpened(by: account, in: w).map(\.key)
        let rows = try DatabaseQueue(path: w.root + "/vault.db").read { db in
            try Row.fetchAll(db, sql: "SELECT id, record_type, case_id, person_id, sealed FROM consent_records WHERE case_id = ? OR person_id IN (?, ?)",
                             arguments: [w.caseID.rawValue, people[0], people[1]])
        }
        let scopes = [KeyHierarchy.organisationScope(w.org1), KeyHierarchy.organisationScope(w.org2), KeyHierarchy.caseScope(w.caseID.rawValue)]
        var opened = Set<String>()
        var tags: [String: Set<String>] = [:]
        for row in rows {
            let type: String = row["record_type"]
            let sealed: Data = row["sealed"]
            tags[type, default: []].insert(String(decoding: sealed.prefix(4), as: UTF8.self))
            let base = Array("\(type)|\(row["case_id"] as String? ?? "")|\(row["person_id"] as String? ?? "")".utf8)
            var bindings = [base]
            for ledger in 1...8 {
                let withLedger = base + [0] + Array("ledger-version/v2\u{0}\(ledger)".utf8)
                bindings.append(withLedger)
                bindings += (1...3).map { withLedger + [0] + Array("case-key-version/v3\u{0}\($0)".utf8) }
                for scope in scopes { bindings += (1...3).map { withLedger + [0] + Array("person-key/v4\u{0}\(scope)\u{0}\($0)".utf8) } }
            }
            // A person-keyed row carries a people's field header after its tag: its box starts after it.
            let header = PersonSealing.parse(Data("cvp1".utf8) + sealed.dropFirst(4))?.boxOffset
            if try opens(sealed, keys: keys, table: "consent_records", column: type, rowID: row["id"], offsets: [0, 4, 8, header ?? 0],
                         bindings: bindings) {
                opened.insert(type)
            }
        }
        // The case's sealed listing (Vault+DocumentListing) is there unless a transfer by someone without the new key
        // dropped it; when there, it is under the case key like its notes.
        XCTAssertEqual(Set(tags.keys).subtracting(["document_listing"]), types)
        XCTAssertEqual(tags["document_listing"] ?? ["cvr3"], ["cvr3"])
        return (opened, tags)
    }

    /// What the case's own people, its manager and (through a re-issued identity) the recovery key read.
    func assertReadsTheRecords(_ vault: Vault, client: String, caseID: String, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try vault.authorities(caseID: CaseID(caseID)).count, 1, file: file, line: line)
        XCTAssertEqual(try vault.capacityAssessments(personID: PersonID(client)).map(\.assessment.assessor), ["Dr Okafor"], file: file, line: line)
        XCTAssertEqual(try vault.personStatus(PersonID(client)).objectsTo, ["daughter"], file: file, line: line)
        XCTAssertEqual(try vault.personHistory(PersonID(client)).map(\.field), [.address], file: file, line: line)
        XCTAssertEqual(try vault.casePeople(caseID: CaseID(caseID)).map(\.role), [.relative], file: file, line: line)
        XCTAssertEqual(try vault.caseFacts(CaseID(caseID)).events.complaintDate, CivilDate(iso: "2026-01-10"), file: file, line: line)
    }

    func testAnotherOrganisationsAdvocateOpensNoAuthorityFactPeopleListOrPersonRecordFromTheDatabase() throws {
        let (w, son, client) = try recordsWorld()
        let (opened, tags) = try recordsOpened(by: w.alex, in: w, people: [client, son])
        XCTAssertEqual(opened, Self.underMetadataKeyByDesign, "only the parties record opens for another organisation")
        // Authorities and person records under the client's key (format 4), the facts and people list under the case key.
        XCTAssertEqual(tags["authority"], ["cvr4"])
        XCTAssertEqual(tags["person_record"], ["cvr4"])
        XCTAssertEqual(tags["case_facts"], ["cvr3"])
        XCTAssertEqual(tags["case_people"], ["cvr3"])

        // What the parties record holds: ids, transfers and whom the consent covers, nothing about the person.
        let alex = try w.open(as: w.alex)
        let parties = try alex.store.read { try alex.caseParties(w.caseID.rawValue, in: $0) }
        XCTAssertEqual(parties.people, [son])
        XCTAssertEqual(parties.transfers, [])
        XCTAssertEqual(parties.coverage.map(\.party), [Party(type: .organisation, id: w.org1)])
        // Through the core: the rules get none of it for him, and the readers refuse.
        let facts = try alex.consentFacts(caseID: w.caseID.rawValue)
        XCTAssertEqual(facts.authorities, [])
        XCTAssertEqual(facts.person.capacityAssessments, [])
        XCTAssertEqual(facts.person.objectsTo, [])
        XCTAssertNil(facts.case?.events.complaintDate)
        let consent = try XCTUnwrap(parties.coverage.first?.id)
        XCTAssertThrowsError(try alex.authority(RecordID(consent)))
        XCTAssertThrowsError(try alex.capacityAssessments(personID: PersonID(client)))
        XCTAssertThrowsError(try alex.personHistory(PersonID(client)))
        XCTAssertThrowsError(try alex.casePeople(caseID: w.caseID))
        // He is still told which organisation the consent covers, and what would help (R-CON-8), not the person's circumstances.
        let explained = try alex.explainConsent(caseID: w.caseID, action: .viewDocuments)
        XCTAssertEqual(explained.decision.outcome, .deny)
        XCTAssertEqual(explained.decision.ruleIDs, [.con8])
        XCTAssertTrue(explained.decision.explanation.joined().contains(consent), "\(explained.decision.explanation)")

        // The assigned advocate and the organisation's manager read them all; verify is clean for both sides.
        try assertReadsTheRecords(try w.open(as: w.sam), client: client, caseID: w.caseID.rawValue)
        try assertReadsTheRecords(try w.open(as: w.lee), client: client, caseID: w.caseID.rawValue)
        XCTAssertTrue(try w.open(as: w.sam).verify(readData: false, repair: false).ok)
        XCTAssertTrue(try alex.verify(readData: false, repair: false).ok)

        // The organisation's recovery key: Sam's identity re-issued from it reads them all too.
        let reissued = try w.open(as: w.lee).reissueIdentity(accountID: AccountID(w.sam), organisationID: OrganisationID(w.org1),
                                                             recoveryKey: try XCTUnwrap(w.recovery[w.org1]), passphrase: nil)
        let path = w.directory.appendingPathComponent("sam-recovered.identity").path
        try VaultSetup.writeNewIdentity(reissued.identity, to: path)
        w.identities[w.sam] = path
        try assertReadsTheRecords(try w.open(as: w.sam), client: client, caseID: w.caseID.rawValue)
    }

    func testATransferMovesTheRecordsToTheReceivingOrganisation() throws {
        let (w, son, client) = try recordsWorld()
        let sam = try w.open(as: w.sam)
        _ = try sam.transferCase(w.caseID, to: OrganisationID(w.org2), agreement: .agreed, on: sam.today(), assign: [AccountID(w.alex)])

        let alex = try w.open(as: w.alex)
        try assertReadsTheRecords(alex, client: client, caseID: w.caseID.rawValue)
        XCTAssertEqual(try alex.caseFacts(w.caseID).transfers.map(\.toOrg), [w.org2])
        // The organisation the case left opens none of them from the file now (under the case's new key)...
        let (opened, tags) = try recordsOpened(by: w.sam, in: w, people: [client, son])
        XCTAssertEqual(opened, Self.underMetadataKeyByDesign)
        XCTAssertEqual(tags["authority"], ["cvr4"])
        XCTAssertEqual(tags["person_record"], ["cvr4"])
        // ...and is told why it is refused: the transfer, which the parties record keeps readable.
        XCTAssertThrowsError(try w.open(as: w.sam).plaintext(documentID: w.letter)) { error in
            guard case AccessError.consentRefused(let check) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(check.caseDecision.explanation.joined().contains("no longer acts on it"), "\(check.caseDecision.explanation)")
        }
        XCTAssertThrowsError(try w.open(as: w.sam).capacityAssessments(personID: PersonID(client)))
        XCTAssertTrue(try alex.verify(readData: false, repair: false).ok)
    }

    /// An earlier release kept these records under the metadata key (and had no parties record). No code path writes
    /// that any more, so the rows are put back as that release sealed them (through the store, so the ledger agrees).
    func testAnEarlierReleasesRecordsUnderTheMetadataKeyStillOpenAndMoveOnTheNextRotation() throws {
        let (w, son, client) = try recordsWorld()
        try putBackAsAnEarlierRelease(w, client: client)
        let reopened = try w.open(as: w.sam)
        try assertReadsTheRecords(reopened, client: client, caseID: w.caseID.rawValue)
        XCTAssertTrue(try reopened.verify(readData: false, repair: false).ok)
        // Alex is still refused through the core (the client's fields are his organisation's secret), and the rules
        // still tell him whom the consent covers, from the earlier release's records.
        XCTAssertEqual(try w.open(as: w.alex).explainConsent(caseID: w.caseID, action: .viewDocuments).decision.ruleIDs, [.con8])

        // The next rotation writes the parties record and moves every one of them.
        _ = try reopened.rekeyCase(w.caseID)
        try assertOutsiderOpensOnlyTheParties(w, client: client, son: son)
        let last = try w.open(as: w.sam)
        try assertReadsTheRecords(last, client: client, caseID: w.caseID.rawValue)
        XCTAssertEqual(try last.store.read { try last.caseParties(w.caseID.rawValue, in: $0) }.people, [son])
        XCTAssertTrue(try last.verify(readData: false, repair: false).ok)
    }

    /// Puts the case's facts, people list, authorities and the client's person records back as an earlier release
    /// sealed them (format 2 under the metadata key, no parties record, `case_facts_sealed` unset). No code path writes
    /// that any more; done through the store, so the ledger agrees with every row. `more`: further changes in the same
    /// transaction.
    func putBackAsAnEarlierRelease(_ w: World, client: String, more: (Vault, any VaultRecordWriting) throws -> Void = { _, _ in }) throws {
        let sam = try w.open(as: w.sam)
        try sam.store.write { tx in
            let key = try sam.metadataFieldKey(tx)
            for row in try tx.consentRecords(type: nil, caseID: nil, personID: nil)
            where ["authority", "case_facts", "case_people", "person_record"].contains(row.recordType) && (row.caseID == w.caseID.rawValue || row.personID == client) {
                var payload = Array(try sam.openPayload(row, in: tx))
                let version = (try tx.recordState(kind: RecordKind.sealed.rawValue, id: row.id)?.version ?? 0) + 1
                let binding = Array("\(row.recordType)|\(row.caseID ?? "")|\(row.personID ?? "")".utf8) + [0] + Array("ledger-version/v2\u{0}\(version)".utf8)
                var old = row
                old.sealed = Data("cvr2".utf8) + (try KeyHierarchy.seal(payload, fieldKey: key, table: "consent_records", column: row.recordType,
                                                                        rowID: row.id, binding: binding))
                payload.withUnsafeMutableBytes { secureZero($0) }
                try tx.save(old)
            }
            try tx.deleteConsentRecord(Vault.partiesID(w.caseID.rawValue))
            try tx.setMeta(Vault.caseFactsMetaKey, "")
            try more(sam, tx)
        }
    }

    /// Alex, trying every key he unwraps on every row of the case and its people, opens only the parties record; the
    /// authorities and person records are under the person's key (format 4), the facts and people list under the case key.
    func assertOutsiderOpensOnlyTheParties(_ w: World, client: String, son: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (opened, tags) = try recordsOpened(by: w.alex, in: w, people: [client, son])
        XCTAssertEqual(opened, Self.underMetadataKeyByDesign, file: file, line: line)
        XCTAssertEqual(tags["authority"], ["cvr4"], file: file, line: line)
        XCTAssertEqual(tags["person_record"], ["cvr4"], file: file, line: line)
        XCTAssertEqual(tags["case_facts"], ["cvr3"], file: file, line: line)
        XCTAssertEqual(tags["case_people"], ["cvr3"], file: file, line: line)
    }
}
