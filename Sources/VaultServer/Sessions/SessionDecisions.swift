import Foundation
import VaultCore

/// Each sign-in session's `RecordedDecisions`, kept in memory for the server's life: the `Vault` opened for each
/// request of a session gets the same one, so a page shown again records its consent decision once (see
/// `RecordedDecisions`). Lost on a restart, which costs one more event per page, never one less.
final class SessionDecisions: @unchecked Sendable {
    // @unchecked: `bySession` is only touched under `lock`.
    private let lock = NSLock()
    private var bySession: [String: RecordedDecisions] = [:]
    /// More live sessions than this start again from empty (each then records its decisions once more).
    static let limit = 10_000

    func recorded(session sessionID: String) -> RecordedDecisions {
        lock.withLock {
            if let known = bySession[sessionID] { return known }
            if bySession.count >= Self.limit { bySession.removeAll() }
            let made = RecordedDecisions()
            bySession[sessionID] = made
            return made
        }
    }

    func end(session sessionID: String) {
        _ = lock.withLock { bySession.removeValue(forKey: sessionID) }
    }
}
