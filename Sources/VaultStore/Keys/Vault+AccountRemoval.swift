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
    public func removeAccount(_ accountID: String) throws -> AccountRemoval {
        var result: AccountRemoval?
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
