import Foundation
import Hummingbird
import VaultModel
import VaultCore

/// Transferring a case to a partner organisation, as `casevault case transfer` does: `transferCase` in the core (who
/// may, the previous organisation's advocates taken off, keys following, R-CON-8's agreement recorded, audited). The
/// page asks whether the person agreed; a signed agreement as a file is not offered here yet (the CLI and
/// `--consent-form` take one).
enum CaseTransferPages {
    static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, web: WebHandlers<Backend>) {
        router.get("/cases/{case}/transfer") { request, context in
            await web.guarded(request, context.id) {
                let caseText = try context.parameters.require("case")
                return try await web.page(request, template: "case-transfer", title: "Transfer this case") { vault in
                    try CaseTransferPages.page(vault, caseText: caseText, problem: nil)
                }
            }
        }
        router.post("/cases/{case}/transfer") { request, context in
            await web.guarded(request, context.id) {
                let caseText = try context.parameters.require("case")
                let (token, fields) = try await web.checkedForm(request)
                let organisation = fields["organisation"] ?? ""
                let agreement: Vault.TransferAgreement? = switch fields["agreement"] {
                case "agreed": .agreed
                case "not-agreed": .notAgreed
                default: nil
                }
                guard !organisation.isEmpty, let agreement, fields["confirm"] == "yes" else {
                    let page = try await web.backend.withVault(token: token) { vault in
                        try CaseTransferPages.page(vault, caseText: caseText, problem: "Choose the organisation, say whether the person agreed, "
                                                   + "and tick the confirmation, then press Transfer again.")
                    }
                    return WebHTTP.html(web.renderer.render("case-transfer", title: "Transfer this case (there is a problem)", signedIn: true,
                                                            formToken: try web.backend.formToken(sessionToken: token), page: page), status: .badRequest)
                }
                try await web.backend.withVault(token: token) { vault in
                    do {
                        _ = try vault.transferCase(try CaseID(WebPageBuilders.caseID(vault, caseText)), to: OrganisationID(organisation), agreement: agreement, on: vault.today())
                    } catch VaultError.invalidInput(let text) {
                        throw WebPageError(.badRequest, "Nothing was changed: \(text).")
                    }
                }
                // The case is now out of this account's reach (its organisation's advocates were taken off): back to the list.
                return WebHTTP.redirect("/cases")
            }
        }
    }

    static func page(_ vault: Vault, caseText: String, problem: String?) throws -> CaseTransferPage {
        let caseID = try WebPageBuilders.caseID(vault, caseText)
        let detail = try vault.caseDetail(CaseID(caseID))
        let partners = try vault.organisations().filter { $0.id != detail.organisation }.sorted { $0.name < $1.name }
        return CaseTransferPage(caseID: caseID, caseLabel: detail.clientName, from: detail.organisationName, problem: problem,
                                organisations: partners.map { Choice(value: $0.id, label: $0.name, hint: "", selected: false) })
    }
}

struct CaseTransferPage: Sendable {
    let caseID: String
    let caseLabel: String
    let from: String
    let problem: String?
    let organisations: [Choice]
}

enum CaseTransferTemplates {
    static let transfer = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}">{{caseLabel}}</a></p>
    <h1>Transfer this case to a partner organisation</h1>
    {{#problem}}<div class="error-summary" role="alert" id="transfer-problem"><h2>There is a problem</h2><p>{{problem}}</p></div>{{/problem}}
    <p>The case is with {{from}}. After the transfer its advocates are taken off the case and {{from}} can no longer read it. The person's consents cover the new organisation only if they agreed to the transfer.</p>
    {{^organisations}}<p>There is no other organisation in this vault to transfer to.</p>{{/organisations}}
    {{^empty(organisations)}}
    <form method="post" action="/cases/{{caseID}}/transfer">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <div class="field">
    <label for="organisation">To</label>
    <select id="organisation" name="organisation" required>
    {{#organisations}}<option value="{{value}}">{{label}}</option>{{/organisations}}
    </select>
    </div>
    <fieldset class="field">
    <legend>Did the person agree to the transfer?</legend>
    <div class="choice"><input type="radio" id="agreement-agreed" name="agreement" value="agreed" required><label for="agreement-agreed">Yes, they agreed (I confirm it)</label></div>
    <div class="choice"><input type="radio" id="agreement-not-agreed" name="agreement" value="not-agreed" required><label for="agreement-not-agreed">Not yet</label></div>
    </fieldset>
    <div class="field choice">
    <input type="checkbox" id="confirm" name="confirm" value="yes" required>
    <label for="confirm">I understand {{from}} loses access to this case</label>
    </div>
    <button type="submit">Transfer the case</button>
    </form>
    {{/empty(organisations)}}
    {{/page}}{{/main}}{{/layout}}
    """
}
