import BundleModel
import Foundation
import HelperProcess
import VaultCore

/// The dry run and the export as whole use cases: every front end that is not the CLI (the server's JSON API and its
/// web pages) calls these, so the order of the core's steps (consent for the recipient, selection, each read audited
/// as `bundle.read`, the bundle made by casevault-pdf, the signed manifest, the redaction log) is written once.
extension CaseBundleExport {
    /// What a dry run found: every document in or out and why, and the plan casevault-pdf made (nothing drawn or kept).
    public struct DryRun: Sendable {
        public let caseID: String
        public let selection: BundleSelection
        public let outcome: BundleOutcome
        /// The recipient is no registered organisation and no name was given: the cover would name it by its id.
        public let recipientUnregistered: Bool
    }

    /// A bundle made, signed and recorded: the PDF and the manifest file's bytes, for the front end to hand over.
    public struct Made: Sendable {
        public let caseID: String
        public let bundleID: String
        public let pages: Int
        public let pdf: [UInt8]
        public let manifest: BundleManifest
        /// The manifest file as `export` writes it (PDF.manifest.json): `bundle verify` insists on exactly these bytes.
        public let manifestFile: [UInt8]
        /// What `export` prints about it: each document's tab, pages and redaction counts; what was left out and why.
        public let reports: [DocumentReport]
        public let leftOut: [String]
        public let ocrAvailable: Bool
    }

    /// `export --dry-run`. Acknowledgements are the vault's (`vault.acknowledged`).
    public static func dryRun(vault: Vault, caseText: String, options: BundleExportOptions, helper: PDFHelper) throws -> DryRun {
        let export = try CaseBundleExport(vault: vault, caseText: caseText, options: options)
        let selection = try export.select()
        let sources = try export.loadDocuments(selection)
        let (request, unregistered) = try export.request()
        let outcome = try export.plan(request, sources: sources, helper: helper)
        return DryRun(caseID: export.caseID.rawValue, selection: selection, outcome: outcome, recipientUnregistered: unregistered)
    }

    /// `export`: the bundle kept in memory for the caller to deliver (the server sends it; nothing is written to disk).
    public static func make(vault: Vault, caseText: String, options: BundleExportOptions, helper: PDFHelper) throws -> Made {
        let export = try CaseBundleExport(vault: vault, caseText: caseText, options: options)
        let sources = try export.loadDocuments(try export.select())
        let (request, _) = try export.request()
        let made = try export.export(request, sources: sources, helper: helper) { _, _ in }
        return Made(caseID: export.caseID.rawValue, bundleID: request.bundleID, pages: made.result.pages, pdf: made.result.pdf, manifest: made.manifest,
                    manifestFile: try made.manifest.fileBytes(), reports: made.result.reports, leftOut: made.result.leftOut.map(\.description),
                    ocrAvailable: made.result.ocrAvailable)
    }
}
