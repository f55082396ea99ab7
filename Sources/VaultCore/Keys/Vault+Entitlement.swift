import VaultModel
import Foundation
import VaultCrypto
import VaultStorage

/// With identities, who holds which data key follows who is entitled to it (SECURITY.md, "Identities"):
/// - a case key: the case's assigned advocates, the managers of the organisation that holds it, and that
///   organisation's recovery key; never an administrator;
/// - an organisation's directory key (its people's fields): its active advocates and managers and its recovery key;
/// - the vault's own keys (metadata, audit, signing): every account, and every organisation's recovery key.
/// An account that awaits confirmation (Vault+AccountConfirmation) is entitled to no case or directory key: leaving it
/// out here, the one place entitlement is decided, keeps every wrap (new case, sharing, rotation, transfer) from it.
/// Gaining entitlement adds a wrapper (made by someone who holds the key); losing it rotates the case key, so what is
/// added afterwards is unreadable to the former holder.
extension Vault {
    var usesIdentities: Bool { hierarchy.unlock.identity != nil }
    /// Whether people act with their own identity files (else: one key file of an earlier release).
    public var usesIdentityFiles: Bool { usesIdentities }

    func entitledRecipients(scope: String, in tx: any VaultRecordReading) throws -> [KeyRecipient] {
        if let caseID = KeyHierarchy.caseID(ofScope: scope) {
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            let assigned = Set(try tx.caseAdvocates(caseID))
            let holders = try tx.advocates().filter { account in
                Self.isKeyHolder(account) && account.organisationID == record.organisationID
                    && (assigned.contains(account.id) || account.role == AccountRole.manager.rawValue)
            }
            var recipients = try holders.compactMap(Self.recipient(of:))
            if let organisation = try tx.organisation(record.organisationID), let recovery = try Self.recoveryRecipient(of: organisation) {
                recipients.append(recovery)
            }
            return recipients
        }
        if let organisationID = KeyHierarchy.organisationID(ofScope: scope) {
            // A directory key: every active advocate and manager of the organisation (its people are registered and
            // shared among colleagues), and its recovery key; never an administrator.
            var recipients = try tx.advocates().filter { account in
                Self.isKeyHolder(account) && account.organisationID == organisationID
            }.compactMap(Self.recipient(of:))
            if let organisation = try tx.organisation(organisationID), let recovery = try Self.recoveryRecipient(of: organisation) {
                recipients.append(recovery)
            }
            return recipients
        }
        return try tx.advocates().filter { $0.removedAt == nil }.compactMap(Self.recipient(of:))
            + tx.organisations().compactMap(Self.recoveryRecipient(of:))
    }

    static func recipient(of account: AdvocateRecord) throws -> KeyRecipient? {
        guard let raw = account.agreementPublic else { return nil }
        return KeyRecipient(kind: .identity, id: account.id, publicKey: try X25519.PublicKey(rawRepresentation: Array(raw)))
    }

    static func recoveryRecipient(of organisation: OrganisationRecord) throws -> KeyRecipient? {
        guard let raw = organisation.recoveryPublic else { return nil }
        return KeyRecipient(kind: .recovery, id: organisation.id, publicKey: try X25519.PublicKey(rawRepresentation: Array(raw)))
    }

    /// The wrappers of a new data key version: under the master key with a key file, to every entitled holder with
    /// identities.
    func insertWrappers(of key: SecureBytes, scope: String, version: Int, createdAt: String, in tx: any VaultRecordWriting) throws {
        guard usesIdentities else {
            try tx.insert(try hierarchy.wrap(key, scope: scope, version: version, createdAt: createdAt))
            return
        }
        for recipient in try entitledRecipients(scope: scope, in: tx) {
            try tx.insert(try hierarchy.wrap(key, scope: scope, version: version, to: recipient, createdAt: createdAt))
        }
    }

    /// Adds a wrapper for every entitled holder who has none, for each version of `scope` (or only `versions`, those
    /// the acting identity holds); the acting identity must hold the key. Returns the holders added.
    @discardableResult
    func shareKey(scope: String, versions: [Int]? = nil, in tx: any VaultRecordWriting) throws -> [String] {
        guard usesIdentities else { return [] }
        let entitled = try entitledRecipients(scope: scope, in: tx)
        var added: [String] = []
        for version in try versions ?? tx.dataKeyVersions(scope: scope) {
            let existing = try tx.wrappers(scope: scope, version: version)
            let missing = entitled.filter { recipient in
                !existing.contains { $0.wrapperKind == recipient.kind.rawValue && $0.wrapperID == recipient.id }
            }
            guard !missing.isEmpty else { continue }
            let key = try dataKey(scope: scope, version: version, in: tx)
            for recipient in missing {
                try tx.insert(try hierarchy.wrap(key, scope: scope, version: version, to: recipient, createdAt: timestamp()))
                added.append(recipient.id)
            }
        }
        return added
    }

    /// After someone lost entitlement to a case (unassigned, removed, or the case moved to another organisation): with
    /// identities the case key is rotated to the holders entitled now, so nothing added later opens for the former one.
    func rotateAfterLosingHolder(caseID: String, in tx: any VaultRecordWriting) throws {
        guard usesIdentities else { return }
        _ = try rotateCaseKey(caseID, in: tx)
    }
}
