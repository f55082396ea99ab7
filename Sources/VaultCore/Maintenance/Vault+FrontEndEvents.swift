import Audit
import Foundation

/// What a front end may write in the audit log itself: the few things that happen outside the core (a sign-in to the
/// team server, a restore from a backup). Everything else is recorded by the core as it acts, so a front end cannot
/// put an event of its choosing in the log (an invented action, another case's id, or words in the details).
public enum FrontEndEvent: Sendable, Equatable {
    /// A sign-in to the team server; `session` is the server's own id for it (never the token).
    case signedIn(session: String)
    case signedOut(session: String)
    /// This vault was restored from a backup holding `documents` documents.
    case restored(documents: Int)

    var action: String {
        switch self {
        case .signedIn: "session.login"
        case .signedOut: "session.logout"
        case .restored: "vault.restore"
        }
    }

    var details: [String: String] {
        switch self {
        case .signedIn(let session), .signedOut(let session): ["session": session]
        case .restored(let documents): ["documents": String(documents)]
        }
    }
}

extension Vault {
    /// Records `event` as done by the acting account, in its own transaction.
    public func record(_ event: FrontEndEvent) throws {
        try audit(self.event(event.action, details: event.details))
    }
}
