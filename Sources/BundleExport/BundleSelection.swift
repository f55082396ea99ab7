import Foundation
import BundleModel
import VaultCore

/// Which documents of a case go into a bundle, and why each one is in or out. By default only the complaint
/// correspondence and its evidence go: a bundle leaves the service, and notes, consent forms and forms of
/// authority carry what the NHS body has no need to see (the advocate's own view, signatures, addresses).
public struct BundleSelection: Sendable {
    /// Kinds that go into a bundle unless the advocate chooses documents one by one.
    public static let defaultKinds: Set<DocumentKind> = [.letter, .email, .reply, .evidence]

    public enum Reason: Equatable, Sendable {
        case complaintDocument(DocumentKind)
        case named
        case kindIncluded(DocumentKind)
        case notNamed
        case privateKind(DocumentKind)
        /// A form behind a record of authority, stored as `evidence` before `authority_evidence` existed.
        case authorityForm(authorityID: String)
        case unknownKind(String)
        case cannotBeBundled(mediaType: String)
    }

    public struct Entry: Sendable {
        public let document: Vault.DocumentView
        /// The kind the selection went by (an authority's form counts as authority evidence whatever it was stored as).
        public let kind: DocumentKind?
        public let included: Bool
        public let reason: Reason
    }

    public let entries: [Entry]

    /// `named`: documents chosen with `--docs` (then nothing else goes but the kinds in `includeKinds`).
    /// `authorityForms`: document id → the record of authority whose form it is.
    public init(documents: [Vault.DocumentView], named: [String], includeKinds: Set<DocumentKind>, authorityForms: [String: String]) {
        let namedSet = Set(named)
        entries = documents.map { document in
            var kind = DocumentKind(rawValue: document.kind)
            let authority = authorityForms[document.id.rawValue]
            if authority != nil, kind != .consentForm { kind = .authorityEvidence }
            let bundleable = BundleSource(documentID: document.id.rawValue, name: document.name, mediaType: document.mediaType, documentDate: nil,
                                          ingestedAt: document.ingestedAt, ciphertextSHA256: "", plaintext: []).form != nil
            func entry(_ included: Bool, _ reason: Reason) -> Entry {
                Entry(document: document, kind: kind, included: included, reason: reason)
            }
            if namedSet.contains(document.id.rawValue) { return entry(bundleable, bundleable ? .named : .cannotBeBundled(mediaType: document.mediaType)) }
            if let kind, includeKinds.contains(kind) {
                return entry(bundleable, bundleable ? .kindIncluded(kind) : .cannotBeBundled(mediaType: document.mediaType))
            }
            if !namedSet.isEmpty { return entry(false, .notNamed) }
            guard let kind else { return entry(false, .unknownKind(document.kind)) }
            if let authority, kind == .authorityEvidence, DocumentKind(rawValue: document.kind) != .authorityEvidence {
                return entry(false, .authorityForm(authorityID: authority))
            }
            guard Self.defaultKinds.contains(kind) else { return entry(false, .privateKind(kind)) }
            guard bundleable else { return entry(false, .cannotBeBundled(mediaType: document.mediaType)) }
            return entry(true, .complaintDocument(kind))
        }
    }

    public var included: [Vault.DocumentView] { entries.filter(\.included).map(\.document) }
    public var excluded: [Entry] { entries.filter { !$0.included } }

    public static func describe(_ kind: DocumentKind) -> String {
        switch kind {
        case .letter: "letter"
        case .email: "email"
        case .reply: "reply"
        case .meetingNotes: "meeting notes"
        case .evidence: "evidence"
        case .consentForm: "consent form"
        case .internalNote: "internal note"
        case .authorityEvidence: "evidence of authority"
        case .other: "other document"
        }
    }
}
