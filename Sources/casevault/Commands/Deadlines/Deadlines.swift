import ArgumentParser
import Consent
import Foundation
import VaultCore

extension CaseVault {
    struct Deadlines: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deadlines",
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
                        guard try vault.consentPermits(.checkDeadlines, caseID: id, on: today) else { continue }
                    }
                    rows += ComplaintDeadlines.compute(try vault.caseFacts(id).events, on: today).map { Row(caseID: id.rawValue, deadline: $0) }
                    reminders += try vault.remindersIfKeyHeld(caseID: id).filter { !open || $0.doneAt == nil }
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
}
