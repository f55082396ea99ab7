import Foundation
import VaultCrypto
import VaultStorage

/// A case's own working records (notes, reminders, redaction terms, bundle logs, removed documents' tombstones) are
/// sealed under **the case key** (format 3, tag `cvr3`), not the vault's metadata key, which
/// every account holds (issue 17: "an advocate who is not entitled to a case cannot decrypt it"). With identities only
/// the case's assigned advocates, its organisation's managers and its recovery key hold that key, so a colleague of
/// another organisation who reads vault.db with their own identity opens none of them.
///
/// Format 3: the tag, the case key version (4 bytes, big-endian), then AES-256-GCM under that version's field key,
/// bound as format 2 is (table, record type, id, case, person, the ledger version the row is saved with) and to the
/// key version. Rotating the case key (rekey, unassign, transfer) re-seals every such row under the new version in the
/// same transaction, before the old version is deleted. Rows a vault wrote before this release (format 2, under the
/// metadata key) keep opening until the case's key is next rotated; in a vault created with this release
/// (`case_rows_sealed` = "case-key" in meta) a case row under the metadata key is refused as damaged, so a colleague
/// holding the metadata key cannot slip one in.
extension Vault {
    static let caseKeyTag: [UInt8] = Array("cvr3".utf8)
    static let caseRowsMetaKey = "case_rows_sealed"
    static let caseRowsUnderCaseKey = "case-key"
    /// The record types sealed under the case key: what only the case's own people work with. Three kinds of a case's
    /// records stay under the metadata key on purpose: its authorities (consents, LPAs, withdrawals) and its facts
    /// (transfers, the complaint's dates), because the consent rules decide with them for people who hold no key to
    /// the case, and must tell them why and what would allow it (a partner organisation is told the case must be
    /// transferred with the person's agreement; the organisation it left, that it no longer acts on it); and the list
    /// of people registered on it (ids and roles), because erasing any case asks which people are on no other case,
    /// and who may see a person depends on the cases they are on. The facts and people lists have since moved under the
    /// case key too, with what others need of them kept apart (`movedCaseTypes`, Vault+CaseParties).
    static let caseScopedTypes: Set<ConsentRecordType> = [.redactionTerms, .bundleLog, .caseNote, .reminder, .documentTombstone,
                                                                   .documentListing]

    private static func caseKeyBinding(_ type: ConsentRecordType, caseID: String, personID: String?, ledgerVersion: Int64,
                                       keyVersion: Int) -> [UInt8] {
        Array("\(type.rawValue)|\(caseID)|\(personID ?? "")".utf8) + [0] + Array("ledger-version/v2\u{0}\(ledgerVersion)".utf8)
            + [0] + Array("case-key-version/v3\u{0}\(keyVersion)".utf8)
    }

    func caseRowsAreUnderCaseKey(_ tx: any VaultRecordReading) throws -> Bool {
        try tx.meta(Self.caseRowsMetaKey) == Self.caseRowsUnderCaseKey
    }

    /// `caseKey`: the key of `keyVersion` when the caller has it in hand (a rotation, whose new version the actor may
    /// not be entitled to unwrap: a transfer to another organisation).
    func sealUnderCaseKey(_ payload: [UInt8], id: String, type: ConsentRecordType, caseID: String, personID: String?,
                          ledgerVersion: Int64, keyVersion: Int, caseKey: SecureBytes? = nil, in tx: any VaultRecordReading) throws -> Data {
        let fieldKey = try KeyHierarchy.fieldKey(try caseKey ?? dataKey(scope: KeyHierarchy.caseScope(caseID), version: keyVersion, in: tx))
        let sealed = try KeyHierarchy.seal(payload, fieldKey: fieldKey, table: ConsentRecord.tableName, column: type.rawValue, rowID: id,
                                           binding: Self.caseKeyBinding(type, caseID: caseID, personID: personID,
                                                                        ledgerVersion: ledgerVersion, keyVersion: keyVersion))
        let version = UInt32(keyVersion)
        return Data(Self.caseKeyTag) + Data([UInt8(version >> 24), UInt8(version >> 16 & 0xFF), UInt8(version >> 8 & 0xFF), UInt8(version & 0xFF)])
            + sealed
    }

    /// Opens a format-3 row. Holding no key to the case is `keyNotHeld` (a refusal), not damage.
    func openUnderCaseKey(_ record: ConsentRecord, type: ConsentRecordType, in tx: any VaultRecordReading) throws -> Data {
        let damaged = VaultError.damagedField(table: ConsentRecord.tableName, column: type.rawValue, rowID: record.id)
        let bytes = Array(record.sealed)
        let header = Self.caseKeyTag.count + 4
        guard Self.caseKeyTypes.contains(type), let caseID = record.caseID, bytes.count > header,
              let ledgerVersion = try tx.recordState(kind: RecordKind.sealed.rawValue, id: record.id)?.version else { throw damaged }
        let keyVersion = bytes[Self.caseKeyTag.count..<header].reduce(0) { $0 << 8 | Int($1) }
        let opener = try fieldOpener(scope: KeyHierarchy.caseScope(caseID), version: keyVersion, in: tx)
        return Data(try KeyHierarchy.open(Data(bytes[header...]), opener: opener, table: ConsentRecord.tableName, column: type.rawValue,
                                          rowID: record.id, binding: Self.caseKeyBinding(type, caseID: caseID, personID: record.personID,
                                                                                         ledgerVersion: ledgerVersion, keyVersion: keyVersion)))
    }

    /// Re-seals every row of the case under `newVersion` (the caller then deletes the older versions): inside the
    /// rotation's transaction, while the old key still opens them.
    /// A case's facts and people of an earlier release, under the metadata key, move here too, after its parties
    /// record is written from them (Vault+CaseParties).
    func resealCaseRows(_ caseID: String, newKey: SecureBytes, newVersion: Int, in tx: any VaultRecordWriting) throws {
        try saveCaseParties(caseID, in: tx) { _ in }
        for record in try tx.consentRecords(type: nil, caseID: caseID, personID: nil) {
            guard let type = ConsentRecordType(rawValue: record.recordType), Self.caseKeyTypes.contains(type) else { continue }
            try resealUnderCaseKey(record, type: type, caseID: caseID, key: newKey, version: newVersion, in: tx)
        }
    }

    /// Opens one row where it is and saves it sealed under the case key's `version` (bound to its next ledger version).
    func resealUnderCaseKey(_ record: ConsentRecord, type: ConsentRecordType, caseID: String, key: SecureBytes, version: Int,
                            in tx: any VaultRecordWriting) throws {
        var payload = Array(try openPayload(record, in: tx))
        defer { payload.withUnsafeMutableBytes { secureZero($0) } }
        let ledgerVersion = (try tx.recordState(kind: RecordKind.sealed.rawValue, id: record.id)?.version ?? 0) + 1
        var moved = record
        moved.sealed = try sealUnderCaseKey(payload, id: record.id, type: type, caseID: caseID, personID: record.personID,
                                            ledgerVersion: ledgerVersion, keyVersion: version, caseKey: key, in: tx)
        try tx.save(moved)
    }
}

extension Vault {
    /// Sealed-columns level 6. A vault with one key file holds every case key, so every case row an earlier release
    /// sealed under the metadata key moves under its case key now, and from then on such a row is refused. With
    /// identities no one person holds every case key: a case's rows move when its key is next rotated (`case rekey`
    /// does it at once), and rows under the metadata key keep opening meanwhile (SECURITY.md). A row changed outside
    /// casevault is left as it is and named, as the other upgrades do.
    func moveCaseRowsUnderCaseKeys(in tx: any VaultRecordWriting) throws -> (moved: Int, left: [String]) {
        guard !usesIdentities else { return (0, []) }
        var moved = 0
        var left: [String] = []
        for caseRecord in try tx.cases() where caseRecord.caseStatus != .erased {
            guard let version = try tx.dataKeyVersions(scope: KeyHierarchy.caseScope(caseRecord.id)).last else { continue }
            for record in try tx.consentRecords(type: nil, caseID: caseRecord.id, personID: nil) where !record.sealed.starts(with: Self.caseKeyTag) {
                guard let type = ConsentRecordType(rawValue: record.recordType), Self.caseScopedTypes.contains(type) else { continue }
                guard try Self.matchesLedger(.sealed, record.id, record, in: tx), var payload = try? Array(openPayload(record, in: tx)) else {
                    left.append(record.id)
                    continue
                }
                defer { payload.withUnsafeMutableBytes { secureZero($0) } }
                let ledgerVersion = (try tx.recordState(kind: RecordKind.sealed.rawValue, id: record.id)?.version ?? 0) + 1
                var sealed = record
                sealed.sealed = try sealUnderCaseKey(payload, id: record.id, type: type, caseID: caseRecord.id, personID: record.personID,
                                                     ledgerVersion: ledgerVersion, keyVersion: version, in: tx)
                try tx.save(sealed)
                moved += 1
            }
        }
        if left.isEmpty { try tx.setMeta(Self.caseRowsMetaKey, Self.caseRowsUnderCaseKey) }
        return (moved, left)
    }
}
