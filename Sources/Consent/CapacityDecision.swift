/// Capacity is specific to the decision (MCA s.2(1); CONSENT-RULES.md §2, R-CAP-2 clarified 2026-12-02).
/// An assessment counts for the complaint's rules (R-CAP-1/2/3, R-LPA-1(b), R-DEP-1, R-CHI-3) only when its
/// `decision` is about the complaint: `conduct NHS complaint`, or any text containing the word "complaint".
extension CapacityAssessment {
    /// Whether this assessment counts for the complaint's rules.
    public var countsForComplaint: Bool { Self.isAboutComplaint(decision) }

    /// True when `decision` contains the word "complaint" (any case; "complaints" and "complaint's" too).
    /// A whole-word match, so "making a complaint", "the complaint", "Complaint about NHS care" and
    /// "conduct NHS complaint" count, while finances, where to live or treatment do not. An assessment
    /// with no decision recorded does not count: nobody can tell it was about the complaint.
    public static func isAboutComplaint(_ decision: String?) -> Bool {
        guard let decision else { return false }
        return decision.lowercased().split { !$0.isLetter }.contains { $0 == "complaint" || $0 == "complaints" }
    }
}
