import VaultModel
import Foundation
import VaultCrypto
import VaultStorage

/// Removing an account (someone leaves the service): it acts no more, holds no key, and every case key it held, and its
/// organisation's directory key, are rotated in the same transaction, so nothing added afterwards opens for it even
/// with a key it saved. The row stays,
/// marked removed: audit events and histories name it, and its public keys still check the events it signed.
extension Vault {
    public struct AccountRemoval: Sendable {
        public let accountID: String
        public let unassignedFrom: [String]
        public let casesRekeyed: [String]
    }

    /// A manager of the account's organisation removes its advocates and managers (they hold its case keys, so they can
    /// rotate them); an administrator removes other administrators (who hold no case key). No one removes themselves,
    /// the last administrator stays, and an open case keeps an assigned advocate.
    /// `recoveryKey`: the organisation's recovery key, rebuilt from its trustees' shares, for a manager who has not been
    /// given the organisation's directory key or a case key the account held (see `keysForRemoval`).
    public func removeAccount(_ accountID: AccountID, recoveryKey: X25519.PrivateKey? = nil) throws -> AccountRemoval {
        let accountID = accountID.rawValue
        var result: AccountRemoval?
        var borrowed: [String] = []
        // A key opened with the recovery key serves this removal only.
        defer { for cached in borrowed { dataKeys[cached] = nil; fieldOpeners[cached] = nil } }
        try guarded { try store.write { tx in
            let actor = try account(in: tx)
            guard var target = try tx.advocate(accountID) else { throw VaultError.notFound(kind: "advocate", id: accountID) }
            if let removed = target.removedAt { throw VaultError.invalidInput("\(accountID) was already removed on \(removed); nothing was changed") }
            guard target.id != actor.id else {
                throw VaultError.invalidInput("no one removes their own account: a manager of your organisation (or an administrator, for an administrator) does")
            }
            if let organisation = target.organisationID {
                guard actor.role == .manager, actor.organisationID == organisation else {
                    throw AccessError.refused(operation: .organisationChange, actor: actor.id, subject: accountID,
                                              reason: "an advocate or manager is removed by a manager of their own organisation, who holds its case keys and so rotates them at once")
                }
            } else {
                guard actor.role == .admin else {
                    throw AccessError.refused(operation: .accountAdd, actor: actor.id, subject: accountID,
                                              reason: "an administrator is removed by another administrator")
                }
                let administrators = try tx.advocates().filter { $0.role == AccountRole.admin.rawValue && $0.removedAt == nil }
                guard administrators.count > 1 else { throw VaultError.invalidInput("the vault's last administrator cannot be removed; add another first") }
            }
            let assigned = try tx.cases().filter { try tx.caseAdvocates($0.id).contains(accountID) }
            let stranded = try assigned.filter { record in try record.caseStatus == .open && tx.caseAdvocates(record.id).count == 1 }.map(\.id)
            guard stranded.isEmpty else {
                throw VaultError.invalidInput("\(accountID) is the only advocate assigned to open case(s) \(stranded.joined(separator: ", ")): assign someone else first; nothing was changed")
            }
            if let organisation = target.organisationID {
                borrowed = try keysForRemoval(of: organisation, removing: accountID, by: actor, recoveryKey: recoveryKey, in: tx)
            }
            for record in assigned { try tx.deleteCaseAdvocate(caseID: record.id, advocateID: accountID) }
            let wrappers = try tx.wrappers().filter { $0.wrapperKind == KeyRecipient.Kind.identity.rawValue && $0.wrapperID == accountID }
            for wrapper in wrappers { try tx.deleteWrapper(wrapper) }
            // Marked before the rotations, so the new case keys are not wrapped to the account again.
            target.removedAt = timestamp()
            try tx.update(target)
            let held = Set(wrappers.compactMap { KeyHierarchy.caseID(ofScope: $0.scope) }).sorted()
            for caseID in held { _ = try rotateCaseKey(caseID, in: tx) }
            // Their organisation's people too: a directory key they copied opens nothing registered or changed from now.
            if let organisation = target.organisationID { try rotateDirectoryKey(organisation, in: tx) }
            try audit(event("advocate.remove", details: ["advocate": accountID, "unassigned": assigned.map(\.id).joined(separator: ","),
                                                        "rekeyed": held.joined(separator: ",")]), in: tx)
            result = AccountRemoval(accountID: accountID, unassignedFrom: assigned.map(\.id), casesRekeyed: held)
        } }
        for caseID in result?.casesRekeyed ?? [] { forgetCaseKeys(caseID) }
        guard let result else { throw VaultError.invalidInput("\(accountID) was not removed") }
        return result
    }
}

extension Vault {
    /// Removing a member rotates the organisation's directory key and the key of every case they held, which opens and
    /// re-seals everything under them, so the manager doing it must hold those keys. A manager added by an
    /// administrator holds none until a colleague who does shares their keys (administrators hold none to wrap).
    /// Without them the removal is refused before anything is written, naming who holds them; with the organisation's
    /// recovery key (its trustees' shares: every version of those keys is wrapped to it) they are opened from their
    /// recovery wrappers for this removal, so a manager is never stuck when no one else holds them. Either way the
    /// rotations happen in full: the removed member's copies open nothing registered or changed afterwards. Returns the
    /// cache entries to drop after the removal.
    func keysForRemoval(of organisationID: String, removing accountID: String, by actor: Account,
                        recoveryKey: X25519.PrivateKey?, in tx: any VaultRecordWriting) throws -> [String] {
        guard usesIdentities else { return [] }
        let directory = KeyHierarchy.organisationScope(organisationID)
        let leaversCases = Set(try tx.wrappers().compactMap { wrapper in
            wrapper.wrapperKind == KeyRecipient.Kind.identity.rawValue && wrapper.wrapperID == accountID ? KeyHierarchy.caseID(ofScope: wrapper.scope) : nil
        })
        var needed: [(scope: String, version: Int)] = try tx.dataKeyVersions(scope: directory).last.map { [(directory, $0)] } ?? []
        for caseID in leaversCases.sorted() {
            let scope = KeyHierarchy.caseScope(caseID)
            needed += try tx.dataKeyVersions(scope: scope).map { (scope, $0) }
        }
        let missing = try needed.filter { try !holdsKey(scope: $0.scope, version: $0.version, in: tx) }
        guard let first = missing.first else { return [] }
        guard let recoveryKey else {
            let metadataKey = try metadataFieldKey(tx)
            var holders: [(name: String, manager: Bool)] = []
            for wrapper in try tx.wrappers(scope: first.scope, version: first.version)
            where wrapper.wrapperKind == KeyRecipient.Kind.identity.rawValue && wrapper.wrapperID != accountID {
                guard let holder = try tx.advocate(wrapper.wrapperID), holder.removedAt == nil else { continue }
                holders.append(("\(try name(ofAccount: holder, key: metadataKey)) (\(holder.id))", holder.role == AccountRole.manager.rawValue))
            }
            let what = Set(missing.map(\.scope)).sorted().map { scope in
                KeyHierarchy.caseID(ofScope: scope).map { "case \($0)'s key" } ?? "organisation \(organisationID)'s directory key (its people)"
            }.joined(separator: ", ")
            let managers = holders.filter(\.manager).map(\.name)
            var next = holders.isEmpty ? "no other active member holds \(missing.count == 1 ? "it" : "them")"
                : "\(holders.map(\.name).joined(separator: ", ")) \(holders.count == 1 ? "holds" : "hold") \(KeyHierarchy.caseID(ofScope: first.scope).map { "case \($0)'s key" } ?? "the directory key")"
                    + " and can share their keys with you; then remove \(accountID) again"
            if !managers.isEmpty { next += " (or \(managers.joined(separator: " or ")) can remove \(accountID) themselves)" }
            throw AccessError.refused(operation: .organisationChange, actor: actor.id, subject: accountID,
                                      reason: RefusalReason("removing \(accountID) rotates \(what), re-sealing what is under them, and your identity has not been given "
                                          + "\(missing.count == 1 ? "that key" : "those keys") yet: \(next); or remove them with \(organisationID)'s "
                                          + "recovery key, rebuilt from its trustees' share codes"))
        }
        guard let organisation = try tx.organisation(organisationID),
              organisation.recoveryPublic.map(Array.init) == recoveryKey.publicKey.rawRepresentation else {
            throw VaultError.invalidInput("the shares rebuild a key that is not \(organisationID)'s recovery key; nothing was changed")
        }
        var borrowed: [String] = []
        for (scope, version) in missing {
            guard let wrapper = try tx.wrappers(scope: scope, version: version).first(where: {
                $0.wrapperKind == KeyRecipient.Kind.recovery.rawValue && $0.wrapperID == organisationID
            }) else { throw VaultError.keyNotHeld(scope: scope, account: actor.id) }
            let cached = "\(scope)#\(version)"
            dataKeys[cached] = try hierarchy.open(wrapper, with: recoveryKey, kind: .recovery, holder: organisationID)
            borrowed.append(cached)
        }
        return borrowed
    }
}
