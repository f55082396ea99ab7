// The vocabulary every layer shares: kinds, roles, statuses and audit outcomes as types, so a misspelt "opne" or a
// role compared as text is a compile error, not a silent mismatch. Raw values are the stored text, unchanged.

/// Stored as text in `documents.kind`, which has no constraint: a vault written before a kind existed reads
/// as before, and a value this version does not know is kept as it is (and left out of bundles by default).
public enum DocumentKind: String, CaseIterable, Sendable {
    case letter, email, reply, meetingNotes = "meeting_notes", evidence, consentForm = "consent_form", other
    /// The advocate's own notes (a phone call, a home visit): never for the NHS body.
    case internalNote = "internal_note"
    /// The form or order behind a record of authority (LPA, deputyship, grant of probate, next of kin).
    case authorityEvidence = "authority_evidence"
}

/// What an account may do in the vault, before any consent is asked (SECURITY.md, "Who may do what").
public enum AccountRole: String, Codable, Sendable, CaseIterable {
    /// Works on the cases they are assigned to, under the client's consent.
    case advocate
    /// An advocate who also supervises every case of their own organisation (erasure, allow-lists, audit).
    case manager
    /// Manages organisations and accounts for the whole vault; never reads case contents.
    case admin
}

/// A case's status, stored as text in `cases.status`. An erased case keeps its row (ids only) and its tombstone.
public enum CaseStatus: String, Codable, Sendable, CaseIterable {
    case open, closed, erased
}

/// How an audited attempt ended, stored as text in the audit log (part of what its MAC covers, so the words never
/// change).
public enum AuditOutcome: String, Codable, Sendable, CaseIterable {
    case success, failure, refused, duplicate
}
