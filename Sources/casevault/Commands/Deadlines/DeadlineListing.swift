import ArgumentParser
import Consent
import Foundation
import VaultCore

/// One line of `deadlines`: a statutory deadline (its rule) or a reminder (its id), with the same fields for both.
enum Listed: Encodable {
    case statutory(CaseVault.Deadlines.Row)
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
