import Consent
import Foundation
import Hummingbird
import VaultCore

/// The caller's cases and documents, each through the same core calls the CLI makes for `case list`, `list --case`
/// and `cat`, acting as the session's account.
extension VaultServer {
    struct CaseList: Encodable, Sendable {
        let cases: [Vault.CaseView]
    }

    struct DocumentList: Encodable, Sendable {
        let caseID: String
        let documents: [Vault.DocumentView]
        enum CodingKeys: String, CodingKey { case caseID = "case_id", documents }
    }

    static func addCaseRoutes(_ routes: RouteTable, sessions: SessionService, metrics: ServerMetrics, maxUploadBytes: Int64) {
        // `case list`: the core lists only the cases this account may read, and applies the listing's filters (a
        // client or advocate by name or id, as the CLI takes them).
        routes.add(.get, "/api/v1/cases") { request, _ in
            let query = request.uri.queryParameters
            func given(_ value: Substring?) -> String? { value.flatMap { $0.isEmpty ? nil : String($0) } }
            let filter = Vault.CaseFilter(client: given(query["client"]), advocate: given(query["advocate"]), status: given(query["status"]),
                                          nhsBody: given(query["body"]))
            let cases = try await sessions.withVault(request) { vault in try vault.cases(matching: filter) }
            return try jsonResponse(CaseList(cases: cases))
        }
        // `list --case`: the case by id or reference; the consent rules asked first, as the CLI asks them.
        routes.add(.get, "/api/v1/cases/{case}/documents") { request, context in
            let text = try context.parameters.require("case")
            let acknowledged = try acknowledgements(request)
            let list = try await sessions.withVault(request) { vault -> DocumentList in
                let caseID = try vault.caseID(text)
                vault.acknowledged = acknowledged
                try vault.requireConsent(.viewDocuments, caseID: caseID)
                return DocumentList(caseID: caseID.rawValue, documents: try vault.documents(caseID: caseID, filter: .init()))
            }
            return try jsonResponse(list)
        }
        // `ingest --case` of one file: the body is the file.
        routes.add(.post, "/api/v1/cases/{case}/documents") { request, context in
            try await documentUpload(request, caseText: try context.parameters.require("case"), sessions: sessions, maxBytes: maxUploadBytes)
        }
        routes.add(.get, "/api/v1/documents/{id}/content") { request, context in
            try await documentContent(request, id: try context.parameters.require("id"), sessions: sessions, metrics: metrics)
        }
    }

    /// `?acknowledge=R-CON-7` (repeatable): the CLI's `--acknowledge`.
    static func acknowledgements(_ request: Request) throws -> [RuleID] {
        try request.uri.queryParameters.getAll("acknowledge").map { text in
            guard let rule = RuleID(rawValue: String(text)) else {
                throw APIError(.badRequest, "invalid_request", "acknowledge=\(text) is not a rule id (e.g. R-CON-7; see CONSENT-RULES.md)")
            }
            return rule
        }
    }
}
