import Foundation
import VaultCrypto
import VaultStorage

/// A person's own records (capacity assessments, status, the history of changed fields with previous names and
/// addresses) and the authorities about them (consents, LPAs, deputyships, withdrawals: who may act for them) are
/// sealed under **the key the person's fields are under** (issue 17): their organisation's directory key, or the key
/// of the case they came with in a transfer. Earlier they were under the metadata key, which every account holds, so
/// an advocate of another organisation could read a capacity assessment, a previous address or an LPA from vault.db
/// with their own identity. Authorities follow the person, not the case: the consent rules weigh every authority of
/// the person on each of their cases, and colleagues of the organisation who are not on the case decide with them
/// (a consent given to the organisation covers them). What others need of them is kept apart (Vault+CaseParties).
///
/// Format 4: tag `cvr4`, the key version (4 bytes, big-endian), the scope's length (1 byte) and the scope, then
/// AES-256-GCM under that key's field key, bound as format 2 is (table, record type, id, case, person, the ledger
/// version the row is saved with) and to the scope and key version. The records follow their person: whenever the person's
/// fields are sealed under another key (an edit moving an earlier release's person, a rotation, a transfer), their
/// records are re-sealed under it in the same transaction. Rows under the metadata key (an earlier release's, or a
/// person registered by an account of no organisation, whose fields are there too) still open; they move on the
/// person's next write.
extension Vault {
    static let personKeyTag: [UInt8] = Array("cvr4".utf8)

    private static func personKeyBinding(_ type: ConsentRecordType, caseID: String?, personID: String, ledgerVersion: Int64,
                                         ref: PersonKeyRef) -> [UInt8] {
        Array("\(type.rawValue)|\(caseID ?? "")|\(personID)".utf8) + [0] + Array("ledger-version/v2\u{0}\(ledgerVersion)".utf8)
            + [0] + Array("person-key/v4\u{0}\(ref.scope)\u{0}\(ref.version)".utf8)
    }

    /// Whether a row of `type` (of `caseID`) belongs under its person's key.
    static func isPersonKeyed(_ type: ConsentRecordType, caseID: String?) -> Bool {
        type == .personRecord ? caseID == nil : type == .authority && caseID != nil
    }

    /// The key the person's fields are sealed under now, or nil for fields under the metadata key (no header).
    func personKeyRef(of personID: String, in tx: any VaultRecordReading) throws -> PersonKeyRef? {
        guard let person = try tx.person(personID) else { return nil }
        return PersonSealing.parse(person.nameSealed)?.ref
    }

    /// `key`: the key of `ref` when the caller has it in hand (a rotation's new case key, which the actor of a
    /// transfer is not entitled to unwrap).
    func sealUnderPersonKey(_ payload: [UInt8], id: String, type: ConsentRecordType, caseID: String?, personID: String, ledgerVersion: Int64,
                            ref: PersonKeyRef, key: SecureBytes? = nil, in tx: any VaultRecordReading) throws -> Data {
        let fieldKey = try KeyHierarchy.fieldKey(try key ?? dataKey(scope: ref.scope, version: ref.version, in: tx))
        let sealed = try KeyHierarchy.seal(payload, fieldKey: fieldKey, table: ConsentRecord.tableName, column: type.rawValue, rowID: id,
                                           binding: Self.personKeyBinding(type, caseID: caseID, personID: personID, ledgerVersion: ledgerVersion, ref: ref))
        // The same header people's fields carry, after this format's tag.
        return Data(Self.personKeyTag) + PersonSealing.header(ref).dropFirst(PersonSealing.tag.count) + sealed
    }

    /// Opens a format-4 row. Holding no key to the person is `keyNotHeld` (a refusal), not damage.
    func openUnderPersonKey(_ record: ConsentRecord, in tx: any VaultRecordReading) throws -> Data {
        let damaged = VaultError.damagedField(table: ConsentRecord.tableName, column: record.recordType, rowID: record.id)
        // Re-read as a people's field header, whose layout this format shares after its tag.
        guard let type = ConsentRecordType(rawValue: record.recordType), Self.isPersonKeyed(type, caseID: record.caseID),
              let personID = record.personID,
              let (ref, offset) = PersonSealing.parse(Data(PersonSealing.tag) + record.sealed.dropFirst(Self.personKeyTag.count)),
              KeyHierarchy.organisationID(ofScope: ref.scope) != nil || KeyHierarchy.caseID(ofScope: ref.scope) != nil,
              let ledgerVersion = try tx.recordState(kind: RecordKind.sealed.rawValue, id: record.id)?.version else { throw damaged }
        let opener = try fieldOpener(scope: ref.scope, version: ref.version, in: tx)
        do {
            return Data(try KeyHierarchy.open(Data(record.sealed.dropFirst(offset)), opener: opener, table: ConsentRecord.tableName,
                                              column: type.rawValue, rowID: record.id,
                                              binding: Self.personKeyBinding(type, caseID: record.caseID, personID: personID,
                                                                             ledgerVersion: ledgerVersion, ref: ref)))
        } catch {
            throw damaged
        }
    }

    /// Moves the person's records that an earlier release sealed under the metadata key under `ref`, the key the
    /// person's fields are under, when the actor holds it (a rotation of a case of theirs by their organisation);
    /// otherwise they stay until someone who does writes them.
    func moveEarlierPersonRecords(_ personID: String, ref: PersonKeyRef, in tx: any VaultRecordWriting) throws {
        let earlier = try tx.consentRecords(type: nil, caseID: nil, personID: personID).contains { row in
            !row.sealed.starts(with: Self.personKeyTag) && (ConsentRecordType(rawValue: row.recordType).map { Self.isPersonKeyed($0, caseID: row.caseID) } ?? false)
        }
        guard earlier else { return }
        let key: SecureBytes
        do { key = try dataKey(scope: ref.scope, version: ref.version, in: tx) } catch VaultError.keyNotHeld { return }
        try resealPersonRecords(personID, ref: ref, key: key, in: tx)
    }

    /// Re-seals every record of the person under `ref` (their fields were just sealed under it), inside the caller's
    /// transaction while the key they are under now still opens them.
    func resealPersonRecords(_ personID: String, ref: PersonKeyRef, key: SecureBytes, in tx: any VaultRecordWriting) throws {
        // A person kept under the metadata key (registered by an account of no organisation) keeps their records there.
        guard ref.scope != KeyHierarchy.vaultScope else { return }
        let rows = try tx.consentRecords(type: nil, caseID: nil, personID: personID).filter { row in
            ConsentRecordType(rawValue: row.recordType).map { Self.isPersonKeyed($0, caseID: row.caseID) } ?? false
        }
        // Every case's parties record first, while each authority still opens where it is (Vault+CaseParties).
        for caseID in Set(rows.compactMap(\.caseID)) { try saveCaseParties(caseID, in: tx) { _ in } }
        for record in rows {
            guard let type = ConsentRecordType(rawValue: record.recordType) else { continue }
            var payload = Array(try openPayload(record, in: tx))
            defer { payload.withUnsafeMutableBytes { secureZero($0) } }
            let ledgerVersion = (try tx.recordState(kind: RecordKind.sealed.rawValue, id: record.id)?.version ?? 0) + 1
            var moved = record
            moved.sealed = try sealUnderPersonKey(payload, id: record.id, type: type, caseID: record.caseID, personID: personID,
                                                  ledgerVersion: ledgerVersion, ref: ref, key: key, in: tx)
            try tx.save(moved)
        }
    }
}
