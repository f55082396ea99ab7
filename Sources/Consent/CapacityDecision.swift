/// Capacity is specific to the decision (MCA s.2(1); CONSENT-RULES.md §2, R-CAP-2 clarified 2026-12-02).
/// An assessment counts for the complaint's rules (R-CAP-1/2/3, R-LPA-1(b), R-DEP-1, R-CHI-3) only when its
/// `decision` is about the complaint: `conduct NHS complaint`, or any text containing the word "complaint".
extension CapacityAssessment {
    /// Whether this assessment counts for the complaint's rules.
    public var countsForComplaint: Bool { Self.isAboutComplaint(decision) }

    private static let complaintWord = Array("complaint".utf8)

    /// True when `decision` contains the word "complaint" (any case; "complaints" and "complaint's" too).
    /// A whole-word match, so "making a complaint", "the complaint", "Complaint about NHS care" and
    /// "conduct NHS complaint" count, while finances, where to live or treatment do not. An assessment
    /// with no decision recorded does not count: nobody can tell it was about the complaint.
    public static func isAboutComplaint(_ decision: String?) -> Bool {
        guard let decision else { return false }
        // Byte scan over the words (runs of letters; any non-ASCII byte counts as a letter, so an accented
        // word never splits into a false "complaint"), without allocating: this runs on every decision.
        let target = complaintWord
        var word: [UInt8] = []
        word.reserveCapacity(16)
        func matches() -> Bool { word == target || (word.count == target.count + 1 && word.starts(with: target) && word.last == UInt8(ascii: "s")) }
        for byte in decision.utf8 {
            let lower = (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
            if (lower >= 0x61 && lower <= 0x7A) || byte >= 0x80 {
                if word.count <= target.count { word.append(lower) } else { word.append(0) }
            } else {
                if matches() { return true }
                word.removeAll(keepingCapacity: true)
            }
        }
        return matches()
    }
}
