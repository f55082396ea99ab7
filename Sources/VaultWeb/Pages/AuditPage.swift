import Foundation
import VaultModel
import VaultCore

/// The activity log for managers and administrators (issue 22: "audit view for managers"): the core's `auditLog`, as
/// `casevault audit log` reads it (a manager sees their organisation's cases, an administrator every event, ids
/// only in the log itself), worded with the names and case references this account may see. An advocate is refused
/// by the core (audit.read), and the page says so as the CLI does.
struct AuditPage: Sendable {
    /// One event, worded; written into the table by `TableRows.audit`, not by a template section (HTMLFragment.swift).
    struct Row: Sendable {
        let time: String
        let who: String
        let what: String
        let outcome: String
        let refused: Bool
        let caseLabel: String
        let caseID: String?
        let document: String
    }

    let caseFilter: String
    let since: String
    /// Stored, not computed: the templates read values by reflection, which sees stored properties only.
    let filtered: Bool
    let summary: String
    /// The table's rows, escaped; empty when no event matches.
    let auditRows: HTMLFragment
    /// The next, older page (the same filters), and the first page; nil where there is none.
    var olderLink: String? = nil
    var newestLink: String? = nil

    /// Events per page, newest first: a page of a long log stays quick to make and to read; the CLI's
    /// `audit log --json` has them all.
    static let limit = 100

    /// `before`: the page's cursor (`?before=`, a sequence number from the previous page's "Older" link).
    static func build(_ vault: Vault, caseText: String, since: String, before: String = "") throws -> AuditPage {
        let wantedCase = caseText.trimmingCharacters(in: .whitespacesAndNewlines)
        let wantedSince = since.trimmingCharacters(in: .whitespacesAndNewlines)
        let cursor = Int64(before.trimmingCharacters(in: .whitespaces)).flatMap { $0 > 0 ? $0 : nil }
        let caseID = wantedCase.isEmpty ? nil : try WebPageBuilders.caseID(vault, wantedCase)
        let page = try vault.auditLogPage(caseID: caseID.map { CaseID($0) }, since: wantedSince.isEmpty ? nil : wantedSince, actor: nil, before: cursor, limit: limit)
        let names = try vault.names()
        let references = try vault.caseReferences(Set(page.entries.compactMap(\.caseID)))
        let rows = page.entries.map { entry in
            Row(time: Self.time(entry.time), who: entry.actor.map { names.accounts[$0] ?? $0 } ?? "casevault",
                what: Self.describe(entry.action), outcome: Self.outcome(entry), refused: entry.outcome != AuditOutcome.success.rawValue,
                caseLabel: entry.caseID.map { references[$0] ?? $0 } ?? "", caseID: entry.caseID, document: entry.documentID ?? "")
        }
        let summary: String
        if page.total == 0 {
            summary = "No activity matches."
        } else if page.entries.isEmpty {
            summary = "There are no older events. \(page.total) event\(page.total == 1 ? "" : "s") in all."
        } else if page.total <= limit {
            summary = "\(page.total) event\(page.total == 1 ? "" : "s"), newest first."
        } else {
            summary = "\(page.entries.count) of \(page.total) events, newest first\(cursor == nil ? "" : ", from older ones")."
        }
        // The filters as typed, so the next page shows the same events.
        let unreserved = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let filters = [("case", wantedCase), ("since", wantedSince)].filter { !$0.1.isEmpty }
            .map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "")" }.joined(separator: "&")
        func link(before: Int64?) -> String {
            let parts = [filters, before.map { "before=\($0)" } ?? ""].filter { !$0.isEmpty }
            return "/audit" + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
        }
        return AuditPage(caseFilter: wantedCase, since: wantedSince, filtered: !wantedCase.isEmpty || !wantedSince.isEmpty, summary: summary,
                         auditRows: TableRows.audit(rows), olderLink: page.olderBefore.map { link(before: $0) },
                         newestLink: cursor == nil ? nil : link(before: nil))
    }

    /// "2026-12-06T10:15:02.123Z" as "2026-12-06 10:15" (UTC, as stored).
    static func time(_ stored: String) -> String {
        guard stored.count >= 16 else { return stored }
        return String(stored.prefix(10)) + " " + String(stored.dropFirst(11).prefix(5))
    }

    static func outcome(_ entry: Vault.AuditLogEntry) -> String {
        let rules = entry.ruleIDs.isEmpty ? "" : " (\(entry.ruleIDs.joined(separator: ", ")))"
        switch AuditOutcome(rawValue: entry.outcome) {
        case .success: return (entry.decision == "warn" ? "Done after a warning" : "Done") + rules
        case .refused: return "Refused" + rules
        case .failure: return "Failed" + rules
        case .duplicate: return "Already stored"
        case nil: return entry.outcome + rules
        }
    }

    /// The stored action in words; an action this table does not know is shown as stored.
    static func describe(_ action: String) -> String {
        if action.hasPrefix("state.") { return "Records changed" }
        return actions[action] ?? action
    }

    static let actions: [String: String] = [
        "document.ingest": "Added a document", "document.read": "Read a document", "document.search": "Searched documents",
        "document.retag": "Corrected a document's details", "document.remove": "Removed a document",
        "document.list": "Listed documents", "bundle.export": "Made a bundle",
        "consent.record": "Recorded a consent", "consent.withdraw": "Recorded a withdrawal", "consent.void": "Voided a consent",
        "consent.handover": "Recorded a handover", "consent.check": "Asked the consent rules",
        "case.open": "Opened a case", "case.update": "Changed a case", "case.close": "Closed a case", "case.erase": "Erased a case",
        "case.transfer": "Transferred a case", "case.assign": "Assigned an advocate", "case.unassign": "Unassigned an advocate",
        "case.add_person": "Added a person to a case", "case.note": "Wrote a note", "case.reminder": "Set a reminder",
        "case.reminder_done": "Marked a reminder done", "case.event": "Recorded a complaint event", "case.rekey": "Changed a case's key",
        "case.keys_shared": "Shared a case's key", "person.add": "Registered a person", "person.edit": "Corrected a person's details",
        "redaction.terms": "Added redaction terms", "redaction.terms_removed": "Removed redaction terms",
        "advocate.add": "Added an account", "advocate.remove": "Removed an account", "account.confirm": "Confirmed a new account",
        "organisation.add": "Added an organisation",
        "organisation.update": "Changed an organisation", "session.login": "Signed in", "session.logout": "Signed out",
        "keys.rotate": "Rotated keys", "keys.retire": "Retired keys", "vault.init": "Created the vault", "vault.verify": "Checked the vault",
        "vault.backup": "Backed up the vault", "vault.restore": "Restored the vault",
        "access.refused": "Was refused", "consent.decision": "Asked the consent rules", "bundle.download": "Downloaded a bundle",
        "organisation.directory_rekey": "Changed an organisation's directory key", "organisation.keys_shared": "Shared an organisation's keys",
        "vault.accept_older_state": "Accepted an older state of the vault", "vault.seal_columns": "Sealed older records",
        "vault.move_to_entitled_keys": "Moved older records under their own keys",
    ]
}

extension WebTemplates {
    static let audit = """
    {{<layout}}{{$main}}{{#page}}
    <p class="crumbs"><a href="/cases">My cases</a></p>
    <h1>Activity log</h1>
    <p>Who did what, and when: every read, change, refusal and sign-in is recorded here and cannot be altered.</p>
    <form method="get" action="/audit" class="filter">
    <div class="field">
    <label for="case">Case (reference or client's name)</label>
    <input type="text" id="case" name="case" value="{{caseFilter}}">
    </div>
    <div class="field">
    <label for="since">From (YYYY-MM-DD)</label>
    <input type="text" id="since" name="since" value="{{since}}" inputmode="numeric" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}">
    </div>
    <button type="submit">Show</button>
    {{#filtered}}<a href="/audit">Show all</a>{{/filtered}}
    </form>
    <p>{{summary}}</p>
    {{#auditRows}}
    <div class="scroll"><table>
    <caption class="visually-hidden">Activity, newest first</caption>
    <thead><tr><th scope="col">When (UTC)</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Outcome</th><th scope="col">Case</th><th scope="col">Document</th></tr></thead>
    <tbody>
    {{{auditRows}}}
    </tbody></table></div>
    {{/auditRows}}
    {{#olderLink}}<p><a href="{{olderLink}}">Older events</a></p>{{/olderLink}}
    {{#newestLink}}<p><a href="{{newestLink}}">Back to the newest events</a></p>{{/newestLink}}
    {{/page}}{{/main}}{{/layout}}
    """
}
