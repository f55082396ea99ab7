import Consent
import Foundation
import Hummingbird
import VaultModel
import VaultCore

/// Withdrawing a consent from the case page, as `casevault consent withdraw` does it: the core's
/// `withdrawAuthority` (the access table's case.change, the `consent.withdraw` event), with how the withdrawal reached
/// the service and its date, confirmed because it is never undone. The next read of the case's documents is then
/// refused by the consent rules, and the refusal page gives their reasons in the CLI's words.
enum ConsentWithdrawPages {
    static func register<Context: RequestContext, Backend: WebBackend>(on router: Router<Context>, web: WebHandlers<Backend>) {
        router.get("/consents/{id}/withdraw") { request, context in
            await web.guarded(request, context.id) {
                let id = try context.parameters.require("id")
                let done = request.uri.queryParameters.get("done") == "1"
                return try await web.page(request, template: "consent-withdraw", title: "Withdraw consent") { vault in
                    try ConsentWithdrawPages.page(vault, id: id, done: done, channel: nil, date: nil, problem: nil)
                }
            }
        }
        router.post("/consents/{id}/withdraw") { request, context in
            await web.guarded(request, context.id) { try await web.withdraw(request, id: try context.parameters.require("id")) }
        }
    }

    static let channels: [(Vault.WithdrawalChannel, String)] = [(.letter, "By letter"), (.phone, "By phone"), (.email, "By email"),
                                                                (.inPerson, "In person")]

    static func page(_ vault: Vault, id: String, done: Bool, channel: String?, date: String?, problem: String?) throws -> WithdrawPage {
        let stored = try vault.authority(RecordID(id))
        let authority = stored.authority
        let names = try vault.names()
        func name(_ id: String) -> String { names.name(id) ?? id }
        let detail = try vault.caseDetail(CaseID(stored.caseID))
        let today = vault.today()
        let facts = [
            Fact(label: "Person", value: name(stored.personID)),
            Fact(label: "Kind", value: authority.kind.rawValue.replacingOccurrences(of: "_", with: " ")),
            Fact(label: "Given to", value: authority.party.map { name($0.id) } ?? ""),
            Fact(label: "Actions", value: authority.scope?.actions?.map { $0.replacingOccurrences(of: "_", with: " ") }.joined(separator: ", ") ?? "all"),
            Fact(label: "State", value: WebPageBuilders.consentState(stored, on: today)),
        ]
        return WithdrawPage(id: authority.id, caseID: stored.caseID, caseLabel: detail.clientName, facts: facts,
                            withdrawn: authority.withdrawnOn?.description, done: done, date: date ?? today.description,
                            channels: channels.map { Choice(value: $0.0.rawValue, label: $0.1, hint: "", selected: $0.0.rawValue == channel) },
                            problem: problem)
    }
}

extension WebHandlers {
    func withdraw(_ request: Request, id: String) async throws -> Response {
        let (token, fields) = try await checkedForm(request)
        let channelText = fields["received_by"] ?? ""
        let dateText = (fields["date"] ?? "").trimmingCharacters(in: .whitespaces)
        let problem: String?
        if Vault.WithdrawalChannel(rawValue: channelText) == nil {
            problem = "Say how the withdrawal reached you."
        } else if CivilDate(iso: dateText) == nil {
            problem = "Give the date of withdrawal as YYYY-MM-DD, for example 2026-12-06."
        } else if fields["confirm"] != "yes" {
            problem = "Tick \"I understand this cannot be undone\" to withdraw the consent."
        } else {
            problem = nil
        }
        if let problem {
            let page = try await backend.withVault(token: token) { vault in
                try ConsentWithdrawPages.page(vault, id: id, done: false, channel: channelText, date: dateText, problem: problem)
            }
            return WebHTTP.html(renderer.render("consent-withdraw", title: "Withdraw consent (there is a problem)", signedIn: true,
                                                formToken: try backend.formToken(sessionToken: token), page: page), status: .badRequest)
        }
        let channel = Vault.WithdrawalChannel(rawValue: channelText)
        let day = CivilDate(iso: dateText)
        do {
            _ = try await backend.withVault(token: token) { vault -> String in
                guard let day else { return "" }
                return try vault.withdrawAuthority(RecordID(id), on: day, receivedBy: channel).authority.id
            }
        } catch VaultError.invalidInput(let text) {
            // Already withdrawn (a withdrawal is never changed): the core's words.
            throw WebPageError(.badRequest, "Nothing was changed: \(text).")
        }
        // 303 to the page, which now says it was withdrawn: a reload never posts the withdrawal again.
        return WebHTTP.redirect("/consents/\(id.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-"))) ?? "")/withdraw?done=1")
    }
}
