import Foundation
import VaultCrypto
import VaultStorage

/// Someone can become entitled to a case key when no one who holds it is acting: an administrator adds a manager to an
/// organisation (administrators hold no case keys, so they cannot wrap one), or an account gains a role later. Such a
/// person holds no wrapper until a holder shares: assigning does it for one case, and this does it for every case the
/// acting person holds keys to. Until then the newcomer is refused with a message saying who can fix it.
extension Vault {
    public struct SharedCaseKeys: Sendable, Encodable {
        public let caseID: String
        /// The accounts (and recovery keys) given a wrapper, by id.
        public let holders: [String]

        enum CodingKeys: String, CodingKey { case caseID = "case", holders }
    }

    /// For `caseID` (or every case the acting identity holds a key to), wraps each key version the actor holds to every
    /// entitled holder who has no wrapper yet. Versions the actor cannot open are left for someone who can. Nothing is
    /// recorded when no one was missing.
    public func shareHeldCaseKeys(caseID: CaseID? = nil) throws -> [SharedCaseKeys] {
        let caseID = caseID?.rawValue
        guard hierarchy.unlock.identity != nil else {
            throw VaultError.invalidInput("this vault has one key file, not identities: every key holder already holds every key")
        }
        var shared: [SharedCaseKeys] = []
        try guarded { try store.write { tx in shared = try shareHeldKeys(caseID: caseID, in: tx).cases } }
        return shared
    }

    /// `shareHeldCaseKeys` inside the caller's transaction (a confirmation shares this way too): the case keys, and
    /// when no one case is named the organisation's directory key, to whoever is entitled and lacks them.
    func shareHeldKeys(caseID: String?, in tx: any VaultRecordWriting) throws -> (cases: [SharedCaseKeys], directoryHolders: [String]) {
        guard let own = hierarchy.unlock.identity else { return ([], []) }
        var shared: [SharedCaseKeys] = []
        var directoryHolders: [String] = []
        let ownWrappers = try tx.wrappers().filter { $0.wrapperKind == KeyRecipient.Kind.identity.rawValue && $0.wrapperID == own.accountID }
        let cases: [String]
        if let caseID {
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            _ = try requireMember(.caseChange, of: record, in: tx)
            cases = [caseID]
        } else {
            cases = Array(Set(ownWrappers.compactMap { KeyHierarchy.caseID(ofScope: $0.scope) })).sorted()
        }
        for id in cases {
            guard let record = try tx.caseRecord(id), record.caseStatus != .erased else { continue }
            if caseID == nil { _ = try requireMember(.caseChange, of: record, in: tx) }
            let scope = KeyHierarchy.caseScope(id)
            // Only the versions the actor holds: the others are left for someone who can open them.
            let added = try shareKey(scope: scope, versions: ownWrappers.filter { $0.scope == scope }.map(\.version), in: tx)
            guard !added.isEmpty else { continue }
            let holders = added.uniqued()
            try audit(event("case.keys_shared", caseID: id, details: ["holders": holders.joined(separator: ",")]), in: tx)
            shared.append(SharedCaseKeys(caseID: id, holders: holders))
        }
        // The organisation's directory key (its people's fields) too, when the actor holds it.
        if caseID == nil, let organisationID = try account(in: tx).organisationID {
            let scope = KeyHierarchy.organisationScope(organisationID)
            if ownWrappers.contains(where: { $0.scope == scope }) {
                directoryHolders = try shareKey(scope: scope, in: tx).uniqued()
                if !directoryHolders.isEmpty {
                    try audit(event("organisation.keys_shared", details: ["organisation": organisationID,
                                                                          "holders": directoryHolders.joined(separator: ",")]), in: tx)
                }
            }
        }
        return (shared, directoryHolders)
    }
}
