import ArgumentParser
import Consent
import Foundation
import VaultStore

/// One line of `deadlines`: a statutory deadline (its rule) or a reminder (its id), with the same fields for both.
enum Listed: Encodable {
    case statutory(Deadlines.Row)
    case reminder(Vault.Reminder, status: String, days: Int)

    static func reminder(_ reminder: Vault.Reminder, today: CivilDate) -> Listed {
        let days = reminder.due.dayNumber - today.dayNumber
        return .reminder(reminder, status: reminder.doneAt != nil ? "done" : (days < 0 ? "overdue" : "open"), days: days)
    }

    var due: String {
        switch self {
        case .statutory(let row): row.deadline.due.description
        case .reminder(let reminder, _, _): reminder.due.description
        }
    }
    var caseID: String {
        switch self {
        case .statutory(let row): row.caseID
        case .reminder(let reminder, _, _): reminder.caseID
        }
    }
    var what: String {
        switch self {
        case .statutory(let row): row.deadline.rule.rawValue
        case .reminder(let reminder, _, _): reminder.id
        }
    }
    var status: String {
        switch self {
        case .statutory(let row): row.deadline.status.rawValue
        case .reminder(_, let status, _): status
        }
    }
    var days: Int {
        switch self {
        case .statutory(let row): row.deadline.daysRemaining
        case .reminder(_, _, let days): days
        }
    }
    var title: String {
        switch self {
        case .statutory(let row): row.deadline.title
        case .reminder(let reminder, _, _): "reminder: " + reminder.text
        }
    }

    enum CodingKeys: String, CodingKey { case caseID = "case_id", reminderID = "reminder_id", due, status, title, daysRemaining = "days_remaining" }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .statutory(let row): try row.encode(to: encoder)
        case .reminder(let reminder, let status, let days):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(reminder.caseID, forKey: .caseID)
            try container.encode(reminder.id, forKey: .reminderID)
            try container.encode(reminder.due, forKey: .due)
            try container.encode(status, forKey: .status)
            try container.encode(reminder.text, forKey: .title)
            try container.encode(days, forKey: .daysRemaining)
        }
    }
}

struct Deadlines: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List complaint deadlines (12-month limit, acknowledgement, 6-month response, PHSO), soonest first.",
        discussion: "Only cases the acting advocate may check_deadlines on are listed.")
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("case"), help: "Only this case.") var caseID: String?
    @Flag(help: "Hide reminders already done.") var open = false
    @OptionGroup var consent: ConsentOptions

    struct Row: Encodable {
        let caseID: String
        let deadline: ComplaintDeadline

        enum CodingKeys: String, CodingKey { case caseID = "case_id", ruleID = "rule_id", title, due, status, daysRemaining = "days_remaining" }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(caseID, forKey: .caseID)
            try container.encode(deadline.rule, forKey: .ruleID)
            try container.encode(deadline.title, forKey: .title)
            try container.encode(deadline.due, forKey: .due)
            try container.encode(deadline.status, forKey: .status)
            try container.encode(deadline.daysRemaining, forKey: .daysRemaining)
        }
    }

    func run() throws {
        let today = Today.inEngland()
        var reminders: [Vault.Reminder] = []
        var references: [String: String] = [:]
        let rows = try global.withVault { vault -> [Row] in
            let ids = try caseID.map { [try vault.caseID($0)] } ?? vault.cases().filter { $0.status == "open" }.map(\.id)
            var rows: [Row] = []
            for id in ids {
                if caseID != nil {
                    try ConsentGate.require(.checkDeadlines, caseID: id, vault: vault, options: consent)
                } else {
                    let check = try vault.checkConsent(caseID: id, action: .checkDeadlines, on: today)
                    guard check.decision.outcome != .deny else { continue }
                }
                rows += ComplaintDeadlines.compute(try vault.caseFacts(id).events, on: today).map { Row(caseID: id, deadline: $0) }
                reminders += try vault.reminders(caseID: id).filter { !open || $0.doneAt == nil }
            }
            references = try vault.caseReferences(Set(rows.map(\.caseID) + reminders.map(\.caseID)))
            return rows.sorted { ($0.deadline.due, $0.caseID) < ($1.deadline.due, $1.caseID) }
        }
        // The advocate's own reminders join the statutory deadlines in one list, soonest first; done ones are marked.
        let listed = (rows.map(Listed.statutory) + reminders.map { Listed.reminder($0, today: today) })
            .sorted { ($0.due, $0.caseID, $0.what) < ($1.due, $1.caseID, $1.what) }
        if global.json { try global.emitJSON(listed); return }
        Terminal.printOut(Table.render(["DUE", "CASE", "RULE", "STATUS", "DAYS", "DEADLINE"], listed.map {
            [$0.due, references[$0.caseID] ?? $0.caseID, $0.what, $0.status, String($0.days), $0.title]
        }))
    }
}
