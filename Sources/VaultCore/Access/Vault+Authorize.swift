import VaultModel
import Audit
import Consent
import Foundation

/// A refusal by the vault's rules. Nothing was changed; the refusal itself is an audit event.
public enum AccessError: Error, Sendable, CustomStringConvertible {
    /// The acting id names no account of this vault.
    case unknownAccount(id: String)
    /// With identities: someone other than the identity's own account was named as acting.
    case notYourIdentity(asked: String, identity: String)
    /// With identities: the account no longer has this identity (removed, or re-issued a new one by recovery).
    case identityReplaced(account: String)
    /// The account was removed: it acts no more.
    case accountRemoved(account: String, on: String)
    /// The account's role or its relation to the case does not allow the operation.
    case refused(operation: VaultOperation, actor: String, subject: String?, reason: RefusalReason)
    /// An administrator added the account to an organisation that has key holders, and none of them has confirmed it
    /// yet: it acts on no case or person. `confirmers`: the names of those who can confirm it; `confirmedBy`: their
    /// role (managers, or the advocates of an organisation that has no manager), so the words name who can.
    case awaitingConfirmation(account: String, organisation: String, confirmers: [String], confirmedBy: AccountRole)
    /// The consent engine denied the action.
    case consentRefused(Vault.ConsentCheck)
    /// The consent engine warned, and the policy needs the warning acknowledged first.
    case acknowledgementNeeded(Vault.ConsentCheck, missing: [RuleID])

    public var description: String {
        switch self {
        case .unknownAccount(let id): "\(id) is not an account of this vault; nothing was done"
        case .notYourIdentity(let asked, let identity):
            "this identity file is \(identity)'s: it cannot act as \(asked) (each person acts with their own identity file); nothing was done"
        case .accountRemoved(let account, let on):
            "\(account) was removed from this vault on \(on) and can no longer act; nothing was done"
        case .identityReplaced(let account):
            "this identity file is no longer \(account)'s identity (the account was removed, or given a new identity); nothing was done"
        case .awaitingConfirmation(let account, let organisation, let confirmers, let role):
            "\(account) awaits confirmation by \(Self.confirmer(role, of: organisation)): until one confirms it, it holds none of \(organisation)'s keys "
                + "and acts on no case or person; ask \(confirmers.isEmpty ? Self.confirmer(role, of: organisation) : Self.either(confirmers)) "
                + "to confirm it once you have renewed your identity, reading them its new fingerprint; nothing was done"
        case .refused(let operation, let actor, let subject, let reason):
            "\(actor) may not \(operation.summary)\(subject.map { " (\($0))" } ?? ""): \(reason); nothing was done"
        case .consentRefused(let check):
            "refused by the consent rules (\(check.decision.ruleIDs.map(\.rawValue).joined(separator: ", "))): \(check.request.actor) may not "
                + "\(check.request.action.rawValue) for \(check.request.onBehalfOf) on case \(check.request.caseID ?? "-"); nothing was done"
        case .acknowledgementNeeded(let check, let missing):
            "\(check.request.action.rawValue) on case \(check.request.caseID ?? "-") needs the warning of "
                + "\(missing.map(\.rawValue).joined(separator: ", ")) acknowledged first; nothing was done"
        }
    }

    /// Who confirms a newcomer of `organisation`: its managers, or its advocates when it has no manager.
    static func confirmer(_ role: AccountRole, of organisation: String) -> String {
        role == .manager ? "a manager of \(organisation)" : "\(role.article) of \(organisation), which has no manager"
    }

    static func either(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }
}

/// The one place that decides whether the acting account may do an operation: its role, its relation to the case
/// (assigned, or a manager of the case's organisation) and, for anything that reads or adds documents, the consent
/// engine. Services call it inside their own transaction, so a check and the change it guards see the same rows.
extension Vault {
    /// The acting account, refused (`AccessError`) when it is unknown, removed or no longer has this identity: what a
    /// team server asks at login and on every request of a session.
    public func actingAccount() throws -> Account {
        // The row the open read moments ago in its one transaction, while nothing has been written since: the same
        // row and the same checks as a read of its own (a team server asks this first on every request).
        if let opened = openedAccount, eventsWritten == 0, ledger.eventsAppended == 0 {
            openedAccount = nil
            return try account(from: opened)
        }
        return try store.read { try account(in: $0) }
    }

    /// `evenAwaiting`: the few things an account awaiting confirmation may still do (read the directory's names, its
    /// own login codes); everything else refuses it here, whatever role checks follow (Vault+AccountConfirmation).
    func account(in tx: any VaultRecordReading, evenAwaiting: Bool = false) throws -> Account {
        guard let actor else { throw VaultError.actorRequired }
        let record = try tx.advocate(actor)
        let account = try account(from: record)
        if account.awaitsConfirmation, !evenAwaiting, let record { throw try awaitingConfirmation(record, in: tx) }
        return account
    }

    private func account(from record: AdvocateRecord?) throws -> Account {
        guard let actor else { throw VaultError.actorRequired }
        guard let record else { throw AccessError.unknownAccount(id: actor) }
        if let removed = record.removedAt { throw AccessError.accountRemoved(account: actor, on: removed) }
        // The vault, not the file, says whose identity this is now: an old or forged file for the account is refused.
        if let identity = hierarchy.unlock.identity,
           record.agreementPublic.map(Array.init) != identity.agreementKey.publicKey.rawRepresentation {
            throw AccessError.identityReplaced(account: actor)
        }
        guard let role = AccountRole(rawValue: record.role) else {
            throw VaultError.damagedField(table: AdvocateRecord.tableName, column: "role", rowID: actor)
        }
        return Account(id: actor, organisationID: record.organisationID, role: role,
                       awaitsConfirmation: record.awaitingConfirmationSince != nil)
    }

    /// The account, refused unless its role is one of `roles`.
    @discardableResult
    func require(_ operation: VaultOperation, roles: Set<AccountRole>, subject: String? = nil,
                 in tx: any VaultRecordReading) throws -> Account {
        let account = try account(in: tx)
        guard roles.contains(account.role) else {
            throw AccessError.refused(operation: operation, actor: account.id, subject: subject,
                                      reason: "this needs \(operation.who), and this account is \(account.role.article)")
        }
        return account
    }

    /// An administrator, or an account of `organisationID`: what a change to one organisation's settings, accounts or
    /// keys asks once `require` has checked the role (a manager acts for their own organisation only). Asked after
    /// the caller's own not-found checks, so each refusal and its order stay as the service had them.
    func requireOwnOrganisation(_ account: Account, of organisationID: String?, _ operation: VaultOperation, subject: String,
                                reason: RefusalReason) throws {
        guard account.role == .admin || (organisationID != nil && account.organisationID == organisationID) else {
            throw AccessError.refused(operation: operation, actor: account.id, subject: subject, reason: reason)
        }
    }

    /// Assigned to the case, or a manager of its organisation, and (either way) of the organisation that holds it
    /// now: after a transfer the old organisation's advocates are no longer members.
    func isMember(_ account: Account, of caseRecord: CaseRecord, in tx: any VaultRecordReading) throws -> Bool {
        guard account.role != .admin, !account.awaitsConfirmation, account.organisationID == caseRecord.organisationID else { return false }
        if account.role == .manager { return true }
        return try tx.caseAdvocates(caseRecord.id).contains(account.id)
    }

    @discardableResult
    func requireMember(_ operation: VaultOperation, of caseRecord: CaseRecord, in tx: any VaultRecordReading) throws -> Account {
        try checkSignedState(caseID: caseRecord.id, in: tx)
        let account = try account(in: tx)
        guard try isMember(account, of: caseRecord, in: tx) else {
            throw AccessError.refused(operation: operation, actor: account.id, subject: caseRecord.id,
                                      reason: "this needs \(operation.who), and this account is neither")
        }
        return account
    }

    /// Members read a case's records (they must see a withdrawal to act on it); anyone else only when the consent
    /// rules would let them view the case's documents today.
    func mayRead(_ caseRecord: CaseRecord, as account: Account, in tx: any VaultRecordReading) throws -> Bool {
        if try isMember(account, of: caseRecord, in: tx) { return true }
        guard account.role != .admin, !account.awaitsConfirmation, caseRecord.caseStatus != .erased else { return false }
        return try evaluate(.viewDocuments, caseRecord: caseRecord, targetOrg: nil, in: tx).permits
    }

    /// `mayRead`, and when it says no, a refusal that carries the consent rules' decision if they were asked (a
    /// non-member who is no administrator, on a case not erased), cut to what this account may learn
    /// (Vault+DisclosedDecision). Membership is still asked first.
    @discardableResult
    func requireRead(_ caseRecord: CaseRecord, in tx: any VaultRecordReading) throws -> Account {
        try checkSignedState(caseID: caseRecord.id, in: tx)
        let account = try account(in: tx)
        if try isMember(account, of: caseRecord, in: tx) { return account }
        var consent: ConsentRefusal?
        if account.role != .admin, caseRecord.caseStatus != .erased {
            // The same question `mayRead` asks; names are looked up only when it refuses.
            let check = try evaluate(.viewDocuments, caseRecord: caseRecord, targetOrg: nil, naming: .whenRefused, in: tx)
            if check.permits { return account }
            // Refused for facts it cannot open: the refusal says what it needs, not a decision it was never given.
            if check.decision.outcome != .deny || check.undecidable { consent = nil } else { consent = try consentRefusal(check, caseRecord: caseRecord, as: account, in: tx) }
        }
        throw AccessError.refused(operation: .caseRead, actor: account.id, subject: caseRecord.id,
                                  reason: RefusalReason("this needs \(VaultOperation.caseRead.who), and none of these holds", consent: consent))
    }

    /// People an account may see: those on cases it may read (client or registered case person), and those it
    /// registered itself.
    /// `people`: the rows when the caller has already read them (a search over everyone reads them once).
    func visiblePeople(as account: Account, in tx: any VaultRecordReading, people: [PersonRecord]? = nil) throws -> Set<String> {
        var visible = try peopleOnVisibleCases(as: account, in: tx)
        for person in try people ?? tx.people() where person.addedBy == account.id { visible.insert(person.id) }
        return visible
    }

    /// The clients and registered people of the cases the account may read (`visiblePeople` adds those it registered).
    func peopleOnVisibleCases(as account: Account, in tx: any VaultRecordReading) throws -> Set<String> {
        var visible = Set<String>()
        for caseRecord in try tx.cases() where try mayRead(caseRecord, as: account, in: tx) {
            visible.insert(caseRecord.clientID)
            visible.formUnion(try registeredPersonIDs(caseID: caseRecord.id, in: tx))
        }
        return visible
    }

    func requireVisible(_ operation: VaultOperation, person personID: String, in tx: any VaultRecordReading) throws {
        let account = try account(in: tx)
        guard let person = try tx.person(personID) else { throw VaultError.notFound(kind: "person", id: personID) }
        if let erasedAt = person.erasedAt { throw VaultError.personErased(id: personID, erasedAt: erasedAt) }
        guard try visiblePeople(as: account, in: tx).contains(personID) else {
            throw AccessError.refused(operation: operation, actor: account.id, subject: personID,
                                      reason: "this needs \(operation.who)")
        }
    }

    /// `requireVisible` for a change to a case the account was just found to be a member of: its client and registered
    /// people are visible through it, so only someone else costs the walk over every case.
    func requireVisible(_ operation: VaultOperation, person personID: String, onMemberCase caseRecord: CaseRecord,
                        in tx: any VaultRecordReading) throws {
        let onCase = try personID == caseRecord.clientID || registeredPersonIDs(caseID: caseRecord.id, in: tx).contains(personID)
        if onCase, let person = try tx.person(personID), person.erasedAt == nil { return }
        try requireVisible(operation, person: personID, in: tx)
    }

    /// Changing what is known about a person (status, capacity) needs a case of theirs the account is a member of,
    /// or to have registered them.
    func requireCarer(person personID: String, in tx: any VaultRecordReading) throws {
        let account = try account(in: tx)
        guard let person = try tx.person(personID) else { throw VaultError.notFound(kind: "person", id: personID) }
        if person.addedBy == account.id && account.role != .admin { return }
        for caseRecord in try tx.cases() where try isMember(account, of: caseRecord, in: tx) {
            if caseRecord.clientID == personID { return }
            if try registeredPersonIDs(caseID: caseRecord.id, in: tx).contains(personID) { return }
        }
        throw AccessError.refused(operation: .personChange, actor: account.id, subject: personID, reason: "this needs \(VaultOperation.personChange.who)")
    }

    /// Runs `body`; a refusal is recorded in the audit log (in its own transaction, since the guarded one rolled
    /// back) before it reaches the caller.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AccessError {
            if case .awaitingConfirmation(let actor, _, _, _) = error {
                try? audit(AuditEvent(time: timestamp(), actor: actor, action: "access.refused", outcome: AuditOutcome.refused.rawValue,
                                      details: ["reason": "awaiting_confirmation"]))
            }
            if case .refused(let operation, let actor, let subject, _) = error {
                var details = ["operation": operation.rawValue]
                if let subject { details["subject"] = subject }
                let caseID = subject.flatMap { $0.hasPrefix("case-") ? $0 : nil }
                // If the refusal cannot be recorded, the refusal still stands and is what the caller must see.
                try? audit(AuditEvent(time: timestamp(), actor: actor, action: "access.refused", caseID: caseID, outcome: AuditOutcome.refused.rawValue, details: details))
                // The audit keeps the id; the person reading the refusal sees their own name too.
                if let name = try? accountName(actor), case .refused(let operation, _, let subject, let reason) = error {
                    throw AccessError.refused(operation: operation, actor: "\(name) (\(actor))", subject: subject, reason: reason)
                }
            }
            throw error
        }
    }
}

extension AccountRole {
    var article: String {
        switch self {
        case .admin: "an administrator"
        case .manager: "a manager"
        case .advocate: "an advocate"
        }
    }
}
