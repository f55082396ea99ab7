import Foundation
import VaultCrypto
import VaultStorage

/// The one-shot move of an earlier release's case facts, case people lists, authorities and person records from the
/// metadata key (which every account holds) to the key each belongs under (issue 17): a case's facts and people list
/// under its case key (format 3, after its parties record is written from them, Vault+CaseParties), a person's
/// authorities and person records under the key their fields are under (format 4, Vault+PersonRecordSealing). Before
/// this, such rows only moved at their next write or their case's next rotation, so an outsider reading vault.db with
/// their own identity could still open them.
///
/// It runs when the vault is opened, not from a maintenance command: with one key file the opener holds every key and
/// it completes at once; with identities no one does (an administrator holds no case key, a manager only their own
/// organisation's), so each opener moves, in one ledgered write transaction with one audit event, the rows whose keys
/// they hold, and the rest wait for the next opener who holds theirs: the managers of each organisation finish it in
/// the ordinary course of work, with no one having to know to run anything. It is resumable because each move is
/// a whole transaction and what remains is found again from the rows themselves. A read finds first whether this
/// opener can move anything, so an opener who cannot takes no write lock. When nothing is left, `entitled_rows` in
/// vault_meta says so and later opens skip it for the cost of reading one meta row.
///
/// Left where they are (counted, named when changed outside casevault): rows whose key no opener has held yet; a row
/// or person that does not match the ledger (as the other upgrades do, so `verify` still reports it); the records of a
/// person whose fields are still under the metadata key and who is on the live cases of several organisations or of
/// none (no one organisation's directory key is theirs to be moved under: they move on the person's next edit).
extension Vault {
    static let entitledRowsMeta = "entitled_rows"
    static let entitledRowsMoved = "moved"

    /// What an opener can move now, and what is left.
    struct EarlierRows {
        /// Cases whose facts or people rows are under the metadata key and whose case key the opener holds.
        var cases: [String] = []
        /// People whose fields are under a named key the opener holds, with records under the metadata key.
        var people: [(id: String, ref: PersonKeyRef)] = []
        /// People whose fields (and records) are under the metadata key, to be moved under this organisation's
        /// directory key, which the opener holds or may make.
        var unnamedPeople: [(id: String, organisationID: String)] = []
        /// Rows waiting for an opener who holds their key.
        var pending = 0
        /// Rows and people that do not match the ledger.
        var left: [String] = []
        var movable: Bool { !cases.isEmpty || !people.isEmpty || !unnamedPeople.isEmpty }
    }

    /// Runs at open (see above); does nothing, and takes no write lock, once done or when this opener can move nothing.
    func moveEarlierRowsToEntitledKeys(reads: OpenReads? = nil) throws {
        if let reads, reads.meta[Self.entitledRowsMeta] == Self.entitledRowsMoved { return }
        let found = try store.read { tx -> EarlierRows? in
            guard try tx.meta(Self.entitledRowsMeta) != Self.entitledRowsMoved, try mayMoveEarlierRows(in: tx) else { return nil }
            return try earlierRows(in: tx)
        }
        guard let found, found.movable || (found.pending == 0 && found.left.isEmpty) else { return }
        try store.write { tx in
            // Checked again under the write lock: another process may have done it meanwhile.
            guard try tx.meta(Self.entitledRowsMeta) != Self.entitledRowsMoved, try mayMoveEarlierRows(in: tx) else { return }
            let found = try earlierRows(in: tx)
            var details: [String: String] = [:]
            details["case_rows"] = String(try moveCaseFactsAndPeople(found.cases, in: tx))
            var moved = 0
            for (id, ref) in found.people {
                moved += try earlierPersonRows(id, in: tx).count
                try resealPersonRecords(id, ref: ref, key: try dataKey(scope: ref.scope, version: ref.version, in: tx), in: tx)
            }
            for (id, organisationID) in found.unnamedPeople {
                guard var person = try tx.person(id) else { continue }
                moved += try earlierPersonRows(id, in: tx).count
                let (key, version) = try directoryKey(ofOrganisation: organisationID, in: tx)
                let ref = PersonKeyRef(scope: KeyHierarchy.organisationScope(organisationID), version: version)
                let opened = try view(person, in: tx)
                try sealPerson(opened, into: &person, ref: ref, key: key)
                try tx.update(person)
                try resealPersonRecords(id, ref: ref, key: key, in: tx)
            }
            details["person_rows"] = String(moved)
            details["people"] = String(found.unnamedPeople.count)
            if found.pending > 0 { details["pending"] = String(found.pending) }
            if !found.left.isEmpty { details["left"] = found.left.joined(separator: ",") }
            if found.pending == 0 && found.left.isEmpty {
                try tx.setMeta(Self.entitledRowsMeta, Self.entitledRowsMoved)
                // No case's facts or people list is under the metadata key any more (an erased case's included): from
                // now on one put there is refused as damaged, so an account holding that key cannot slip one in.
                if try !anyCaseRowUnderMetadataKey(in: tx) { try tx.setMeta(Self.caseFactsMetaKey, Self.caseRowsUnderCaseKey) }
            }
            try audit(event("vault.move_to_entitled_keys", details: details), in: tx)
        }
    }

    /// Whether this opener may write the move: a key file, or an identity whose account is active. A marker the
    /// ledger knows but that was deleted or edited outside casevault is left for `verify` to report.
    private func mayMoveEarlierRows(in tx: any VaultRecordReading) throws -> Bool {
        if try tx.recordState(kind: RecordKind.meta.rawValue, id: Self.entitledRowsMeta)?.hash != nil {
            guard let stored = try tx.meta(Self.entitledRowsMeta), try Self.matchesLedger(.meta, Self.entitledRowsMeta, stored, in: tx) else { return false }
        }
        guard usesIdentities else { return true }
        // A removed, unknown or replaced identity moves nothing: the command it came for refuses it with its own words.
        do { _ = try account(in: tx) } catch is AccessError { return false }
        return true
    }

    private static func earlierCaseRowIDs(_ caseID: String) -> [String] { [Self.factsRecordID(caseID), "people-" + caseID] }

    private func earlierCaseRows(_ caseID: String, in tx: any VaultRecordReading) throws -> [ConsentRecord] {
        try Self.earlierCaseRowIDs(caseID).compactMap { try tx.consentRecord($0) }.filter { !$0.sealed.starts(with: Self.caseKeyTag) }
    }

    private func earlierPersonRows(_ personID: String, in tx: any VaultRecordReading) throws -> [ConsentRecord] {
        try tx.consentRecords(type: nil, caseID: nil, personID: personID).filter(Self.isEarlierPersonRow)
    }

    private static func isEarlierPersonRow(_ row: ConsentRecord) -> Bool {
        !row.sealed.starts(with: personKeyTag) && (ConsentRecordType(rawValue: row.recordType).map { isPersonKeyed($0, caseID: row.caseID) } ?? false)
    }

    private func anyCaseRowUnderMetadataKey(in tx: any VaultRecordReading) throws -> Bool {
        try tx.cases().contains { try !earlierCaseRows($0.id, in: tx).isEmpty }
    }

    /// Whether the acting identity holds the key (with no version: a directory key not made yet, which it may make).
    func holdsKey(scope: String, version: Int?, in tx: any VaultRecordReading) throws -> Bool {
        guard let version else { return true }
        do {
            _ = try dataKey(scope: scope, version: version, in: tx)
            return true
        } catch VaultError.keyNotHeld, VaultError.keyUnavailable {
            return false
        }
    }

    func earlierRows(in tx: any VaultRecordReading) throws -> EarlierRows {
        var found = EarlierRows()
        let cases = try tx.cases()
        var organisationsOf: [String: Set<String>] = [:]
        for caseRecord in cases where caseRecord.caseStatus != .erased {
            for person in [caseRecord.clientID] + (try registeredPersonIDs(caseID: caseRecord.id, in: tx)) {
                organisationsOf[person, default: []].insert(caseRecord.organisationID)
            }
            let rows = try earlierCaseRows(caseRecord.id, in: tx)
            guard !rows.isEmpty else { continue }
            guard try rows.allSatisfy({ try Self.matchesLedger(.sealed, $0.id, $0, in: tx) }) else {
                found.left += rows.map(\.id)
                continue
            }
            let scope = KeyHierarchy.caseScope(caseRecord.id)
            guard let version = try tx.dataKeyVersions(scope: scope).last, try holdsKey(scope: scope, version: version, in: tx) else {
                found.pending += rows.count
                continue
            }
            found.cases.append(caseRecord.id)
        }
        // Every earlier authority and person record, read with two queries rather than one per person.
        var rowsOf: [String: [ConsentRecord]] = [:]
        for type in [ConsentRecordType.authority, .personRecord] {
            for row in try tx.consentRecords(type: type.rawValue, caseID: nil, personID: nil) where Self.isEarlierPersonRow(row) {
                if let personID = row.personID { rowsOf[personID, default: []].append(row) }
            }
        }
        var acting: Account?
        if usesIdentities { acting = try account(in: tx) }
        for (personID, rows) in rowsOf.sorted(by: { $0.key < $1.key }) {
            guard let person = try tx.person(personID), person.erasedAt == nil else { continue }
            guard try Self.matchesLedger(.person, personID, person, in: tx),
                  try rows.allSatisfy({ try Self.matchesLedger(.sealed, $0.id, $0, in: tx) }) else {
                found.left += rows.map(\.id)
                continue
            }
            if let ref = PersonSealing.parse(person.nameSealed)?.ref {
                if ref.scope != KeyHierarchy.vaultScope, try holdsKey(scope: ref.scope, version: ref.version, in: tx) {
                    found.people.append((personID, ref))
                } else {
                    found.pending += rows.count
                }
                continue
            }
            // Fields under the metadata key too: moved under the directory key of the one organisation whose live
            // cases they are on, by a member of it (or with the key file), as a rotation of their case would.
            guard let organisations = organisationsOf[personID], organisations.count == 1, let organisationID = organisations.first,
                  acting == nil || acting?.organisationID == organisationID,
                  try holdsKey(scope: KeyHierarchy.organisationScope(organisationID),
                               version: tx.dataKeyVersions(scope: KeyHierarchy.organisationScope(organisationID)).last, in: tx) else {
                found.pending += rows.count
                continue
            }
            found.unnamedPeople.append((personID, organisationID))
        }
        return found
    }

    /// Moves each case's facts and people rows under its newest case key, its parties record written from them first
    /// (so what every account needs of them stays readable). Returns the rows moved.
    private func moveCaseFactsAndPeople(_ caseIDs: [String], in tx: any VaultRecordWriting) throws -> Int {
        var moved = 0
        for caseID in caseIDs {
            try saveCaseParties(caseID, in: tx) { _ in }
            let (key, version) = try currentCaseKey(caseID, in: tx)
            for record in try earlierCaseRows(caseID, in: tx) {
                guard let type = ConsentRecordType(rawValue: record.recordType) else { continue }
                try resealUnderCaseKey(record, type: type, caseID: caseID, key: key, version: version, in: tx)
                moved += 1
            }
        }
        return moved
    }
}
