import Foundation
import BundleModel
import VaultStore

/// Which documents of a case go into a bundle, and why each one is in or out. By default only the complaint
/// correspondence and its evidence go: a bundle leaves the service, and notes, consent forms and forms of
/// authority carry what the NHS body has no need to see (the advocate's own view, signatures, addresses).
struct BundleSelection {
    /// Kinds that go into a bundle unless the advocate chooses documents one by one.
    static let defaultKinds: Set<DocumentKind> = [.letter, .email, .reply, .evidence]

    enum Reason: Equatable {
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

    struct Entry {
        let document: Vault.DocumentView
        /// The kind the selection went by (an authority's form counts as authority evidence whatever it was stored as).
        let kind: DocumentKind?
        let included: Bool
        let reason: Reason
    }

    let entries: [Entry]

    /// `named`: documents chosen with `--docs` (then nothing else goes but the kinds in `includeKinds`).
    /// `authorityForms`: document id → the record of authority whose form it is.
    init(documents: [Vault.DocumentView], named: [String], includeKinds: Set<DocumentKind>, authorityForms: [String: String]) {
        let namedSet = Set(named)
        entries = documents.map { document in
            var kind = DocumentKind(rawValue: document.kind)
            let authority = authorityForms[document.id]
            if authority != nil, kind != .consentForm { kind = .authorityEvidence }
            let bundleable = BundleSource(documentID: document.id, name: document.name, mediaType: document.mediaType, documentDate: nil,
                                          ingestedAt: document.ingestedAt, ciphertextSHA256: "", plaintext: []).form != nil
            func entry(_ included: Bool, _ reason: Reason) -> Entry {
                Entry(document: document, kind: kind, included: included, reason: reason)
            }
            if namedSet.contains(document.id) { return entry(bundleable, bundleable ? .named : .cannotBeBundled(mediaType: document.mediaType)) }
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

    var included: [Vault.DocumentView] { entries.filter(\.included).map(\.document) }
    var excluded: [Entry] { entries.filter { !$0.included } }

    static func describe(_ kind: DocumentKind) -> String {
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

    /// Why the document is in or out, with what to do to change it (plain words; ids only, no names).
    static func explain(_ entry: Entry) -> String {
        let id = entry.document.id
        switch entry.reason {
        case .complaintDocument(let kind): return "complaint \(describe(kind)), in by default"
        case .named: return "named with --docs"
        case .kindIncluded(let kind): return "\(describe(kind)), added with --include-kind \(kind.rawValue)"
        case .notNamed: return "not named with --docs"
        case .privateKind(let kind):
            return "\(describe(kind)), kept out of bundles unless asked for: add --include-kind \(kind.rawValue), or name it with --docs \(id)"
        case .authorityForm(let authority):
            return "the form of authority record \(authority) (evidence of authority), kept out of bundles unless asked for: name it with --docs \(id)"
        case .unknownKind(let kind):
            return "its kind '\(DisplayText.escaped(kind))' is not one this version knows: name it with --docs \(id) if it belongs in the bundle"
        case .cannotBeBundled(let type): return "it is \(type), which cannot go into a bundle (text, .eml, .docx, PDF and images can)"
        }
    }

    /// One line per document for `--dry-run`: in or out, id, kind, file name (control characters shown
    /// visibly, so a crafted name cannot move the cursor or hide a line), and why.
    func lines() -> [String] {
        entries.map { entry in
            let kind = entry.kind?.rawValue ?? DisplayText.escaped(entry.document.kind)
            return "\(entry.included ? "in " : "out") \(entry.document.id) \(kind) \"\(DisplayText.escaped(entry.document.name))\": \(Self.explain(entry))"
        }
    }

    struct Row: Encodable {
        let document: String
        let kind: String
        let name: String
        let included: Bool
        let reason: String

        enum CodingKeys: String, CodingKey { case document = "document_id", kind, name, included, reason }
    }

    var rows: [Row] {
        entries.map { Row(document: $0.document.id, kind: $0.kind?.rawValue ?? $0.document.kind, name: $0.document.name, included: $0.included,
                          reason: Self.explain($0)) }
    }
}
