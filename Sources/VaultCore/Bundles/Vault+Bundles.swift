import VaultModel
import Consent
import Foundation
import VaultCrypto

/// The redaction logs of exported bundles: kept in the vault (sealed like the consent records), never in the
/// bundle. The log's shape belongs to the bundle code; the vault seals, audits and returns it.
extension Vault {
    public func newBundleID() throws -> String { try Self.newID("bun") }

    /// Bundles are signed with the vault's Ed25519 key (the one `keys show` prints the public half of).
    public var bundleSigningKey: Ed25519.PrivateKey { secrets.signingKey }

    public var vaultID: String { info.vaultID }
    /// Checks this vault's signatures (bundles, checkpoints) without any secret.
    public var signingPublicKey: Ed25519.PublicKey { secrets.signingKey.publicKey }

    /// The time a bundle is stamped with (the vault's clock, as the audit log uses).
    public func bundleTimestamp() -> String { timestamp() }

    /// Stores a bundle's log and its `bundle.export` audit event (ids and counts only) together, after the
    /// bundle's files are durable.
    public func recordBundle(_ log: some Encodable, bundleID: String, caseID: CaseID, auditDetails: [String: String]) throws {
        let caseID = caseID.rawValue
        try requireExportAllowed(caseID: caseID)
        try store.write { tx in
            guard try tx.caseRecord(caseID) != nil else { throw VaultError.notFound(kind: "case", id: caseID) }
            try tx.save(try sealConsent(log, id: bundleID, type: .bundleLog, caseID: caseID, personID: nil, in: tx))
            try audit(event("bundle.export", caseID: caseID, details: auditDetails.merging(["bundle": bundleID]) { $1 }), in: tx)
        }
    }

    /// An export that was refused after the consent check (a leak found, a document unreadable): audited, nothing kept.
    /// Only after the export was allowed: a front end cannot write a `bundle.export` event about any case it likes.
    public func recordBundleFailure(caseID: CaseID, reason: String) throws {
        let caseID = caseID.rawValue
        try requireExportAllowed(caseID: caseID)
        try audit(event("bundle.export", caseID: caseID, outcome: .failure, details: ["reason": reason]))
    }

    /// A bundle's records are written only in a session whose export of this case the consent rules allowed.
    private func requireExportAllowed(caseID: String) throws {
        guard consentGrants["\(caseID)|\(ConsentAction.exportBundle.rawValue)|*"] != nil else {
            throw VaultError.invalidInput("a bundle is recorded only after the consent rules allowed its export")
        }
    }

    /// A case's bundle logs, oldest first.
    public func bundleLogs<Log: Decodable>(caseID: CaseID, as _: Log.Type) throws -> [Log] {
        try requireConsent(.viewDocuments, caseID: caseID)
        let caseID = caseID.rawValue
        return try store.read { tx in
            guard try tx.caseRecord(caseID) != nil else { throw VaultError.notFound(kind: "case", id: caseID) }
            return try tx.consentRecords(type: ConsentRecordType.bundleLog.rawValue, caseID: caseID, personID: nil)
                .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
                .map { try openConsent($0, as: Log.self, in: tx) }
        }
    }
}
