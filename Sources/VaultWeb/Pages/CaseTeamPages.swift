import Foundation
import Hummingbird
import VaultModel
import VaultCore

/// Who works on a case: assign an advocate of the case's organisation, or take one off, as `casevault case assign` and
/// `case unassign` do. The core decides who may (a member of the case or its manager), moves the case key with the
/// change (entitlement) and audits it (`case.assign`, `case.unassign`); the page only offers the choices.
enum CaseTeamPages {
    static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, web: WebHandlers<Backend>) {
        CaseTransferPages.register(on: router, web: web)
        router.get("/cases/{case}/team") { request, context in
            await web.guarded(request, context.id) {
                let caseText = try context.parameters.require("case")
                let notice = request.uri.queryParameters.get("done").map { $0 == "assigned" ? "Assigned." : "Taken off the case." }
                return try await web.page(request, template: "case-team", title: "Who works on this case") { vault in
                    try CaseTeamPages.page(vault, caseText: caseText, notice: notice)
                }
            }
        }
        for change in ["assign", "unassign"] {
            router.post("/cases/{case}/team/\(change)") { request, context in
                await web.guarded(request, context.id) {
                    let caseText = try context.parameters.require("case")
                    let (token, fields) = try await web.checkedForm(request)
                    guard let advocate = fields["advocate"], !advocate.isEmpty else {
                        throw WebPageError(.badRequest, "Choose an advocate first, then press the button again.")
                    }
                    let caseID = try await web.backend.withVault(token: token) { vault -> String in
                        let caseID = try WebPageBuilders.caseID(vault, caseText)
                        do {
                            if change == "assign" {
                                try vault.assignAdvocate(caseID: CaseID(caseID), advocateID: AccountID(advocate))
                            } else {
                                try vault.unassignAdvocate(caseID: CaseID(caseID), advocateID: AccountID(advocate))
                            }
                        } catch VaultError.invalidInput(let text) {
                            throw WebPageError(.badRequest, "Nothing was changed: \(text).")
                        }
                        return caseID
                    }
                    return WebHTTP.redirect("/cases/\(caseID)/team?done=\(change)ed")
                }
            }
        }
    }

    static func page(_ vault: Vault, caseText: String, notice: String?) throws -> CaseTeamPage {
        let caseID = try WebPageBuilders.caseID(vault, caseText)
        let detail = try vault.caseDetail(CaseID(caseID))
        let accounts = try vault.advocates().filter { $0.removedAt == nil && $0.organisation == detail.organisation && $0.role != .admin }
        let names = Dictionary(accounts.map { ($0.id, $0.name) }, uniquingKeysWith: { first, _ in first })
        let assigned = Set(detail.advocates)
        return CaseTeamPage(caseID: caseID, caseLabel: detail.clientName, notice: notice,
                            assigned: detail.advocates.map { Choice(value: $0, label: names[$0] ?? $0, hint: "", selected: true) },
                            available: accounts.filter { !assigned.contains($0.id) }.sorted { $0.name < $1.name }
                                .map { Choice(value: $0.id, label: "\($0.name) (\($0.role.rawValue))", hint: "", selected: false) })
    }
}

struct CaseTeamPage: Sendable {
    let caseID: String
    let caseLabel: String
    let notice: String?
    let assigned: [Choice]
    let available: [Choice]
}

enum CaseTeamTemplates {
    static let all: [String: String] = ["case-team": team, "case-transfer": CaseTransferTemplates.transfer, "case-situation": SituationTemplates.page]

    static let team = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a> › <a href="/cases/{{caseID}}">{{caseLabel}}</a></p>
    <h1>Who works on this case</h1>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    <p>Advocates on a case can read it and receive its key. Taking someone off also takes the key from them.</p>
    <h2>On the case</h2>
    {{^assigned}}<p>No one.</p>{{/assigned}}
    <ul>
    {{#assigned}}<li>{{label}}
    <form method="post" action="/cases/{{caseID}}/team/unassign" class="inline">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <input type="hidden" name="advocate" value="{{value}}">
    <button type="submit" class="link">Take off<span class="visually-hidden"> {{label}}</span></button>
    </form></li>{{/assigned}}
    </ul>
    <h2>Add someone</h2>
    {{^available}}<p>Everyone in the organisation is already on the case.</p>{{/available}}
    {{^empty(available)}}
    <form method="post" action="/cases/{{caseID}}/team/assign">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <div class="field">
    <label for="advocate">Advocate</label>
    <select id="advocate" name="advocate" required>
    {{#available}}<option value="{{value}}">{{label}}</option>{{/available}}
    </select>
    </div>
    <button type="submit">Assign to the case</button>
    </form>
    {{/empty(available)}}
    <h2>Another organisation</h2>
    <p><a href="/cases/{{caseID}}/transfer">Transfer this case to a partner organisation</a></p>
    {{/page}}{{/main}}{{/layout}}
    """
}
