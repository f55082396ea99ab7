import Foundation
import VaultModel

extension Vault {
    /// A bundle's file handed to the advocate who made it, after the export (the web interface keeps the bundle for a
    /// short while so it can be downloaded from a page). The caller asks the consent rules for the recipient again
    /// first (a withdrawal since the export stops the download); here the account must still read the case, and the
    /// download is audited (`bundle.download`, ids only) before any byte leaves.
    public func recordBundleDownload(bundleID: String, caseID: CaseID, file: String) throws {
        let caseID = caseID.rawValue
        try guarded { try store.write { tx in
            guard let caseRecord = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            _ = try requireRead(caseRecord, in: tx)
            try audit(event("bundle.download", caseID: caseID, details: ["bundle": bundleID, "file": file]), in: tx)
        } }
    }
}
