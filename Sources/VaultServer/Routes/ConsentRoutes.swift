import Consent
import Foundation
import Hummingbird
import VaultCore

/// `casevault consent record`, `consent withdraw` and `consent list --json` over HTTP: the same core calls, acting as
/// the session's account, so the access table, the records' checks and the audit events (`consent.record`,
/// `consent.withdraw`) are the CLI's.
extension VaultServer {
    /// A withdrawal or a listing is a few hundred bytes of JSON.
    static let smallBodyLimit = 16 * 1024

    static func addConsentRoutes(_ routes: RouteTable, sessions: SessionService, maxUploadBytes: Int64) {
        routes.add(.get, "/api/v1/cases/{case}/consents") { request, context in
            let caseText = try context.parameters.require("case")
            let list = try await sessions.withVault(request) { vault -> ConsentList in
                let caseID = try vault.caseID(caseText)
                return ConsentList(caseID: caseID.rawValue, consents: try vault.authorities(caseID: caseID))
            }
            return try jsonResponse(list)
        }
        routes.add(.post, "/api/v1/cases/{case}/consents") { request, context in
            try await recordConsent(request, caseText: try context.parameters.require("case"), sessions: sessions, maxUploadBytes: maxUploadBytes)
        }
        routes.add(.post, "/api/v1/consents/{id}/withdraw") { request, context in
            let id = try context.parameters.require("id")
            let body = try await JSONBody.decode(ConsentWithdrawBody.self, from: request, limit: smallBodyLimit, shape: ConsentWithdrawBody.shape)
            let day = try await sessions.withVault(request) { vault in
                let day = body.date ?? vault.today()
                _ = try vault.withdrawAuthority(RecordID(id), on: day, receivedBy: body.receivedBy)
                return day
            }
            return try jsonResponse(["id": id, "withdrawn_on": day.description])
        }
    }

    static func recordConsent(_ request: Request, caseText: String, sessions: SessionService, maxUploadBytes: Int64) async throws -> Response {
        // A signed form travels in the body as base64: a third larger than the file, plus the other fields.
        let limit = Int(min(maxUploadBytes, 1 << 40)) / 3 * 4 + 64 * 1024
        let body = try await JSONBody.decode(ConsentRecordBody.self, from: request, limit: limit, shape: ConsentRecordBody.shape)
        var form: Vault.IngestFile?
        var spool: UploadSpool?
        defer { spool?.remove() }
        if let given = body.form {
            let name = try UploadName.check(given.name)
            guard let bytes = Data(base64Encoded: given.content, options: .ignoreUnknownCharacters) else {
                throw APIError(.badRequest, "invalid_json", "the request body is not valid: 'form.content' is not base64; send the signed form's bytes in base64")
            }
            guard Int64(bytes.count) <= maxUploadBytes else { throw APIError.tooLarge(maxUploadBytes) }
            let file = try UploadSpool()
            spool = file
            try file.writeAll(bytes)
            form = try file.ingestFile(name: name)
        }
        let formFile = form
        let result: ConsentRecorded
        do {
            result = try await record(request, body: body, caseText: caseText, form: formFile, sessions: sessions)
        } catch VaultError.invalidInput(let text) where formFile != nil {
            // The core names the file it could not store: here that is the server's spool file, which means nothing to
            // the client; it is the form they sent.
            throw APIError(.badRequest, "invalid_input", text.replacingOccurrences(of: formFile?.path ?? "", with: "'\(body.form?.name ?? "form")'"))
        }
        return try jsonResponse(result, status: .created)
    }

    private static func record(_ request: Request, body: ConsentRecordBody, caseText: String, form formFile: Vault.IngestFile?,
                               sessions: SessionService) async throws -> ConsentRecorded {
        try await sessions.withVault(request) { vault -> ConsentRecorded in
            // As `consent record`: names work as well as ids, the court's own token stays as typed.
            var input = body.input(caseID: try vault.caseID(caseText), today: vault.today())
            input.personID = try vault.personID(body.person)
            input.granteeID = try vault.partyID(body.grantee)
            input.grantedBy = try body.grantedBy.map { $0 == "court_of_protection" ? $0 : try vault.partyID($0) }
            input.form = formFile
            let warnings = input.entryWarnings(died: try vault.personStatus(input.personID).deceased)
            if !warnings.isEmpty && !body.confirm {
                // The CLI asks on a terminal; here the client shows the warnings and repeats with "confirm": true.
                throw APIError(.conflict, "confirmation_needed", "nothing was recorded: " + warnings.map(\.description).joined(separator: " ")
                               + " To record it anyway, repeat the request with \"confirm\": true.")
            }
            let stored = try vault.recordAuthority(input)
            return ConsentRecorded(id: stored.authority.id, validFrom: stored.authority.validFrom?.description,
                                   validUntil: stored.authority.validUntil?.description, formDocument: stored.formDocumentID,
                                   warnings: try vault.ruleWarnings(aboutAuthority: RecordID(stored.authority.id), caseID: CaseID(stored.caseID),
                                                                    actions: stored.authority.scope?.actions),
                                   formIdentifiesPatient: stored.authority.form.map { $0.nhsNumber != nil || $0.dob != nil || $0.address != nil })
        }
    }
}
