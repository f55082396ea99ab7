import Foundation
import Hummingbird
import VaultModel
import VaultCore

/// Organisations and their accounts with roles (issue 22: "accounts, roles and recovery shares for administrators"),
/// from the core's `organisations()` and `advocates()`, as `casevault org list` and `advocate list` show them.
///
/// Making an account, and splitting an organisation's recovery key into shares, stay on the administrator's own
/// computer (`casevault advocate add`, `casevault recovery split`): both produce secrets (a new identity's private
/// keys, the share codes) that should never pass through a server or a browser's download folder. The page says so,
/// with the commands.
///
/// A manager (or, in an organisation with no manager, an advocate) confirms the accounts of their organisation that
/// await confirmation here, with the fingerprint the newcomer reads out; the core decides who may and checks it.
struct AccountsPage: Sendable {
    struct Account: Sendable {
        let name: String
        let id: String
        let role: String
        /// nil while active (swift-mustache treats an empty string as true, so absence is nil).
        let removed: String?
        let isYou: Bool
    }

    struct Organisation: Sendable {
        let name: String
        let id: String
        let casePrefix: String?
        let accounts: [Account]
    }

    let organisations: [Organisation]
    /// Accounts of no organisation: the vault's administrators.
    let administrators: [Account]
    let isAdministrator: Bool
    /// The accounts awaiting confirmation that this account may confirm (the core's `confirmers`).
    let confirmable: [Account]
    let notice: String?

    static func build(_ vault: Vault, notice: String? = nil) throws -> AccountsPage {
        let me = try vault.actingAccount()
        let accounts = try vault.advocates()
        func row(_ view: Vault.AdvocateView) -> Account {
            Account(name: view.name, id: view.id, role: Self.role(view.role), removed: view.removedAt.map { "removed \($0.prefix(10))" }
                        ?? (view.awaitingConfirmation ? "awaiting confirmation" : nil),
                    isYou: view.id == me.id)
        }
        let mine = Set(try vault.accountsAwaitingMyConfirmation().map(\.rawValue))
        func ordered(_ views: [Vault.AdvocateView]) -> [Account] {
            // Active accounts first, then by name: a removed account is history, not someone to ask.
            views.sorted { ($0.removedAt == nil ? 0 : 1, $0.name.lowercased(), $0.id) < ($1.removedAt == nil ? 0 : 1, $1.name.lowercased(), $1.id) }.map(row)
        }
        let organisations = try vault.organisations()
            .sorted { ($0.name.lowercased(), $0.id) < ($1.name.lowercased(), $1.id) }
            .map { organisation in
                Organisation(name: organisation.name, id: organisation.id, casePrefix: organisation.casePrefix,
                             accounts: ordered(accounts.filter { $0.organisation == organisation.id }))
            }
        return AccountsPage(organisations: organisations, administrators: ordered(accounts.filter { $0.organisation == nil }),
                            isAdministrator: me.role == .admin, confirmable: ordered(accounts.filter { mine.contains($0.id) }), notice: notice)
    }

    static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, web: WebHandlers<Backend>) {
        router.get("/accounts") { request, context in
            await web.guarded(request, context.id) {
                let notice = request.uri.queryParameters.get("done") == "confirmed"
                    ? "Confirmed. The case keys you hold for your organisation were shared with them." : nil
                return try await web.page(request, template: "accounts", title: "Organisations and accounts") { try AccountsPage.build($0, notice: notice) }
            }
        }
        // `advocate confirm`: the core checks who may, that the person renewed, and the fingerprint; a refusal is the
        // error page in the core's words, and changes nothing.
        router.post("/accounts/{account}/confirm") { request, context in
            await web.guarded(request, context.id) {
                let account = try context.parameters.require("account")
                let (token, fields) = try await web.checkedForm(request)
                guard let fingerprint = fields["fingerprint"], !fingerprint.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw WebPageError(.badRequest, "Type the fingerprint the person read out to you, then press the button again.")
                }
                _ = try await web.backend.withVault(token: token) { vault in
                    try vault.confirmAccount(AccountID(account), fingerprint: fingerprint)
                }
                return WebHTTP.redirect("/accounts?done=confirmed")
            }
        }
    }

    static func role(_ role: AccountRole) -> String {
        switch role {
        case .advocate: "Advocate"
        case .manager: "Manager"
        case .admin: "Administrator"
        }
    }
}

extension WebTemplates {
    static let accounts = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a></p>
    <h1>Organisations and accounts</h1>
    {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
    {{^empty(confirmable)}}
    <h2>Awaiting your confirmation</h2>
    <p>An administrator added these accounts. Before you confirm one, check it is really the person: ask them to run
    <code>casevault identity renew</code> on their own computer (it replaces the keys the administrator wrote), then to
    read out to you, in person or by phone, the fingerprint that <code>casevault identity show</code> prints. Type what
    they read out. Confirming gives them the keys you hold for your organisation's cases.</p>
    {{#confirmable}}
    <form method="post" action="/accounts/{{id}}/confirm">
    <input type="hidden" name="form_token" value="{{formToken}}">
    <div class="field">
    <label for="fingerprint-{{id}}">Fingerprint {{name}} read out to you</label>
    <input id="fingerprint-{{id}}" name="fingerprint" required autocomplete="off" spellcheck="false">
    </div>
    <button type="submit">Confirm {{name}}</button>
    </form>
    {{/confirmable}}
    {{/empty(confirmable)}}
    {{#organisations}}
    <h2>{{name}}</h2>
    <p class="hint">{{id}}{{#casePrefix}}, case references start {{casePrefix}}{{/casePrefix}}</p>
    {{^empty(accounts)}}
    <div class="scroll"><table>
    <caption class="visually-hidden">Accounts of {{name}}</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Account</th><th scope="col">State</th></tr></thead>
    <tbody>
    {{#accounts}}<tr><th scope="row">{{name}}{{#isYou}} (you){{/isYou}}</th><td>{{role}}</td><td>{{id}}</td><td>{{#removed}}{{removed}}{{/removed}}{{^removed}}active{{/removed}}</td></tr>{{/accounts}}
    </tbody></table></div>
    {{/empty(accounts)}}
    {{#empty(accounts)}}<p>No accounts yet.</p>{{/empty(accounts)}}
    {{/organisations}}
    {{^empty(administrators)}}
    <h2>Administrators of the vault</h2>
    <ul>{{#administrators}}<li>{{name}}{{#isYou}} (you){{/isYou}}, {{id}}{{#removed}}, {{removed}}{{/removed}}</li>{{/administrators}}</ul>
    {{/empty(administrators)}}
    {{#isAdministrator}}
    <h2>Adding accounts and recovery shares</h2>
    <p>These make secrets, so they are done on your own computer with casevault, not in the browser:</p>
    <ul>
    <li>A new advocate or manager: <code>casevault advocate add "Name" --org "Organisation" --role advocate --identity-out name.identity</code>. Give the identity file to the person; they choose their own passphrase with <code>casevault passwd</code>.</li>
    <li>Recovery shares for an organisation: <code>casevault recovery split --org "Organisation" --shares 3 --threshold 2</code>. Give each printed share code to a different trustee.</li>
    <li>Someone leaving: <code>casevault advocate remove</code>, which also takes away their keys to cases.</li>
    </ul>
    {{/isAdministrator}}
    {{/page}}{{/main}}{{/layout}}
    """
}
