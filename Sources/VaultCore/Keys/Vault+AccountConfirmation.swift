import VaultModel
import Foundation
import VaultCrypto
import VaultStorage

/// An administrator adds accounts but must never read a case. Were every account it added entitled at once, it could
/// add a manager to an organisation, keep the identity file it wrote, and be handed that organisation's case keys by
/// the next colleague who acts. So an account added to an organisation that already has a key holder awaits
/// confirmation: it is entitled to none of the organisation's keys (`entitledRecipients` leaves it out, so no sharing,
/// rotation or transfer wraps one to it) and acts on no case or person until a manager of the organisation confirms
/// it, having checked with the person that the identity's fingerprint is the one they hold (SECURITY.md, "Identities").
/// The vault's own keys (names of organisations and accounts, audit, signing) it holds as an administrator does.
extension Vault {
    /// Whether `account` may hold keys of its organisation: confirmed (or made before confirmation existed) and active.
    static func isKeyHolder(_ account: AdvocateRecord) -> Bool {
        account.removedAt == nil && account.awaitingConfirmationSince == nil && account.role != AccountRole.admin.rawValue
    }

    /// Who may confirm a new account of `organisationID`: its confirmed managers; an organisation with none has its
    /// confirmed advocates do it (else nobody could, and an administrator's manager would have to be trusted unseen).
    func confirmers(ofOrganisation organisationID: String, in tx: any VaultRecordReading) throws -> [AdvocateRecord] {
        let holders = try tx.advocates().filter { $0.organisationID == organisationID && Self.isKeyHolder($0) }
        let managers = holders.filter { $0.role == AccountRole.manager.rawValue }
        return managers.isEmpty ? holders : managers
    }

    /// The role `confirmers` share: managers, unless the organisation has none (then its advocates, or, with no
    /// key holder left at all, still a manager it would need).
    static func confirmerRole(_ confirmers: [AdvocateRecord]) -> AccountRole {
        confirmers.isEmpty || confirmers.contains { $0.role == AccountRole.manager.rawValue } ? .manager : .advocate
    }

    /// A new account of `organisationID` awaits confirmation when the organisation already has a key holder (with
    /// identities: a vault of one key file gives every key holder every key anyway). The first is trusted as before.
    func newAccountAwaitsConfirmation(organisationID: String?, in tx: any VaultRecordReading) throws -> Bool {
        guard usesIdentities, let organisationID else { return false }
        return try tx.advocates().contains { $0.organisationID == organisationID && Self.isKeyHolder($0) && $0.agreementPublic != nil }
    }

    /// Who can confirm a newcomer, in words: their organisation, names and role.
    public struct Confirmers: Sendable {
        public let organisation: String
        public let names: [String]
        public let role: AccountRole

        public init(organisation: String, names: [String], role: AccountRole) {
            self.organisation = organisation
            self.names = names
            self.role = role
        }

        /// "Lee Morgan, a manager of Norfolk NHS Complaints Advocacy", or the role alone when no one can yet.
        public var whom: String {
            let role = AccessError.confirmer(self.role, of: organisation)
            return names.isEmpty ? role : "\(AccessError.either(names)), \(role)"
        }
    }

    func confirmers(of record: AdvocateRecord, in tx: any VaultRecordReading) throws -> Confirmers {
        let key = try metadataFieldKey(tx)
        let organisationID = record.organisationID ?? ""
        let confirmers = try confirmers(ofOrganisation: organisationID, in: tx)
        return Confirmers(organisation: try organisationName(organisationID, in: tx) ?? organisationID,
                          names: try confirmers.map { try name(ofAccount: $0, key: key) }, role: Self.confirmerRole(confirmers))
    }

    /// The refusal for an account that awaits confirmation, naming who can confirm it.
    func awaitingConfirmation(_ record: AdvocateRecord, in tx: any VaultRecordReading) throws -> AccessError {
        let confirmers = try confirmers(of: record, in: tx)
        return AccessError.awaitingConfirmation(account: record.id, organisation: confirmers.organisation, confirmers: confirmers.names,
                                                confirmedBy: confirmers.role)
    }

    /// Assigning someone who awaits confirmation to a case would name them a member before anyone of the organisation
    /// vouched for them (and would give them the case key the moment they are confirmed for some other reason).
    func requireAssignable(_ assignee: AdvocateRecord, in tx: any VaultRecordReading) throws {
        guard assignee.awaitingConfirmationSince != nil else { return }
        let organisation = try assignee.organisationID.flatMap { try organisationName($0, in: tx) } ?? "its organisation"
        let role = Self.confirmerRole(try confirmers(ofOrganisation: assignee.organisationID ?? "", in: tx))
        throw VaultError.invalidInput("\(assignee.id) awaits confirmation by \(AccessError.confirmer(role, of: organisation)), so cannot be assigned to a case "
                                      + "until one confirms it; nothing was changed")
    }

    /// The fingerprint of an account's identity as this vault holds it (its public keys): what the person reads out
    /// from their own file (`IdentityFile.fingerprint`) before a manager confirms them.
    public func identityFingerprint(of accountID: AccountID) throws -> String {
        try guarded { try store.read { tx in
            _ = try account(in: tx, evenAwaiting: true)
            guard let record = try tx.advocate(accountID.rawValue) else { throw VaultError.notFound(kind: "advocate", id: accountID.rawValue) }
            return try fingerprint(of: record)
        } }
    }

    func fingerprint(of record: AdvocateRecord) throws -> String {
        guard let agreement = record.agreementPublic, let signing = record.signingPublic else {
            throw VaultError.invalidInput("\(record.id) has no identity in this vault (a vault of one key file): there is nothing to confirm")
        }
        return try IdentityFile.fingerprint(vaultID: info.vaultID, accountID: record.id, agreementPublic: Array(agreement), signingPublic: Array(signing))
    }

    public struct ConfirmedAccount: Sendable, Encodable {
        public let accountID: String
        /// The cases whose keys were shared with the account in the same transaction.
        public let casesShared: [String]
        /// Whether the organisation's directory key (its people's fields) was shared with it.
        public let directoryKeyShared: Bool

        enum CodingKeys: String, CodingKey {
            case accountID = "id"
            case casesShared = "cases_shared"
            case directoryKeyShared = "directory_key_shared"
        }
    }

    /// A manager of the account's organisation (`confirmers`) confirms it, giving the fingerprint the person read out
    /// from their own identity file; in the same transaction the keys it is now entitled to that the manager holds are
    /// wrapped to it. Refused (audited, nothing changed) for anyone else, the account itself, or another fingerprint.
    public func confirmAccount(_ accountID: AccountID, fingerprint: String) throws -> ConfirmedAccount {
        let accountID = accountID.rawValue
        var result: ConfirmedAccount?
        try guarded { try store.write { tx in
            // `require` refuses an account that itself awaits confirmation (`account(in:)`), and an administrator.
            let actor = try require(.accountConfirm, roles: [.manager, .advocate], subject: accountID, in: tx)
            guard var target = try tx.advocate(accountID) else { throw VaultError.notFound(kind: "advocate", id: accountID) }
            guard target.removedAt == nil, target.awaitingConfirmationSince != nil else {
                throw VaultError.invalidInput("\(accountID) does not await confirmation; nothing was changed")
            }
            let organisationID = target.organisationID ?? ""
            guard target.id != actor.id, try confirmers(ofOrganisation: organisationID, in: tx).contains(where: { $0.id == actor.id }) else {
                throw AccessError.refused(operation: .accountConfirm, actor: actor.id, subject: accountID,
                                          reason: "this needs \(VaultOperation.accountConfirm.who)")
            }
            try requireRenewedByHolder(target, actor: actor.id)
            guard Self.sameFingerprint(fingerprint, try self.fingerprint(of: target)) else {
                throw AccessError.refused(operation: .accountConfirm, actor: actor.id, subject: accountID,
                                          reason: RefusalReason("the fingerprint given is not the one of this account's identity: the identity file "
                                              + "the person holds is not the one the vault knows, so do not confirm them; ask the administrator who added them"))
            }
            target.awaitingConfirmationSince = nil
            try tx.update(target)
            try audit(event("account.confirm", details: ["advocate": accountID, "organisation": organisationID]), in: tx)
            let shared = try shareHeldKeys(caseID: nil, in: tx)
            result = ConfirmedAccount(accountID: accountID, casesShared: shared.cases.filter { $0.holders.contains(accountID) }.map(\.caseID),
                                      directoryKeyShared: shared.directoryHolders.contains(accountID))
        } }
        guard let result else { throw VaultError.invalidInput("\(accountID) was not confirmed") }
        return result
    }

    /// The accounts awaiting confirmation that the acting account may confirm (it is one of their organisation's
    /// `confirmers`): what a front end offers to confirm. `confirmAccount` asks the same rule again when it is done.
    public func accountsAwaitingMyConfirmation() throws -> [AccountID] {
        try guarded { try store.read { tx in
            let actor = try account(in: tx, evenAwaiting: true)
            guard !actor.awaitsConfirmation, let organisationID = actor.organisationID,
                  try confirmers(ofOrganisation: organisationID, in: tx).contains(where: { $0.id == actor.id }) else { return [] }
            return try tx.advocates().filter { $0.organisationID == organisationID && $0.removedAt == nil && $0.awaitingConfirmationSince != nil }
                .map { AccountID($0.id) }
        } }
    }

    /// Fingerprints compare however they were written down (case, colons, spaces).
    static func sameFingerprint(_ given: String, _ expected: String) -> Bool {
        let normal = { (text: String) in text.lowercased().filter(\.isHexDigit) }
        return !normal(given).isEmpty && normal(given) == normal(expected)
    }
}
