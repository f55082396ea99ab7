import Foundation
import Synchronization

/// What each upload did, kept in the server's memory for a while so the upload's POST can answer with a redirect to a
/// page that shows it (POST, redirect, GET): reloading that page, or going back to it, shows the result again instead
/// of sending the files a second time. Only names and outcomes are kept, never a file's content; bounded in number and
/// age, and a restart forgets them (the page then says where the documents are).
typealias UploadResults = KeptResults<UploadedPage>

/// What a form's POST did, for the page its redirect leads to (uploads; the situation page's warnings on the case
/// page): found by a random id in the redirect, so nothing personal is in a URL, and only by the session that posted.
final class KeptResults<Value: Sendable>: Sendable {
    struct Entry: Sendable {
        /// The session's form token: only the session that posted sees the result.
        let owner: String
        let page: Value
        let madeAt: Date
    }

    /// Long enough to read the result and correct kinds and dates, short enough not to keep names all day.
    static var keepSeconds: TimeInterval { 30 * 60 }
    /// Results are small; this bounds the memory a busy or hostile session can take.
    static var maxEntries: Int { 256 }

    private let entries = Mutex<[String: Entry]>([:])
    private let now: @Sendable () -> Date

    init(now: @escaping @Sendable () -> Date = Date.init) {
        self.now = now
    }

    /// Keeps the result and returns the id its page is found by (random, so it cannot be guessed).
    func put(_ page: Value, owner: String) throws -> String {
        let id = try WebHTTP.randomToken()
        let time = now()
        entries.withLock { entries in
            entries = entries.filter { time.timeIntervalSince($0.value.madeAt) < Self.keepSeconds }
            while entries.count >= Self.maxEntries, let oldest = entries.min(by: { $0.value.madeAt < $1.value.madeAt }) {
                entries[oldest.key] = nil
            }
            entries[id] = Entry(owner: owner, page: page, madeAt: time)
        }
        return id
    }

    /// The result, if this session made it and it is still kept.
    func get(_ id: String, owner: String) -> Value? {
        let time = now()
        return entries.withLock { entries in
            guard let entry = entries[id] else { return nil }
            guard time.timeIntervalSince(entry.madeAt) < Self.keepSeconds else {
                entries[id] = nil
                return nil
            }
            return WebHTTP.tokensMatch(owner, entry.owner) ? entry.page : nil
        }
    }
}
