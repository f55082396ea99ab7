import Foundation
import VaultCrypto

/// Correcting a person's details (a misspelt name, a wrong date of birth, a new address). The row is re-sealed and its
/// blind indexes recomputed in one transaction; the previous values go to a sealed history (never to the audit log,
/// which is readable without the key and must name no one).
extension Vault {
    public enum PersonField: String, Codable, Sendable, CaseIterable {
        case name, dob, nhsNumber = "nhs_number", address, phone, email
    }

    public struct PersonChange: Codable, Sendable, Equatable {
        public var time: String
        public var by: String?
        public var field: PersonField
        public var previous: String?
    }

    struct PersonHistory: Codable {
        var changes: [PersonChange] = []
    }

    /// Sets the given fields; an empty string clears an optional one.
    public func editPerson(_ id: PersonID, changes: [PersonField: String]) throws -> PersonView {
        let id = id.rawValue
        guard !changes.isEmpty else { throw VaultError.invalidInput("nothing to change: give at least one field") }
        var cleaned: [PersonField: String?] = [:]
        for (field, raw) in changes {
            let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            switch field {
            case .name:
                guard !Normalise.name(value).isEmpty else { throw VaultError.invalidInput("the person's name is empty") }
                cleaned[field] = value
            case .dob:
                if !value.isEmpty { _ = try Validation.date(value, field: "the date of birth") }
                cleaned[field] = value.isEmpty ? nil : value
            case .nhsNumber:
                cleaned[field] = value.isEmpty ? nil : try Validation.nhsNumber(value)
            case .address, .phone, .email:
                cleaned[field] = value.isEmpty ? nil : value
            }
        }
        return try guarded { try store.write { tx in
            try requireCarer(person: id, in: tx)
            guard var record = try tx.person(id), record.erasedAt == nil else { throw VaultError.notFound(kind: "person", id: id) }
            let metadataKey = try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
            let before = try view(record, in: tx)
            var after = (name: before.name, dob: before.dob, nhsNumber: before.nhsNumber, address: before.address, phone: before.phone,
                         email: before.email)
            let existing = try personRecord(id, kind: .history, as: PersonHistory.self, in: tx)
            var history = existing?.value ?? PersonHistory()
            let now = timestamp()
            // The fields this call changes, counted here: the history's timestamps have one-second resolution, so an
            // edit a moment earlier would otherwise look like part of this one (and a no-change edit would go through).
            var changed: [String] = []
            for field in PersonField.allCases {
                guard let value = cleaned[field] else { continue }
                let previous: String? = switch field {
                case .name: before.name
                case .dob: before.dob
                case .nhsNumber: before.nhsNumber
                case .address: before.address
                case .phone: before.phone
                case .email: before.email
                }
                guard previous != value else { continue }
                history.changes.append(PersonChange(time: now, by: actor, field: field, previous: previous))
                changed.append(field.rawValue)
                switch field {
                case .name:
                    after.name = value ?? before.name
                    record.nameIndex = try KeyHierarchy.blindIndex(Normalise.name(value ?? ""), field: "people.name", metadataKey: metadataKey)
                case .dob: after.dob = value
                case .nhsNumber:
                    after.nhsNumber = value
                    record.nhsNumberIndex = try value.map { try KeyHierarchy.blindIndex($0, field: "people.nhs_number", metadataKey: metadataKey) }
                case .address: after.address = value
                case .phone: after.phone = value
                case .email: after.email = value
                }
            }
            // Every field is sealed again, under the key the person is kept under: a person of an earlier release moves
            // from the metadata key to the directory key here (issue 17).
            let (ref, key) = try personKey(for: record, in: tx)
            try sealPerson(PersonView(id: id, name: after.name, dob: after.dob, nhsNumber: after.nhsNumber, address: after.address,
                                      phone: after.phone, email: after.email, createdAt: record.createdAt), into: &record, ref: ref, key: key)
            guard !changed.isEmpty else { throw VaultError.invalidInput("\(id) already has those details; nothing was changed") }
            try tx.update(record)
            // Their records follow them under the key just used (Vault+PersonRecordSealing); the history is saved after,
            // under the same key.
            try resealPersonRecords(id, ref: ref, key: key, in: tx)
            try savePersonRecord(history, kind: .history, personID: id, replacing: existing?.row, in: tx)
            // Which fields changed, never their values.
            try audit(event("person.edit", details: ["person": id, "fields": changed.joined(separator: ",")]), in: tx)
            return try view(record, in: tx)
        } }
    }

    /// A person's earlier details, oldest first, for those who may see the person.
    public func personHistory(_ id: PersonID) throws -> [PersonChange] {
        let id = id.rawValue
        return try guarded { try store.read { tx in
            try requireVisible(.personRead, person: id, in: tx)
            return try personRecord(id, kind: .history, as: PersonHistory.self, in: tx)?.value.changes ?? []
        } }
    }
}
