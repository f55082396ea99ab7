import BundleExport
import Consent
import Foundation
import Hummingbird
import BundleModel
import HelperProcess
import NIOCore
import Redaction
import VaultCrypto
import VaultCore

/// `casevault export` and `casevault bundle verify` over HTTP. The export is the core's use case (`CaseBundleExport`):
/// the consent rules for the recipient, the selection, the redaction, the leak check, the signed manifest and the
/// redaction log with its `bundle.export` event are the CLI's. The signed PDF is the response's body and its manifest
/// travels beside it in a header, so the client keeps both, as the CLI writes PDF and PDF.manifest.json.
extension VaultServer {
    /// The manifest (its file's bytes, base64): in the export's response, and in a verify request.
    static let manifestHeader = "X-Bundle-Manifest"
    /// The export's report (`ExportReport`, JSON, base64): in the export's response.
    static let reportHeader = "X-Bundle-Report"

    struct BundleBody: Decodable, Sendable {
        let meeting: String
        let recipient: String
        var documents: [String] = []
        var includeKinds: [DocumentKind] = []
        var ourReference: String?
        var theirReference: String?
        var recipientName: String?
        /// A preset name or policy clauses (a policy file's text), as `--policy` takes them; default "default".
        var policy = "default"
        var includeUnreviewed = false
        var ocrEveryPage = false

        enum CodingKeys: String, CodingKey {
            case meeting, recipient, documents, policy
            case includeKinds = "include_kinds", ourReference = "our_reference", theirReference = "their_reference"
            case recipientName = "recipient_name", includeUnreviewed = "include_unreviewed", ocrEveryPage = "ocr_every_page"
        }

        init(from decoder: any Decoder) throws {
            let values = try decoder.container(keyedBy: CodingKeys.self)
            meeting = try values.decode(String.self, forKey: .meeting)
            recipient = try values.decode(String.self, forKey: .recipient)
            documents = try values.decodeIfPresent([String].self, forKey: .documents) ?? []
            includeKinds = try (values.decodeIfPresent([String].self, forKey: .includeKinds) ?? []).map {
                try JSONBody.enumValue(DocumentKind.self, $0, field: "include_kinds", in: values)
            }
            ourReference = try values.decodeIfPresent(String.self, forKey: .ourReference)
            theirReference = try values.decodeIfPresent(String.self, forKey: .theirReference)
            recipientName = try values.decodeIfPresent(String.self, forKey: .recipientName)
            policy = try values.decodeIfPresent(String.self, forKey: .policy) ?? "default"
            includeUnreviewed = try values.decodeIfPresent(Bool.self, forKey: .includeUnreviewed) ?? false
            ocrEveryPage = try values.decodeIfPresent(Bool.self, forKey: .ocrEveryPage) ?? false
        }

        static let shape = "{\"meeting\": \"Local resolution meeting, 3 December 2026\", \"recipient\": \"trust-X\", \"policy\": \"trust-meeting\"} "
            + "(docs/server.md lists every field)"

        /// The same checks `export` makes of its options, in words naming the fields.
        func options() throws -> BundleExportOptions {
            if meeting.trimmingCharacters(in: .whitespaces).isEmpty {
                throw APIError(.badRequest, "invalid_request", "'meeting' must not be empty: it is printed on the cover and every page")
            }
            for (field, value) in [("our_reference", ourReference), ("their_reference", theirReference), ("recipient_name", recipientName)] {
                if let value, value.trimmingCharacters(in: .whitespaces).isEmpty || value.contains(where: { $0.isNewline }) {
                    throw APIError(.badRequest, "invalid_request", "'\(field)' must be one line of text")
                }
            }
            let parsed: RedactionPolicy
            do {
                parsed = try RedactionPolicy.parse(policy)
            } catch {
                throw APIError(.badRequest, "invalid_policy", "'policy': \(error.description); presets: "
                               + RedactionPolicy.Preset.allCases.map(\.rawValue).joined(separator: ", "))
            }
            var options = BundleExportOptions(meeting: meeting, recipient: recipient, policy: parsed, policyLabel: policy)
            options.documentIDs = documents
            options.includeKinds = Set(includeKinds)
            options.ourReference = ourReference
            options.theirReference = theirReference
            options.recipientName = recipientName
            options.includeUnreviewed = includeUnreviewed
            options.ocrEveryPage = ocrEveryPage
            return options
        }
    }

    struct Exported: Sendable {
        let bundleID: String
        let pages: Int
        let pdf: [UInt8]
        let manifest: [UInt8]
        let report: ExportReport
    }

    /// What `export` prints about the bundle it made (each document's tab, pages and redaction counts, never the
    /// redacted text; what was left out and why), so a client shows the same table as the CLI does locally. Sent
    /// base64 in a header beside the manifest, since the body is the PDF.
    struct ExportReport: Encodable, Sendable {
        let documents: [DocumentReport]
        let leftOut: [String]
        let ocrAvailable: Bool
        enum CodingKeys: String, CodingKey { case documents, leftOut = "left_out", ocrAvailable = "ocr_available" }
    }

    struct VerifiedBundle: Encodable, Sendable {
        let verified: Bool
        let manifest: BundleManifest
        let signer: String
    }

    static func addBundleRoutes(_ routes: RouteTable, sessions: SessionService, metrics: ServerMetrics, maxUploadBytes: Int64, analysisProgram: String?) {
        routes.add(.post, "/api/v1/cases/{case}/bundles") { request, context in
            let caseText = try context.parameters.require("case")
            let acknowledged = try acknowledgements(request)
            let body = try await JSONBody.decode(BundleBody.self, from: request, limit: smallBodyLimit * 4, shape: BundleBody.shape)
            let options = try body.options()
            let exported = try await sessions.withVault(request) { vault -> Exported in
                vault.acknowledged = acknowledged
                // The bundle is made by casevault-pdf, whose confined children read the PDFs and images: no PDF is
                // parsed in the server.
                let helper = try analysisProgram.map(PDFHelper.init(program:)) ?? PDFHelper()
                let made = try CaseBundleExport.make(vault: vault, caseText: caseText, options: options, helper: helper)
                let report = ExportReport(documents: made.reports, leftOut: made.leftOut, ocrAvailable: made.ocrAvailable)
                return Exported(bundleID: made.bundleID, pages: made.pages, pdf: made.pdf, manifest: made.manifestFile, report: report)
            }
            sessions.logger.info("bundle exported", metadata: ["bundle": "\(exported.bundleID)", "pages": "\(exported.pages)"])
            let report = try JSONEncoder().encode(exported.report).base64EncodedString()
            return Response(status: .created,
                            headers: [.contentType: "application/pdf", .cacheControl: "no-store",
                                      .contentDisposition: "attachment; filename=\"\(exported.bundleID).pdf\"",
                                      .init("X-Bundle-ID")!: exported.bundleID, .init("X-Bundle-Pages")!: String(exported.pages),
                                      .init(manifestHeader)!: Data(exported.manifest).base64EncodedString(),
                                      .init(reportHeader)!: report],
                            body: chunkedBody(exported.pdf, metrics: metrics, logger: sessions.logger, subject: exported.bundleID))
        }
        // `bundle verify`: the PDF is the body, its manifest (as the export gave it) in the header; checked against
        // this vault's signing key.
        routes.add(.post, "/api/v1/verify") { request, _ in
            guard let header = request.headers[.init(manifestHeader)!], let manifest = Data(base64Encoded: header) else {
                throw APIError(.badRequest, "invalid_request", "send the bundle's manifest, base64, in the \(manifestHeader) header "
                               + "(the export returned it there; from files, base64 of PDF.manifest.json)")
            }
            let pdf: ByteBuffer
            do {
                pdf = try await request.body.collect(upTo: Int(min(maxUploadBytes, 1 << 40)))
            } catch is NIOTooManyBytesError {
                throw APIError.tooLarge(maxUploadBytes)
            }
            let trusted = try await sessions.withVault(request) { vault in vault.signingPublicKey }
            do {
                let verified = try BundleVerifier.verify(pdf: Array(pdf.readableBytesView), manifest: Array(manifest), trustedKey: trusted)
                let signer = BundleVerifier.fingerprint(base64: Data(trusted.rawRepresentation).base64EncodedString())
                return try jsonResponse(VerifiedBundle(verified: true, manifest: verified, signer: signer))
            } catch let error as BundleVerificationError {
                throw APIError(.unprocessableContent, "not_genuine", "this is NOT a genuine bundle of this vault: \(error.description); do not rely on "
                               + "this copy: export the bundle again, or ask its sender for the original")
            }
        }
        // `audit log --case`: ids only, for the managers and administrators the core lets read it.
        routes.add(.get, "/api/v1/cases/{case}/audit") { request, context in
            let caseText = try context.parameters.require("case")
            let query = request.uri.queryParameters
            let since = query["since"].map(String.init)
            let actor = query["actor"].map(String.init)
            let entries = try await sessions.withVault(request) { vault in
                AuditList(entries: try vault.auditLog(caseID: try vault.caseID(caseText), since: since, actor: actor))
            }
            return try jsonResponse(entries)
        }
    }

    struct AuditList: Encodable, Sendable {
        let entries: [Vault.AuditLogEntry]
    }
}

extension APIError {
    /// A bundle the exporter refused: a leak found is a conflict with the redaction asked for (409); pages or
    /// documents that cannot go in are 422. Neither kept anything; the words say what to do.
    static func fromBundle(_ error: BundleError) -> APIError {
        switch error {
        case .leak:
            APIError(.conflict, "leak_found", error.description + ": check the case's redaction terms and the policy, then export again")
        case .everyPageNeedsReview:
            APIError(.unprocessableContent, "pages_need_review", error.description
                     + ": check the pages yourself, then repeat with \"include_unreviewed\": true")
        default:
            APIError(.unprocessableContent, "cannot_bundle", error.description + "; leave the document out (name the others in \"documents\") "
                     + "or replace it with a readable copy")
        }
    }

    static func fromBundleExport(_ error: BundleExportError) -> APIError {
        switch error {
        case .documentNotInCase:
            APIError(.unprocessableContent, "document_not_in_case", error.description)
        case .nothingSelected:
            APIError(.unprocessableContent, "nothing_to_bundle", error.description + ": upload the complaint letters, emails and evidence first, "
                     + "or choose documents with \"documents\" or \"include_kinds\"")
        }
    }
}
