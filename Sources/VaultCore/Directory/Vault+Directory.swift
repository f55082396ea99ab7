import VaultModel
import Foundation
import VaultCrypto

/// Organisations, accounts and people: the directory every case refers to. Organisation and account names are sealed
/// under the vault's metadata key; people's fields under their organisation's directory key (Vault+PersonSealing);
/// people are found through blind indexes.
extension Vault {
    /// `recoveryKey`: with identities, the public half of the organisation's recovery key (the caller splits the private
    /// half into trustees' shares and keeps nothing); every key the organisation's people hold is also wrapped to it.
    public func addOrganisation(name: String, recoveryKey: X25519.PublicKey? = nil) throws -> OrganisationRecord {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw VaultError.invalidInput("the organisation name is empty") }
        guard usesIdentities == (recoveryKey != nil) else {
            throw VaultError.invalidInput(usesIdentities ? "an organisation of a vault with identities needs a recovery key"
                                                         : "this vault has no identities, so an organisation has no recovery key")
        }
        var record = OrganisationRecord(id: try Self.newID("org"), name: trimmed, createdAt: timestamp(),
                                        recoveryPublic: recoveryKey.map { Data($0.rawRepresentation) })
        try guarded { try store.write { tx in
            try require(.organisationAdd, roles: [.admin], in: tx)
            if try organisation(named: trimmed, in: tx) != nil {
                throw VaultError.invalidInput("an organisation with that name already exists")
            }
            var stored = record
            try sealOrganisationName(trimmed, into: &stored, in: tx)
            try tx.insert(stored)
            record = stored
            record.name = trimmed
            for scope in KeyHierarchy.memberScopes { try shareKey(scope: scope, in: tx) }
            try audit(event("organisation.add", details: ["organisation": record.id]), in: tx)
        } }
        return record
    }

    public func organisations() throws -> [OrganisationRecord] {
        try guarded { try store.read { tx in
            _ = try account(in: tx, evenAwaiting: true)
            return try openedOrganisations(in: tx)
        } }
    }

    /// Adds an account. Only an administrator may; the one exception is a vault with no administrator at all (a
    /// new vault, or one made before roles existed), whose first administrator is added by whoever holds the key.
    /// With identities use `addAccount`, which also makes the person's identity (only the first administrator, whose
    /// identity `init` made, is added here).
    public func addAdvocate(name: String, organisationID: OrganisationID?, role: AccountRole = .advocate) throws -> String {
        // Anyone after the first administrator gets an identity file, which this call would drop on the floor.
        if usesIdentities, try store.read({ tx in try tx.advocates().contains { $0.role == AccountRole.admin.rawValue } }) {
            throw VaultError.invalidInput("with identities a new account's identity file must be handed to the person: add it with addAccount")
        }
        return try addAccount(name: name, organisationID: organisationID, role: role, identityPassphrase: nil).id
    }

    /// Adds an account. With identities (except for the first administrator, whose identity `init` made) it makes the
    /// person's identity too, and the vault's own keys are wrapped to it. `deliver` stores the identity file inside the
    /// transaction: if it fails nothing is recorded (the caller removes the file if the commit then fails).
    public func addAccount(name: String, organisationID: OrganisationID?, role: AccountRole = .advocate,
                           identityPassphrase: SecureBytes?, deliver: ((IdentityFile) throws -> Void)? = nil) throws -> NewAccount {
        let organisationID = organisationID?.rawValue
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw VaultError.invalidInput("the name is empty") }
        var id = try Self.newID("adv")
        var identity: IdentityFile?
        var awaiting = false
        try guarded { try store.write { tx in
            let hasAdministrator = try tx.advocates().contains { $0.role == AccountRole.admin.rawValue }
            let bootstrap = role == .admin && !hasAdministrator
            if !bootstrap { try require(.accountAdd, roles: [.admin], in: tx) }
            var keys: (agreement: Data, signing: Data)?
            if let own = hierarchy.unlock.identity {
                if bootstrap {
                    id = own.accountID
                    keys = (Data(own.agreementKey.publicKey.rawRepresentation), Data(own.signingKey.publicKey.rawRepresentation))
                } else {
                    let made = try IdentityFile.create(vaultID: info.vaultID, accountID: id, passphrase: identityPassphrase, createdAt: timestamp())
                    identity = made.0
                    try deliver?(made.0)
                    keys = (Data(made.1.agreementKey.publicKey.rawRepresentation), Data(made.1.signingKey.publicKey.rawRepresentation))
                }
            }
            switch (role, organisationID) {
            case (.admin, .some):
                throw VaultError.invalidInput("an administrator manages the whole vault and belongs to no organisation")
            case (.advocate, nil), (.manager, nil):
                throw VaultError.invalidInput("an advocate or manager belongs to an organisation: name it")
            case (_, .some(let organisationID)):
                guard try tx.organisation(organisationID) != nil else { throw VaultError.notFound(kind: "organisation", id: organisationID) }
            case (.admin, nil):
                break
            }
            let sealed = try KeyHierarchy.seal(Array(trimmed.utf8), fieldKey: try metadataFieldKey(tx), table: "advocates", column: "name", rowID: id)
            var record = AdvocateRecord(id: id, organisationID: organisationID, nameSealed: sealed, createdAt: timestamp(), role: role.rawValue,
                                        agreementPublic: keys?.agreement, signingPublic: keys?.signing)
            // Checked before the insert: the account itself is no key holder of the organisation yet.
            if try newAccountAwaitsConfirmation(organisationID: organisationID, in: tx) { record.awaitingConfirmationSince = timestamp() }
            awaiting = record.awaitingConfirmationSince != nil
            try tx.insert(record)
            // Every account reads the directory and writes the audit log: the vault's own keys are wrapped to it now.
            for scope in KeyHierarchy.memberScopes { try shareKey(scope: scope, in: tx) }
            var details = ["advocate": id, "role": role.rawValue]
            if let organisationID { details["organisation"] = organisationID }
            if awaiting { details["awaiting_confirmation"] = "true" }
            try audit(event("advocate.add", details: details), in: tx)
        } }
        return NewAccount(id: id, identity: identity, awaitsConfirmation: awaiting)
    }

    /// A new account, and (with identities) the identity file to hand to the person.
    public struct NewAccount: Sendable {
        public let id: String
        public let identity: IdentityFile?
        /// It holds none of its organisation's keys until a key holder of it confirms it (`confirmAccount`).
        public var awaitsConfirmation = false
    }

    public struct AdvocateView: Encodable, Sendable {
        public let id: String
        public let name: String
        public let organisation: String?
        public let organisationName: String?
        public let role: AccountRole
        /// When the account was removed; nil while active.
        public let removedAt: String?
        /// It holds none of its organisation's keys until a key holder of it confirms it (`confirmAccount`).
        public var awaitingConfirmation = false

        enum CodingKeys: String, CodingKey {
            case id, name, organisation, role, organisationName = "organisation_name", removedAt = "removed_at"
            case awaitingConfirmation = "awaiting_confirmation"
        }
    }

    public func advocates() throws -> [AdvocateView] {
        try guarded { try store.read { tx in
            _ = try account(in: tx, evenAwaiting: true)
            let key = try metadataFieldKey(tx)
            let organisations = Dictionary(uniqueKeysWithValues: try openedOrganisations(in: tx).map { ($0.id, $0.name) })
            return try tx.advocates().map { record in
                AdvocateView(id: record.id, name: try name(ofAccount: record, key: key), organisation: record.organisationID,
                             organisationName: record.organisationID.flatMap { organisations[$0] },
                             role: AccountRole(rawValue: record.role) ?? .advocate, removedAt: record.removedAt,
                             awaitingConfirmation: record.awaitingConfirmationSince != nil)
            }
        } }
    }

    public struct PersonInput: Sendable {
        public var name: String
        public var dob: String?
        public var nhsNumber: String?
        public var address: String?
        public var phone: String?
        public var email: String?

        public init(name: String, dob: String? = nil, nhsNumber: String? = nil, address: String? = nil, phone: String? = nil, email: String? = nil) {
            self.name = name
            self.dob = dob
            self.nhsNumber = nhsNumber
            self.address = address
            self.phone = phone
            self.email = email
        }
    }

    public struct PersonView: Encodable, Sendable {
        public let id: String
        public let name: String
        public let dob: String?
        public let nhsNumber: String?
        public let address: String?
        public let phone: String?
        public let email: String?
        public let createdAt: String

        enum CodingKeys: String, CodingKey {
            case id, name, dob, address, phone, email
            case nhsNumber = "nhs_number"
            case createdAt = "created_at"
        }
    }

    public func addPerson(_ input: PersonInput) throws -> PersonID {
        let checked = try Self.checkedPerson(input)
        let id = try Self.newID("per")
        try guarded { try store.write { tx in
            _ = try insertPerson(checked, id: id, in: tx)
        } }
        return PersonID(id)
    }

    /// Registers several people in one transaction, each checked and audited as `addPerson` does. For casevault-bench,
    /// which registers 100 000 people: one transaction each took 35 minutes on the shared machine (load 15–21).
    @_spi(Benchmark) public func addPeople(_ inputs: [PersonInput]) throws -> [PersonID] {
        let checked = try inputs.map(Self.checkedPerson)
        let ids = try checked.map { _ in try Self.newID("per") }
        try guarded { try store.write { tx in
            for (input, id) in zip(checked, ids) { _ = try insertPerson(input, id: id, in: tx) }
        } }
        return ids.map { PersonID($0) }
    }

    /// The input as stored: the name trimmed (and not empty), the date of birth and NHS number checked.
    static func checkedPerson(_ input: PersonInput) throws -> PersonInput {
        var checked = input
        checked.name = input.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !Normalise.name(checked.name).isEmpty else { throw VaultError.invalidInput("the person's name is empty") }
        if let dob = input.dob { _ = try Validation.date(dob, field: "the date of birth") }
        checked.nhsNumber = try input.nhsNumber.map { try Validation.nhsNumber($0) }
        return checked
    }

    /// Registers a checked person in the caller's transaction (`addPerson`, or a situation's new representative),
    /// audited as `person.add`.
    func insertPerson(_ input: PersonInput, id: String, in tx: any VaultRecordWriting) throws -> PersonView {
        let account = try require(.personAdd, roles: [.advocate, .manager], in: tx)
        let metadataKey = try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
        // The fields under the organisation's directory key (issue 17); the blind indexes stay under the metadata
        // key, so any account can tell a duplicate NHS number, never read it (SECURITY.md).
        let (ref, key) = try ownDirectoryKey(in: tx)
        var record = PersonRecord(
            id: id, createdAt: timestamp(), nameSealed: Data(), dobSealed: nil, nhsNumberSealed: nil, addressSealed: nil,
            phoneSealed: nil, emailSealed: nil,
            nameIndex: try KeyHierarchy.blindIndex(Normalise.name(input.name), field: "people.name", metadataKey: metadataKey),
            nhsNumberIndex: try input.nhsNumber.map { try KeyHierarchy.blindIndex($0, field: "people.nhs_number", metadataKey: metadataKey) },
            addedBy: account.id)
        let view = PersonView(id: id, name: input.name, dob: input.dob, nhsNumber: input.nhsNumber, address: input.address, phone: input.phone,
                              email: input.email, createdAt: record.createdAt)
        try sealPerson(view, into: &record, ref: ref, key: key)
        try tx.insert(record)
        try audit(event("person.add", details: ["person": id]), in: tx)
        return view
    }

    /// The people this account may see (on cases it may read, or registered by it).
    public func people() throws -> [PersonView] {
        try guarded { try store.read { tx in
            let visible = try visiblePeople(as: try account(in: tx), in: tx)
            // Someone on a case this account may read by consent, whose fields it holds no key to, is left out.
            return try tx.people().filter { visible.contains($0.id) && $0.erasedAt == nil }.compactMap { try viewIfHeld($0, in: tx) }
        } }
    }

    public func person(_ id: PersonID) throws -> PersonView {
        let id = id.rawValue
        return try guarded { try store.read { tx in
            // An erased row holds ids only, so saying that it was erased tells any account nothing about the person.
            if let record = try tx.person(id), let erasedAt = record.erasedAt { throw VaultError.personErased(id: id, erasedAt: erasedAt) }
            try requireVisible(.personRead, person: id, in: tx)
            guard let record = try tx.person(id) else { throw VaultError.notFound(kind: "person", id: id) }
            return try view(record, in: tx)
        } }
    }

    /// Exact lookup through the blind indexes; nothing is decrypted to search.
    public func findPeople(nhsNumber: String?, name: String?) throws -> [PersonView] {
        try guarded { try store.read { tx in
            let visible = try visiblePeople(as: try account(in: tx), in: tx)
            let metadataKey = try dataKey(scope: KeyHierarchy.vaultScope, version: 1, in: tx)
            var found: [PersonRecord] = []
            if let nhsNumber {
                let index = try KeyHierarchy.blindIndex(try Validation.nhsNumber(nhsNumber), field: "people.nhs_number", metadataKey: metadataKey)
                found = try tx.people(nhsNumberIndex: index)
            }
            if let name {
                let index = try KeyHierarchy.blindIndex(Normalise.name(name), field: "people.name", metadataKey: metadataKey)
                let byName = try tx.people(nameIndex: index)
                found = nhsNumber == nil ? byName : found.filter { record in byName.contains { $0.id == record.id } }
            }
            return try found.filter { visible.contains($0.id) && $0.erasedAt == nil }.compactMap { try viewIfHeld($0, in: tx) }
        } }
    }
}
