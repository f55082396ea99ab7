import Consent
import Foundation
import Hummingbird
import VaultModel
import VaultCore

/// `casevault consent show`, `consent show --history`, `consent void` and `consent check` over HTTP: the same core
/// calls as the CLI's commands, acting as the session's account, so the access table (case.read to show, case.change
/// to void, consent.explain to check) and the audit events (`consent.void`, `consent.decision`) are the CLI's.
extension VaultServer {
    static func addConsentRecordRoutes(_ routes: RouteTable, sessions: SessionService) {
        routes.add(.get, "/api/v1/consents/{id}") { request, context in
            let id = try context.parameters.require("id")
            let view = try await sessions.withVault(request) { vault in try vault.consentRecordView(RecordID(id)) }
            return try jsonResponse(ConsentShown(view))
        }
        routes.add(.get, "/api/v1/consents/{id}/history") { request, context in
            let id = try context.parameters.require("id")
            let view = try await sessions.withVault(request) { vault in try vault.consentRecordView(RecordID(id)) }
            return try jsonResponse(ConsentHistoryReply(view))
        }
        routes.add(.post, "/api/v1/consents/{id}/void") { request, context in
            let id = try context.parameters.require("id")
            // The CLI asks on a terminal before voiding; a client asks its user before sending this.
            let body = try await JSONBody.decode(ConsentVoidBody.self, from: request, limit: smallBodyLimit, shape: ConsentVoidBody.shape)
            let stored = try await sessions.withVault(request) { vault in try vault.voidAuthority(RecordID(id), reason: body.reason) }
            return try jsonResponse(ConsentVoided(id: id, voidedAt: stored.voided?.at ?? "", voidedBy: stored.voided?.by))
        }
        routes.add(.get, "/api/v1/cases/{case}/consent-check") { request, context in
            let caseText = try context.parameters.require("case")
            let query = request.uri.queryParameters
            guard let actionText = query["action"].map(String.init) else {
                throw APIError(.badRequest, "invalid_request", "say which action to check: ?action=view_documents (one of "
                               + ConsentAction.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            guard let action = ConsentAction(rawValue: actionText) else {
                throw APIError(.badRequest, "invalid_request", "'action': '\(actionText)' is not one of "
                               + ConsentAction.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let target = query["for"].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
            let explained = try await sessions.withVault(request) { vault in
                try vault.explainConsent(caseID: try vault.caseID(caseText), action: action, targetOrg: target.map { OrganisationID($0) })
            }
            return try jsonResponse(ConsentChecked(explained))
        }
    }

    struct ConsentVoidBody: Decodable, Sendable {
        /// What was recorded wrongly (kept sealed with the record).
        let reason: String
        static let shape = "{\"reason\": \"recorded on the wrong case\"}"
    }

    struct ConsentVoided: Encodable, Sendable {
        let id: String
        let voidedAt: String
        let voidedBy: String?
        enum CodingKeys: String, CodingKey { case id, voidedAt = "voided_at", voidedBy = "voided_by" }
    }

    /// `consent show`: the record as `consent show --json` prints it, with its status today, the rules' warnings about
    /// it, and names for the ids it mentions (as the CLI's text shows "Name (id)").
    struct ConsentShown: Encodable, Sendable {
        let consent: Vault.StoredAuthority
        let status: String
        let statusDate: String?
        let warnings: [String]
        let names: [String: String]

        init(_ view: Vault.ConsentRecordView) {
            consent = view.stored
            status = view.status.name
            statusDate = view.status.date?.description
            warnings = view.warnings
            names = view.names
        }

        enum CodingKeys: String, CodingKey { case consent, status, warnings, names, statusDate = "status_date" }
    }

    /// `consent show --history`: what happened to the record, oldest first.
    struct ConsentHistoryReply: Encodable, Sendable {
        struct Event: Encodable, Sendable {
            let at: String?
            let event: String
            let by: String?
            let date: String?
            let to: String?
            let receivedBy: String?
            let reason: String?
            enum CodingKeys: String, CodingKey { case at, event, by, date, to, reason, receivedBy = "received_by" }
        }

        let id: String
        let caseID: String
        let events: [Event]
        let names: [String: String]

        init(_ view: Vault.ConsentRecordView) {
            id = view.stored.authority.id
            caseID = view.stored.caseID
            events = view.history.map {
                Event(at: $0.at, event: $0.event.rawValue, by: $0.by, date: $0.date?.description, to: $0.to, receivedBy: $0.receivedBy?.rawValue,
                      reason: $0.reason)
            }
            names = view.names
        }

        enum CodingKeys: String, CodingKey { case id, events, names, caseID = "case_id" }
    }

    /// `consent check`: the decision, exactly as `consent check --json` prints it, under "decision".
    struct ConsentChecked: Encodable, Sendable {
        let caseID: String
        let action: String
        let target: String?
        let decision: Decision
        /// False when findings about the person were withheld: the account is neither a member of the case nor named by it.
        let complete: Bool

        init(_ explained: Vault.ExplainedConsent) {
            caseID = explained.caseID
            action = explained.action.rawValue
            target = explained.targetOrg
            decision = explained.decision
            complete = explained.complete
        }

        enum CodingKeys: String, CodingKey { case action, decision, complete, caseID = "case_id", target = "for" }
    }
}
