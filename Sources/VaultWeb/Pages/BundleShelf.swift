import BundleExport
import Consent
import Foundation
import Synchronization

/// The bundles the web interface made, kept in the server's memory for a short while so that their maker can download
/// the PDF and the manifest from a page. Never written to disk: a bundle holds patient data, and the vault keeps only
/// its redaction log (as the CLI's export does). Bounded in number and age, so an idle server frees them; a restart
/// forgets them (the advocate then makes the bundle again, which the redaction log records again).
final class BundleShelf: Sendable {
    struct Entry: Sendable {
        /// The session's form token: only the session that made the bundle can see or download it.
        let owner: String
        let caseID: String
        let caseLabel: String
        let options: BundleExportOptions
        let acknowledged: [RuleID]
        let made: CaseBundleExport.Made
        let madeAt: Date
    }

    /// Half an hour: long enough to download both files and check them, short enough not to hold bundles all day.
    static let keepSeconds: TimeInterval = 30 * 60
    /// A bundle can be tens of megabytes: a handful at once is plenty for a team's server.
    static let maxEntries = 8

    private let entries = Mutex<[String: Entry]>([:])
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date = Date.init) {
        self.now = now
    }

    func put(_ entry: Entry) {
        let time = now()
        entries.withLock { entries in
            entries = entries.filter { time.timeIntervalSince($0.value.madeAt) < Self.keepSeconds }
            while entries.count >= Self.maxEntries, let oldest = entries.min(by: { $0.value.madeAt < $1.value.madeAt }) {
                entries[oldest.key] = nil
            }
            entries[entry.made.bundleID] = entry
        }
    }

    /// The bundle, if this session made it and it is still kept.
    func get(_ bundleID: String, owner: String) -> Entry? {
        let time = now()
        return entries.withLock { entries in
            guard let entry = entries[bundleID] else { return nil }
            guard time.timeIntervalSince(entry.madeAt) < Self.keepSeconds else {
                entries[bundleID] = nil
                return nil
            }
            return WebHTTP.tokensMatch(owner, entry.owner) ? entry : nil
        }
    }
}
