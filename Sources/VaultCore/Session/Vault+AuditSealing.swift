import Audit
import Foundation
import VaultCrypto

/// Audit events name things by id, but a consent decision's rule ids say more than ids do: R-CAP-3 says the person
/// lacks capacity, R-DEC-2 that they have died, R-CHI-1 that they are a child. And a typed reason is free text. In a
/// new event these go into one sealed detail (under the metadata key, which every account holds), so someone who
/// reads vault.db without a key learns from the audit log who acted on which case, when, and whether it was allowed,
/// but not why. The MAC chain and the signatures cover the sealed form, so nothing about checking the log changes;
/// `audit log` opens it for display. Events written before this release cannot be rewritten (the chain forbids it)
/// and keep their rule ids in clear (SECURITY.md).
extension Vault {
    static let sealedAuditDetail = "sealed"
    static let sealedAuditPrefix = "cva1:"
    /// Details whose values may say something about a person: free text, and rule ids a refusal was acknowledged for.
    static let privateAuditDetails: Set<String> = ["reason", "acknowledged"]

    private struct PrivateAuditPart: Codable {
        var ruleIDs: [String]
        var details: [String: String]

        enum CodingKeys: String, CodingKey { case ruleIDs = "rule_ids", details }
    }

    private static func auditBinding(_ event: AuditEvent) -> [UInt8] {
        Array([event.time, event.actor ?? "", event.action, event.caseID ?? "", event.documentID ?? ""].joined(separator: "\u{0}").utf8)
    }

    /// The event as stored: rule ids and private details moved into one sealed detail. Fails closed: an event that
    /// cannot be sealed is not written (and the transaction around it fails).
    func sealingPrivateParts(of event: AuditEvent, in tx: any VaultRecordReading) throws -> AuditEvent {
        let privateDetails = event.details.filter { Self.privateAuditDetails.contains($0.key) }
        guard !event.ruleIDs.isEmpty || !privateDetails.isEmpty else { return event }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var payload = Array(try encoder.encode(PrivateAuditPart(ruleIDs: event.ruleIDs, details: privateDetails)))
        defer { payload.withUnsafeMutableBytes { secureZero($0) } }
        let sealed = try KeyHierarchy.seal(payload, fieldKey: try metadataFieldKey(tx), table: "audit_events", column: Self.sealedAuditDetail,
                                           rowID: "", binding: Self.auditBinding(event))
        var stored = event
        stored.ruleIDs = []
        for key in privateDetails.keys { stored.details[key] = nil }
        stored.details[Self.sealedAuditDetail] = Self.sealedAuditPrefix + sealed.base64EncodedString()
        return stored
    }

    /// The event as written, for display. A sealed detail that does not open (damaged; the chain check names it) is
    /// left as it is, so the rest of the log still shows.
    func openingPrivateParts(of event: AuditEvent, in tx: any VaultRecordReading) -> AuditEvent {
        guard let value = event.details[Self.sealedAuditDetail], value.hasPrefix(Self.sealedAuditPrefix),
              let sealed = Data(base64Encoded: String(value.dropFirst(Self.sealedAuditPrefix.count))) else { return event }
        var bare = event
        bare.details[Self.sealedAuditDetail] = nil
        // The opener is cached per vault: a log of many decisions keys AES-GCM once, not once per event.
        guard let opener = try? fieldOpener(scope: KeyHierarchy.vaultScope, version: 1, in: tx),
              var payload = try? KeyHierarchy.open(sealed, opener: opener, table: "audit_events", column: Self.sealedAuditDetail, rowID: "",
                                                   binding: Self.auditBinding(bare)) else { return event }
        defer { payload.withUnsafeMutableBytes { secureZero($0) } }
        guard let part = try? JSONDecoder().decode(PrivateAuditPart.self, from: Data(payload)) else { return event }
        bare.ruleIDs = part.ruleIDs
        bare.details.merge(part.details) { current, _ in current }
        return bare
    }
}
