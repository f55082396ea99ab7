import VaultModel
/// The complaint's statutory dates (reg 12, 13, 14 and the PHSO's usual limit), for `casevault deadlines`.
public struct ComplaintDeadline: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable { case met, upcoming, overdue }
    public var rule: RuleID
    public var title: String
    public var due: CivilDate
    public var status: Status
    /// Days from the reference date to `due` (negative when overdue).
    public var daysRemaining: Int

    enum CodingKeys: String, CodingKey { case rule = "rule_id", title, due, status, daysRemaining = "days_remaining" }
}

public enum ComplaintDeadlines {
    /// The same calendar date 12 months after the later of the incident and awareness (28 Feb for 29 Feb).
    public static func twelveMonthLimit(_ events: CaseEvents) -> CivilDate? {
        guard let start = [events.incidentDate, events.awareDate].compactMap({ $0 }).max() else { return nil }
        return start.adding(months: 12)
    }

    /// Every deadline the events allow us to compute, soonest first.
    public static func compute(_ events: CaseEvents, on today: CivilDate, calendar: EnglandCalendar = EnglandCalendar()) -> [ComplaintDeadline] {
        var deadlines: [ComplaintDeadline] = []
        func add(_ rule: RuleID, _ title: String, _ due: CivilDate, met: Bool, overdueFrom: CivilDate? = nil) {
            let status: ComplaintDeadline.Status = met ? .met : (today >= (overdueFrom ?? due.adding(days: 1)) ? .overdue : .upcoming)
            deadlines.append(ComplaintDeadline(rule: rule, title: title, due: due, status: status, daysRemaining: today.days(until: due)))
        }
        if let limit = twelveMonthLimit(events) {
            add(.time1, "12-month limit for making the complaint", limit, met: events.complaintDate.map { $0 <= limit } ?? false)
        }
        if let received = events.complaintDate {
            let acknowledgement = calendar.addingWorkingDays(3, to: received)
            add(.time3, "Acknowledgement due (3 working days)", acknowledgement,
                met: events.acknowledgedOn.map { $0 <= acknowledgement } ?? false)
            let sixMonths = received.adding(months: 6)
            let responseDue = max(sixMonths, events.responseExtensionAgreedUntil ?? sixMonths)
            add(.time4, events.responseExtensionAgreedUntil == nil ? "Response due (6 months)" : "Response due (agreed extension)",
                responseDue, met: events.finalResponseOn != nil,
                overdueFrom: events.responseExtensionAgreedUntil == nil ? sixMonths : responseDue.adding(days: 1))
        }
        if let final = events.finalResponseOn {
            add(.phso1, "Ready for the PHSO (local resolution finished); usual PHSO limit", final.adding(months: 12), met: false)
        }
        return deadlines.sorted { ($0.due, $0.rule) < ($1.due, $1.rule) }
    }
}
