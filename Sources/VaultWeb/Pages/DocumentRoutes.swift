import Consent
import Foundation
import Hummingbird
import VaultCore

/// The routes of the upload page, the kind-and-date correction and the redaction preview (issue 22). Kept apart
/// from WebInterface.swift, which registers them with one call.
enum WebDocumentRoutes {
    static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, web: WebHandlers<Backend>) {
        WebPDFPages.register(on: router, web: web)
        router.get("/cases/{case}/upload") { request, context in
            await web.guarded(request, context.id) {
                let caseText = try context.parameters.require("case")
                let acknowledged = WebHandlers<Backend>.acknowledgementList(request)
                let limit = web.backend.maxUploadBytes
                return try await web.page(request, template: "upload", title: "Add documents") {
                    try WebUploadBuilders.uploadPage($0, caseText: caseText, acknowledged: acknowledged, maxBytes: limit)
                }
            }
        }
        let results = UploadResults()
        router.post("/cases/{case}/upload") { request, context in
            await web.guarded(request, context.id) {
                try await web.upload(request, caseText: try context.parameters.require("case"), results: results)
            }
        }
        // The upload's result, after the POST's redirect: a reload shows it again and sends nothing.
        router.get("/uploads/{id}") { request, context in
            await web.guarded(request, context.id) {
                let token = try web.sessionToken(request)
                let owner = try web.backend.formToken(sessionToken: token)
                guard let page = results.get(try context.parameters.require("id"), owner: owner) else {
                    throw WebPageError(.notFound, "The result of this upload is no longer shown (it is kept for half an hour). "
                                       + "The documents that were stored are listed on the case's page, under Documents.")
                }
                return WebHTTP.html(web.renderer.render("uploaded", title: "Documents added", signedIn: true, formToken: owner, page: page))
            }
        }
        router.post("/documents/{id}/retag") { request, context in
            await web.guarded(request, context.id) {
                let id = try context.parameters.require("id")
                let (token, fields) = try await web.checkedForm(request)
                let acknowledged = WebHandlers<Backend>.ruleList(fields["acknowledge"])
                let caseID = try await web.backend.withVault(token: token) {
                    try WebUploadBuilders.retag($0, documentID: id, kind: fields["kind"] ?? "", date: fields["date"] ?? "", acknowledged: acknowledged)
                }
                return WebHTTP.redirect("/cases/\(caseID)" + WebUploadBuilders.query(acknowledged))
            }
        }
        router.get("/documents/{id}/redaction") { request, context in
            await web.guarded(request, context.id) {
                let id = try context.parameters.require("id")
                let acknowledged = WebHandlers<Backend>.acknowledgementList(request)
                let done = request.uri.queryParameters.get("done") ?? ""
                return try await web.page(request, template: "preview", title: "Redaction preview") {
                    try WebPreviewBuilders.previewPage($0, documentID: id, acknowledged: acknowledged, done: done)
                }
            }
        }
        router.post("/documents/{id}/redaction/people") { request, context in
            await web.guarded(request, context.id) {
                try await web.previewAction(request, documentID: try context.parameters.require("id"), done: { $0["role"] == "staff" ? "registered-staff" : "registered" }) { vault, caseID, fields in
                    try WebPreviewBuilders.register(vault, caseID: caseID, name: fields["name"] ?? "", role: fields["role"] ?? "")
                }
            }
        }
        router.post("/documents/{id}/redaction/allow") { request, context in
            await web.guarded(request, context.id) {
                try await web.previewAction(request, documentID: try context.parameters.require("id"), done: { _ in "allowed" }) { vault, caseID, fields in
                    try WebPreviewBuilders.allow(vault, caseID: caseID, term: fields["term"] ?? "")
                }
            }
        }
    }
}

extension WebHandlers {
    /// `?acknowledge=R-CON-9` repeated, or comma-separated as the document page's buttons carry it.
    static func acknowledgementList(_ request: Request) -> [RuleID] {
        request.uri.queryParameters.getAll("acknowledge").flatMap { ruleList(String($0)) }
    }

    static func ruleList(_ text: String?) -> [RuleID] {
        (text ?? "").split(separator: ",").compactMap { RuleID(rawValue: String($0)) }
    }

    /// POST /cases/{case}/upload: the body streamed into memory files (CSRF checked on its first part), then each
    /// file through the core's ingest; then a redirect (303) to the result page, which says what was stored, what was
    /// already there and what not.
    func upload(_ request: Request, caseText: String, results: UploadResults) async throws -> Response {
        let (token, expected, reader) = try await readFileForm(request, notAForm: "The upload did not arrive as a form with files. Go back and try again.")
        defer { reader.close() }
        let fields = reader.fields
        let files = reader.files.map { file in
            let slot = file.field.hasPrefix("file_") ? String(file.field.dropFirst(5)) : ""
            return UploadedFile(name: file.name, kind: fields["kind_" + slot] ?? "", date: fields["date_" + slot] ?? "", buffer: file.buffer)
        }
        let acknowledged = Self.acknowledgementList(request)
        let page = try await backend.withVault(token: token) {
            try WebUploadBuilders.ingest($0, caseText: caseText, files: files, acknowledged: acknowledged)
        }
        logger.info("documents uploaded", metadata: ["case": "\(page.caseID)", "stored": "\(page.stored.count)",
                                                     "duplicates": "\(page.duplicates.count)", "failed": "\(page.failed.count)"])
        return WebHTTP.redirect("/uploads/" + (try results.put(page, owner: expected)))
    }

    /// A one-click form of the redaction preview: CSRF checked, the document's case found, the core's operation run,
    /// then back to the preview (303), which says what was done. No name travels in the address.
    func previewAction(_ request: Request, documentID: String, done: ([String: String]) -> String,
                       _ action: @escaping @Sendable (Vault, String, [String: String]) throws -> Void) async throws -> Response {
        let (token, fields) = try await checkedForm(request)
        let acknowledged = Self.ruleList(fields["acknowledge"])
        try await backend.withVault(token: token) { vault in
            vault.acknowledged = acknowledged
            try action(vault, try vault.caseID(ofDocument: DocumentID(documentID)).rawValue, fields)
        }
        let query = (["done=\(done(fields))"] + acknowledged.map { "acknowledge=\($0.rawValue)" }).joined(separator: "&")
        return WebHTTP.redirect("/documents/\(documentID)/redaction?" + query)
    }
}
