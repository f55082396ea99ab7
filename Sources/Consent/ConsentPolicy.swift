/// The service's policy choices (CONSENT-RULES.md §5 "policy" rows) as configuration with the documented
/// defaults. The engine reads only this value, so a supervisor's "what if" can vary it.
public struct ConsentPolicy: Sendable, Equatable {
    /// R-CON-9: what recorded verbal consent allows, with a warning.
    public var verbalConsentActions: Set<ConsentAction>
    /// R-TIME-2: warn when this many days or fewer remain before the 12-month limit.
    public var deadlineWarningDays: Int
    /// R-CON-7: the severity when a colleague uses consent given to a named advocate.
    public var namedAdvocateReassignment: Outcome
    /// Warnings the advocate must acknowledge (`--acknowledge RULE-ID`) before the command proceeds.
    public var acknowledgementRequired: Set<RuleID>
    /// Words in an LPA's or court order's `scope.matters` that cover an NHS complaint.
    public var healthMatters: Set<String>
    public var calendar: EnglandCalendar

    public init(verbalConsentActions: Set<ConsentAction> = [.viewDocuments, .ingestDocument, .draftLetter, .sendLetterToNHSBody,
                                                          .attendMeeting, .speakByPhone, .checkDeadlines],
                deadlineWarningDays: Int = 28,
                namedAdvocateReassignment: Outcome = .warn,
                acknowledgementRequired: Set<RuleID> = [.who3, .con7, .con9, .cap3, .chi1, .chi2, .chi3, .dec1, .dec2, .dec3,
                                                        .dec4, .conf1],
                healthMatters: Set<String> = ["health", "welfare", "health_and_welfare", "personal_welfare", "complaints",
                                              "healthcare", "medical_treatment", "health_records"],
                calendar: EnglandCalendar = EnglandCalendar()) {
        self.verbalConsentActions = verbalConsentActions
        self.deadlineWarningDays = deadlineWarningDays
        self.namedAdvocateReassignment = namedAdvocateReassignment
        self.acknowledgementRequired = acknowledgementRequired
        self.healthMatters = healthMatters
        self.calendar = calendar
    }

    public static let standard = ConsentPolicy()

    public static func == (lhs: ConsentPolicy, rhs: ConsentPolicy) -> Bool {
        lhs.verbalConsentActions == rhs.verbalConsentActions && lhs.deadlineWarningDays == rhs.deadlineWarningDays
            && lhs.namedAdvocateReassignment == rhs.namedAdvocateReassignment
            && lhs.acknowledgementRequired == rhs.acknowledgementRequired && lhs.healthMatters == rhs.healthMatters
            && lhs.calendar.extraHolidays == rhs.calendar.extraHolidays
            && lhs.calendar.cancelledHolidays == rhs.calendar.cancelledHolidays
    }
}
