import Foundation
import VaultCrypto
import VaultStorage

/// How the rows of `consent_records` are sealed and opened (issue 18, Build 1: "sealed values bind their version").
///
/// Format 1 (every release before this one): the value is bound to the table, its record type, its id and the row's
/// case and person. An older value of the same row, put back with sqlite3, still opened; only the state ledger's
/// hash caught it. Format 2 starts with a 4-byte tag and binds, in addition, the version the state ledger gives the
/// row when it is saved (`record_state.version`): an older value put back fails to open, unless the index is
/// rewritten to the older version as well, which `verify` and the signed state digest then name. Once every row of
/// a vault is format 2 (`sealed_columns` level 4, see Vault+SealUpgrade), a format-1 value is refused, so a value
/// taken from an old backup cannot be passed off as one an earlier release wrote.
extension Vault {
    static let versionBoundTag: [UInt8] = Array("cvr2".utf8)
    /// The `sealed_columns` level from which every sealed row is format 2.
    static let versionBoundLevel = 4

    private static let consentEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    private static func binding(_ type: ConsentRecordType, caseID: String?, personID: String?) -> [UInt8] {
        Array("\(type.rawValue)|\(caseID ?? "")|\(personID ?? "")".utf8)
    }

    private static func binding(_ type: ConsentRecordType, caseID: String?, personID: String?, version: Int64) -> [UInt8] {
        binding(type, caseID: caseID, personID: personID) + [0] + Array("ledger-version/v2\u{0}\(version)".utf8)
    }

    func sealConsent(_ value: some Encodable, id: String, type: ConsentRecordType, caseID: String?, personID: String?,
                     createdAt: String? = nil, in tx: any VaultRecordReading) throws -> ConsentRecord {
        var payload = Array(try SealedFormat.encode(value, with: Self.consentEncoder))
        defer { payload.withUnsafeMutableBytes { secureZero($0) } }
        let now = timestamp()
        return ConsentRecord(id: id, recordType: type.rawValue, caseID: caseID, personID: personID, createdAt: createdAt ?? now,
                             updatedAt: now, sealed: try sealPayload(payload, id: id, type: type, caseID: caseID, personID: personID, in: tx))
    }

    /// Seals a payload (SealedFormat JSON) as format 2, bound to the version the ledger gives the row when the caller
    /// saves it, in this transaction and before any other write of the row: the next after the index's current one.
    func sealPayload(_ payload: [UInt8], id: String, type: ConsentRecordType, caseID: String?, personID: String?,
                     in tx: any VaultRecordReading) throws -> Data {
        let version = (try tx.recordState(kind: RecordKind.sealed.rawValue, id: id)?.version ?? 0) + 1
        if Self.isPersonKeyed(type, caseID: caseID), let personID, try caseID.map({ try caseKeyAllowed(type, caseID: $0, in: tx) }) ?? true,
           let ref = try personKeyRef(of: personID, in: tx) {
            do {
                return try sealUnderPersonKey(payload, id: id, type: type, caseID: caseID, personID: personID, ledgerVersion: version, ref: ref, in: tx)
            } catch VaultError.keyNotHeld(let scope, let account) {
                // Only the upgrade of an earlier release's vault (format 1 to 2, run by whoever opens it first) may leave
                // a person's records under the metadata key for someone who holds their key to move later.
                guard try Self.sealedLevel(tx) < Self.versionBoundLevel else { throw VaultError.keyNotHeld(scope: scope, account: account) }
            }
        }
        if let caseID, Self.caseKeyTypes.contains(type), try caseKeyAllowed(type, caseID: caseID, in: tx),
           let keyVersion = try tx.dataKeyVersions(scope: KeyHierarchy.caseScope(caseID)).last {
            do {
                return try sealUnderCaseKey(payload, id: id, type: type, caseID: caseID, personID: personID, ledgerVersion: version,
                                            keyVersion: keyVersion, in: tx)
            } catch VaultError.keyNotHeld(let scope, let account) {
                // An earlier release's vault being upgraded by someone who holds no key to this case: the row stays
                // under the metadata key until the case's key is next rotated. A vault made by this release refuses.
                guard !(try caseRowsAreUnderCaseKey(tx)) else { throw VaultError.keyNotHeld(scope: scope, account: account) }
            }
        }
        let sealed = try KeyHierarchy.seal(payload, fieldKey: try metadataFieldKey(tx), table: ConsentRecord.tableName, column: type.rawValue,
                                           rowID: id, binding: Self.binding(type, caseID: caseID, personID: personID, version: version))
        return Data(Self.versionBoundTag) + sealed
    }

    /// The row's payload (SealedFormat JSON), opened as the format it was written in.
    func openPayload(_ record: ConsentRecord, in tx: any VaultRecordReading) throws -> Data {
        guard let type = ConsentRecordType(rawValue: record.recordType) else {
            throw VaultError.damagedField(table: ConsentRecord.tableName, column: "record_type", rowID: record.id)
        }
        let damaged = VaultError.damagedField(table: ConsentRecord.tableName, column: type.rawValue, rowID: record.id)
        if record.sealed.starts(with: Self.caseKeyTag) { return try openUnderCaseKey(record, type: type, in: tx) }
        if record.sealed.starts(with: Self.personKeyTag) { return try openUnderPersonKey(record, in: tx) }
        let strict = try caseRowsAreUnderCaseKey(tx)
        guard !Self.caseScopedTypes.contains(type) || record.caseID == nil || !strict else { throw damaged }
        let factsStrict = try caseFactsAreUnderCaseKey(tx)
        guard !Self.movedCaseTypes.contains(type) || record.caseID == nil || !factsStrict else { throw damaged }
        let opener = try fieldOpener(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
        let tag = Self.versionBoundTag
        if record.sealed.starts(with: tag), let version = try tx.recordState(kind: RecordKind.sealed.rawValue, id: record.id)?.version {
            do {
                return Data(try KeyHierarchy.open(Data(record.sealed.dropFirst(tag.count)), opener: opener, table: ConsentRecord.tableName,
                                                  column: type.rawValue, rowID: record.id,
                                                  binding: Self.binding(type, caseID: record.caseID, personID: record.personID, version: version)))
            } catch {
                // Not format 2 after all (a format-1 value whose random nonce starts with the tag: 1 in 2^32), or an
                // older value put back: only a vault not yet fully format 2 tries format 1 below.
            }
        }
        guard try Self.sealedLevel(tx) < Self.versionBoundLevel else { throw damaged }
        do {
            return Data(try KeyHierarchy.open(record.sealed, opener: opener, table: ConsentRecord.tableName, column: type.rawValue,
                                              rowID: record.id, binding: Self.binding(type, caseID: record.caseID, personID: record.personID)))
        } catch {
            throw damaged
        }
    }

    func openConsent<T: Decodable>(_ record: ConsentRecord, as _: T.Type, in tx: any VaultRecordReading) throws -> T {
        try decodePayload(try openPayload(record, in: tx), as: T.self, record: record)
    }

    func decodePayload<T: Decodable>(_ payload: Data, as _: T.Type, record: ConsentRecord) throws -> T {
        do {
            return try SealedFormat.decode(T.self, from: payload)
        } catch .newer(let version) {
            throw VaultError.newerRecordFormat(rowID: record.id, version: version)
        } catch {
            throw VaultError.damagedField(table: ConsentRecord.tableName, column: record.recordType, rowID: record.id)
        }
    }
}
