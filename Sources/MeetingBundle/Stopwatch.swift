import BundleModel
/// Elapsed time for the bundle's timing report, on the monotonic clock: a wall-clock change (NTP, the user) during
/// an export must not give negative or wrong durations, and no engine reads the date.
struct Stopwatch {
    private let start = ContinuousClock.now

    var seconds: Double {
        let elapsed = start.duration(to: .now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
