import BundleExport
import BundleModel
import Foundation
import HelperProcess
import Hummingbird
import VaultModel
import VaultCore

/// `casevault export --dry-run` over HTTP: the same calls on the core's export use case as the CLI's dry run (the
/// consent rules for the recipient, the selection, each chosen document's read audited as `bundle.read`, the plan made
/// by casevault-pdf), and nothing drawn, signed, kept or recorded in the redaction log.
extension VaultServer {
    static func addBundleDryRunRoute(_ routes: RouteTable, sessions: SessionService, analysisProgram: String?) {
        routes.add(.post, "/api/v1/cases/{case}/bundles/dry-run") { request, context in
            let caseText = try context.parameters.require("case")
            let acknowledged = try acknowledgements(request)
            let body = try await JSONBody.decode(BundleBody.self, from: request, limit: smallBodyLimit * 4, shape: BundleBody.shape)
            let options = try body.options()
            let plan = try await sessions.withVault(request) { vault -> BundlePlan in
                vault.acknowledged = acknowledged
                let helper = try analysisProgram.map(PDFHelper.init(program:)) ?? PDFHelper()
                let run = try CaseBundleExport.dryRun(vault: vault, caseText: caseText, options: options, helper: helper)
                return BundlePlan(caseID: run.caseID, selection: run.selection, outcome: run.outcome, recipient: options.recipient,
                                  recipientUnregistered: run.recipientUnregistered, includeUnreviewed: options.includeUnreviewed)
            }
            return try jsonResponse(plan)
        }
    }

    /// The dry run's table as JSON: every document of the case in or out and why, what would be redacted in each
    /// document that goes in (counts by kind, never the text), the pages that need a person to check them, and warnings.
    struct BundlePlan: Encodable, Sendable {
        struct Row: Encodable, Sendable {
            let documentID: String
            let kind: String
            let name: String
            let included: Bool
            /// A stable code: complaint_document, named, kind_included, not_named, private_kind, authority_form, unknown_kind,
            /// cannot_be_bundled.
            let reasonCode: String
            let reason: String
            enum CodingKeys: String, CodingKey { case kind, name, included, reason, documentID = "document_id", reasonCode = "reason_code" }
        }

        let caseID: String
        let dryRun = true
        let pages: Int
        let documents: [DocumentReport]
        let selection: [Row]
        let warnings: [String]

        init(caseID: String, selection: BundleSelection, outcome: BundleOutcome, recipient: String, recipientUnregistered: Bool, includeUnreviewed: Bool) {
            self.caseID = caseID
            pages = outcome.pages
            documents = outcome.reports
            self.selection = selection.entries.map { entry in
                let (code, words) = Self.reason(entry)
                return Row(documentID: entry.document.id.rawValue, kind: entry.kind?.rawValue ?? entry.document.kind, name: entry.document.name,
                           included: entry.included, reasonCode: code, reason: words)
            }
            var warnings: [String] = []
            if !outcome.ocrAvailable {
                warnings.append("OCR is not available on the server: " + (includeUnreviewed ? "pages without a text layer would go in unchecked, as asked"
                    : "pages without a text layer would be left out for a person to check") + ", and the leak check reads text layers only")
            }
            warnings += outcome.leftOut.map { "\($0.description); it would be left out of the bundle" }
            if recipientUnregistered {
                warnings.append("\(recipient) is not a registered organisation, so the cover would name it by its id; give its name in \"recipient_name\"")
            }
            let flagged = outcome.reports.filter { !$0.pagesFlagged.isEmpty }
            for report in flagged {
                warnings.append("document \(report.documentID): page(s) \(report.pagesFlagged.map(String.init).joined(separator: ", ")) need a person "
                                + "to check them" + (includeUnreviewed ? "" : "; they would be left out unless \"include_unreviewed\": true"))
            }
            self.warnings = warnings
        }

        enum CodingKeys: String, CodingKey { case pages, documents, selection, warnings, caseID = "case_id", dryRun = "dry_run" }

        /// Why a document is in or out, in this API's words (the request's fields, not the CLI's options; ids only).
        static func reason(_ entry: BundleSelection.Entry) -> (String, String) {
            let id = entry.document.id
            switch entry.reason {
            case .complaintDocument(let kind): return ("complaint_document", "complaint \(BundleSelection.describe(kind)), in by default")
            case .named: return ("named", "named in \"documents\"")
            case .kindIncluded(let kind): return ("kind_included", "\(BundleSelection.describe(kind)), added by \"include_kinds\": [\"\(kind.rawValue)\"]")
            case .notNamed: return ("not_named", "not named in \"documents\"")
            case .privateKind(let kind):
                return ("private_kind", "\(BundleSelection.describe(kind)), kept out of bundles unless asked for: add \"\(kind.rawValue)\" to "
                        + "\"include_kinds\", or name \(id) in \"documents\"")
            case .authorityForm(let authority):
                return ("authority_form", "the form of authority record \(authority) (evidence of authority), kept out of bundles unless asked for: "
                        + "name \(id) in \"documents\"")
            case .unknownKind(let kind):
                return ("unknown_kind", "its kind '\(kind)' is not one this server knows: name \(id) in \"documents\" if it belongs in the bundle")
            case .cannotBeBundled(let type):
                return ("cannot_be_bundled", "it is \(type), which cannot go into a bundle (text, .eml, .docx, PDF and images can)")
            }
        }
    }
}
