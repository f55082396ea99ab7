import Foundation
import VaultCrypto
import VaultStorage

/// The data key one person's fields are sealed under (issue 17, "keys follow entitlement").
struct PersonKeyRef: Hashable, Sendable {
    let scope: String
    let version: Int
}

/// How a person's six fields (name, date of birth, NHS number, address, phone, email) are sealed.
///
/// Earlier releases sealed them under the vault metadata key, which every account holds, so an advocate of another
/// organisation could open them from vault.db. Now each field starts with a header naming the data key it is sealed
/// under — tag `cvp1`, the key version (4 bytes, big-endian), the scope's length (1 byte) and the scope — followed by
/// AES-256-GCM under that key's field key, with the same AAD as before (table, column, person id). The scope is:
/// - `org:<id>`, the directory key of the organisation whose advocate registered the person (Vault+DirectoryKeys);
/// - `case:<id>`, the key of a case the person moved with when it was transferred to another organisation, whose
///   people cannot seal under the receiving organisation's directory key (they do not hold it): the case's new key,
///   which the transfer wraps to the receiving organisation, opens them. Every rotation of that case re-seals them.
/// A field without the tag is an earlier release's, under the metadata key: it still opens, and the person is
/// re-sealed under a directory key when next changed (or when a case of theirs is re-keyed). The header is not
/// authenticated on purpose: a changed header names a key that does not open the box.
enum PersonSealing {
    static let tag: [UInt8] = Array("cvp1".utf8)

    static func header(_ ref: PersonKeyRef) -> Data {
        let scope = Array(ref.scope.utf8)
        let version = UInt32(ref.version)
        return Data(tag + [UInt8(version >> 24), UInt8(version >> 16 & 0xFF), UInt8(version >> 8 & 0xFF), UInt8(version & 0xFF)]
            + [UInt8(scope.count)] + scope)
    }

    /// The key a field names and where its box starts (an offset from the field's first byte); nil for a field of an
    /// earlier release (under the metadata key).
    static func parse(_ sealed: Data) -> (ref: PersonKeyRef, boxOffset: Int)? {
        sealed.withUnsafeBytes { bytes -> (PersonKeyRef, Int)? in
            let fixed = tag.count + 5
            guard bytes.count > fixed, bytes.starts(with: tag) else { return nil }
            let version = bytes[tag.count..<(tag.count + 4)].reduce(0) { $0 << 8 | Int($1) }
            let length = Int(bytes[tag.count + 4])
            guard bytes.count > fixed + length,
                  let scope = String(bytes: bytes[fixed..<(fixed + length)], encoding: .utf8) else { return nil }
            return (PersonKeyRef(scope: scope, version: version), fixed + length)
        }
    }

    /// The header's length, without reading the scope (a search checks every row): 0 for a field with no header.
    static func headerLength(_ sealed: Data) -> Int {
        sealed.withUnsafeBytes { bytes in
            let fixed = tag.count + 5
            guard bytes.count > fixed, bytes.starts(with: tag), bytes.count > fixed + Int(bytes[tag.count + 4]) else { return 0 }
            return fixed + Int(bytes[tag.count + 4])
        }
    }

    static func seal(_ value: String, column: String, personID: String, ref: PersonKeyRef, fieldKey: SecureBytes) throws -> Data {
        header(ref) + (try KeyHierarchy.seal(Array(value.utf8), fieldKey: fieldKey, table: "people", column: column, rowID: personID))
    }
}

extension Vault {
    /// What a listing shows in place of a value sealed under a key the acting account does not hold.
    static let noKeyLabel = "(sealed: no key held)"

    /// Opens a person's fields with the keys they name. A key the acting identity does not hold is `keyNotHeld`
    /// (a refusal, shown as such), not damage.
    func view(_ record: PersonRecord, in tx: any VaultRecordReading) throws -> PersonView {
        if let erasedAt = record.erasedAt { throw VaultError.personErased(id: record.id, erasedAt: erasedAt) }
        func open(_ sealed: Data?, _ column: String) throws -> String? {
            guard let sealed else { return nil }
            return String(decoding: try openPersonField(sealed, column: column, personID: record.id, in: tx), as: UTF8.self)
        }
        return PersonView(id: record.id, name: try open(record.nameSealed, "name") ?? "", dob: try open(record.dobSealed, "dob"),
                          nhsNumber: try open(record.nhsNumberSealed, "nhs_number"), address: try open(record.addressSealed, "address"),
                          phone: try open(record.phoneSealed, "phone"), email: try open(record.emailSealed, "email"), createdAt: record.createdAt)
    }

    /// The person, or nil when the acting identity holds no key to their fields (listings leave them out, or label
    /// them, rather than fail for everyone else).
    func viewIfHeld(_ record: PersonRecord, in tx: any VaultRecordReading) throws -> PersonView? {
        do { return try view(record, in: tx) } catch VaultError.keyNotHeld { return nil }
    }

    func openPersonField(_ sealed: Data, column: String, personID: String, in tx: any VaultRecordReading) throws -> [UInt8] {
        guard let (ref, offset) = PersonSealing.parse(sealed) else {
            let opener = try fieldOpener(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
            return try KeyHierarchy.open(sealed, opener: opener, table: "people", column: column, rowID: personID)
        }
        // Only the keys people's fields may be sealed under: a header naming the audit or signing key is damage.
        guard KeyHierarchy.organisationID(ofScope: ref.scope) != nil || KeyHierarchy.caseID(ofScope: ref.scope) != nil else {
            throw VaultError.damagedField(table: "people", column: column, rowID: personID)
        }
        let opener = try fieldOpener(scope: ref.scope, version: ref.version, in: tx)
        return try KeyHierarchy.open(sealed.dropFirst(offset), opener: opener, table: "people", column: column, rowID: personID)
    }

    /// Seals the six fields of `view` into `record` under `ref` (the blind indexes are the caller's).
    func sealPerson(_ view: PersonView, into record: inout PersonRecord, ref: PersonKeyRef, key: SecureBytes) throws {
        let fieldKey = try KeyHierarchy.fieldKey(key)
        let id = record.id
        func seal(_ value: String?, _ column: String) throws -> Data? {
            try value.map { value in
                // The metadata key (an account of no organisation, see `ownDirectoryKey`): the earlier format, no header.
                guard ref.scope != KeyHierarchy.vaultScope else {
                    return try KeyHierarchy.seal(Array(value.utf8), fieldKey: fieldKey, table: "people", column: column, rowID: id)
                }
                return try PersonSealing.seal(value, column: column, personID: id, ref: ref, fieldKey: fieldKey)
            }
        }
        record.nameSealed = try seal(view.name, "name") ?? Data()
        record.dobSealed = try seal(view.dob, "dob")
        record.nhsNumberSealed = try seal(view.nhsNumber, "nhs_number")
        record.addressSealed = try seal(view.address, "address")
        record.phoneSealed = try seal(view.phone, "phone")
        record.emailSealed = try seal(view.email, "email")
    }

    /// The key a person's fields are kept under when changed: the one they are under now (a case's newest version),
    /// or, for a person of an earlier release, the acting account's organisation's directory key.
    func personKey(for record: PersonRecord, in tx: any VaultRecordWriting) throws -> (ref: PersonKeyRef, key: SecureBytes) {
        guard let (ref, _) = PersonSealing.parse(record.nameSealed) else { return try ownDirectoryKey(in: tx) }
        if let caseID = KeyHierarchy.caseID(ofScope: ref.scope) {
            let (key, version) = try currentCaseKey(caseID, in: tx)
            return (PersonKeyRef(scope: ref.scope, version: version), key)
        }
        if let organisationID = KeyHierarchy.organisationID(ofScope: ref.scope) {
            let (key, version) = try directoryKey(ofOrganisation: organisationID, in: tx)
            return (PersonKeyRef(scope: ref.scope, version: version), key)
        }
        throw VaultError.damagedField(table: "people", column: "name", rowID: record.id)
    }
}
