public enum BundleDates {
    private static let months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                                 "November", "December"]

    /// "2026-03-14" → "14 March 2026"; anything else is shown as given.
    public static func display(_ iso: String?) -> String? {
        guard let iso else { return nil }
        let parts = iso.prefix(10).split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), (1...12).contains(month), let day = Int(parts[2]) else { return iso }
        return "\(day) \(months[month - 1]) \(parts[0])"
    }
}
