import Foundation

/// The consent decisions a sign-in session has already written to the audit log, for the pages that only show what
/// the rules allow (a case page's document list). The server opens one `Vault` per request, so the `Vault`'s own
/// once-per-session memory (`consentGrants`) lasts one page; without this, every view of a case page whose consent
/// warns (R-CON-7, R-CON-9) wrote and fsynced the same `consent.decision` again. The same decision (day, case,
/// action, outcome, rules, authorities, acknowledgements) is recorded once per session; any change is a new event,
/// and what an advocate does (a read, an upload, an export) asks with `showing: false` and is recorded every time.
public final class RecordedDecisions: @unchecked Sendable {
    // @unchecked: `keys` is only touched under `lock`.
    private let lock = NSLock()
    private var keys = Set<String>()
    /// A session that shows more distinct decisions than this records them again rather than grow without end.
    static let limit = 512

    public init() {}

    func contains(_ key: String) -> Bool { lock.withLock { keys.contains(key) } }

    func insert(_ key: String) {
        lock.withLock {
            if keys.count >= Self.limit { keys.removeAll() }
            keys.insert(key)
        }
    }
}
