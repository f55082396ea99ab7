import Foundation
import VaultCrypto

/// The redaction log of exported bundles: kept in the vault (sealed like the consent records), never in the
/// bundle. One record per bundle: who exported it, when, for whom, and per document what was removed.
extension Vault {
    public struct BundleLog: Codable, Sendable, Equatable {
        public struct Item: Codable, Sendable, Equatable {
            public var documentID: String
            public var tab: Int
            public var firstPage: Int?
            public var lastPage: Int?
            public var redactions: [String: Int]
            public var detectors: [String: Int]
            public var pagesFlagged: [Int]
            public var pagesLeftOut: Int

            public init(documentID: String, tab: Int, firstPage: Int?, lastPage: Int?, redactions: [String: Int], detectors: [String: Int],
                        pagesFlagged: [Int], pagesLeftOut: Int) {
                self.documentID = documentID
                self.tab = tab
                self.firstPage = firstPage
                self.lastPage = lastPage
                self.redactions = redactions
                self.detectors = detectors
                self.pagesFlagged = pagesFlagged
                self.pagesLeftOut = pagesLeftOut
            }

            enum CodingKeys: String, CodingKey {
                case tab, redactions, detectors
                case documentID = "document_id"
                case firstPage = "first_page"
                case lastPage = "last_page"
                case pagesFlagged = "pages_flagged"
                case pagesLeftOut = "pages_left_out"
            }
        }

        public var bundleID: String
        public var caseID: String
        public var exportedBy: String
        public var exportedAt: String
        public var recipient: String
        public var meeting: String
        public var policy: String
        public var pages: Int
        public var pdfSHA256: String
        public var items: [Item]

        public init(bundleID: String, caseID: String, exportedBy: String, exportedAt: String, recipient: String, meeting: String, policy: String,
                    pages: Int, pdfSHA256: String, items: [Item]) {
            self.bundleID = bundleID
            self.caseID = caseID
            self.exportedBy = exportedBy
            self.exportedAt = exportedAt
            self.recipient = recipient
            self.meeting = meeting
            self.policy = policy
            self.pages = pages
            self.pdfSHA256 = pdfSHA256
            self.items = items
        }

        enum CodingKeys: String, CodingKey {
            case recipient, meeting, policy, pages, items
            case bundleID = "bundle_id"
            case caseID = "case_id"
            case exportedBy = "exported_by"
            case exportedAt = "exported_at"
            case pdfSHA256 = "pdf_sha256"
        }
    }

    public func newBundleID() throws -> String { try Self.newID("bun") }

    /// Bundles are signed with the vault's Ed25519 key (the one `keys show` prints the public half of).
    public var bundleSigningKey: Ed25519.PrivateKey { hierarchy.keys.signingKey }

    public var vaultID: String { hierarchy.keys.vaultID }

    /// The time a bundle is stamped with (the vault's clock, as the audit log uses).
    public func bundleTimestamp() -> String { timestamp() }

    /// Stores the log and its audit event together, after the bundle's files are durable.
    public func recordBundle(_ log: BundleLog) throws {
        try store.write { tx in
            guard try tx.caseRecord(log.caseID) != nil else { throw VaultError.notFound(kind: "case", id: log.caseID) }
            try tx.save(try sealConsent(log, id: log.bundleID, type: .bundleLog, caseID: log.caseID, personID: nil, in: tx))
            let counts = log.items.reduce(into: [String: Int]()) { total, item in item.redactions.forEach { total[$0.key, default: 0] += $0.value } }
            try audit(event("bundle.export", caseID: log.caseID, details: [
                "bundle": log.bundleID, "recipient": log.recipient, "pages": String(log.pages), "documents": log.items.map(\.documentID).joined(separator: ","),
                "pdf_sha256": log.pdfSHA256, "redactions": counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","),
            ]), in: tx)
        }
    }

    /// An export that was refused after the consent check (a leak found, a document unreadable): audited, nothing kept.
    public func recordBundleFailure(caseID: String, reason: String) throws {
        try audit(event("bundle.export", caseID: caseID, outcome: "failure", details: ["reason": reason]))
    }

    public func bundleLogs(caseID: String) throws -> [BundleLog] {
        try store.read { tx in
            guard try tx.caseRecord(caseID) != nil else { throw VaultError.notFound(kind: "case", id: caseID) }
            return try tx.consentRecords(type: ConsentRecordType.bundleLog.rawValue, caseID: caseID, personID: nil)
                .map { try openConsent($0, as: BundleLog.self, in: tx) }
                .sorted { $0.exportedAt < $1.exportedAt }
        }
    }
}
