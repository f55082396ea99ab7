import Consent
import DocumentText
import Foundation
import Redaction
import VaultCrypto
import VaultCore

/// A piece of the document's text: marked when a bundle would redact it (its kind said in words beside it, so the
/// highlight is not the only sign).
struct TextSegment: Sendable {
    let text: String
    let marked: Bool
    let kind: String
}

struct CountRow: Sendable {
    let kind: String
    let count: Int
}

/// A likely name the redaction found that nobody registered on the case: shown (escaped) with its two forms.
struct FoundName: Sendable {
    let index: Int
    /// The name as found, sent back by the forms.
    let name: String
    /// The same for reading: control and direction characters written as \u{…}.
    let display: String
}

struct RoleOption: Sendable {
    let value: String
    let label: String
}

struct PreviewPage: Sendable {
    let id: String
    let caseID: String
    let caseLabel: String
    let name: String
    let notice: String?
    /// Comma-separated acknowledged rules for the forms; the same as a query for the links.
    let acknowledged: String
    let query: String
    let bidiControls: Bool
    let total: Int
    let counts: [CountRow]
    let names: [FoundName]
    let roles: [RoleOption]
    let segments: [TextSegment]
    /// Why there is no text to show (nil when there is).
    let unreadable: String?
}

/// `casevault redact preview` as a page: the readable text with what the core's redaction context (the case's
/// people, terms and allow-lists, `Vault.redactionContext`) and the default policy would hide, and the names found
/// that nobody registered. Its two forms call the core's person add + case person and redact allow.
enum WebPreviewBuilders {
    /// A preview lists at most this many names; registering or allowing some shows the next ones.
    static let maxNames = 40

    static func previewPage(_ vault: Vault, documentID: String, acknowledged: [RuleID], done: String) throws -> PreviewPage {
        vault.acknowledged = acknowledged
        let caseID = try vault.caseID(ofDocument: DocumentID(documentID))
        try vault.requireConsent(.viewDocuments, caseID: caseID, documentID: DocumentID(documentID))
        let document = try vault.document(DocumentID(documentID))
        let detail = try vault.caseDetail(caseID)
        var text = ""
        var unreadable = ""
        if let format = SourceFormat.guess(mediaType: document.mediaType, fileName: document.name) {
            if document.size > WebPageBuilders.maxReadableBytes {
                unreadable = "This document is too large to preview here. A bundle still redacts it."
            } else {
                var bytes = try vault.plaintext(documentID: DocumentID(documentID))
                defer { secureZero(&bytes) }
                do {
                    text = try TextExtractor.extract(data: Data(bytes), format: format).renderedText
                } catch {
                    unreadable = "The text of this document could not be read, so there is nothing to preview."
                }
            }
        } else {
            unreadable = "This kind of document (\(document.mediaType)) has no text preview yet; the bundle export reads it when it is made."
        }
        let spans = text.isEmpty ? [] : Redactor(context: try vault.redactionContext(caseID: caseID), policy: .standard).spans(in: text)
        let notice: String? = switch done {
        case "registered": "The name is registered as a person on the case: it is now redacted as a known person, in every spelling."
        // The default policy keeps NHS staff acting in their role: say so, or the advocate expects a redaction.
        case "registered-staff": "The name is registered as a member of staff on the case. The default policy keeps staff names, so bundles "
            + "show it unless the bundle's policy says redact-staff."
        case "allowed": "The term is on the case's allow-list: bundles of this case will not redact it."
        default: nil
        }
        return PreviewPage(id: documentID, caseID: caseID.rawValue, caseLabel: DisplayText.escaped(detail.clientName), name: DisplayText.escaped(document.name),
                           notice: notice,
                           acknowledged: acknowledged.map(\.rawValue).joined(separator: ","), query: WebUploadBuilders.query(acknowledged),
                           bidiControls: TextHazards.hasBidiControls(text), total: spans.count,
                           counts: Redactor.counts(spans).sorted { $0.key < $1.key }.map { CountRow(kind: kindLabel($0.key), count: $0.value) },
                           names: foundNames(text, spans), roles: Vault.CaseRole.allCases.map { RoleOption(value: $0.rawValue, label: kindLabel($0.rawValue)) },
                           segments: segments(text, spans), unreadable: unreadable.isEmpty ? nil : unreadable)
    }

    static func kindLabel(_ kind: RedactionKind) -> String { kindLabel(kind.rawValue) }
    static func kindLabel(_ raw: String) -> String { raw.replacingOccurrences(of: "_", with: " ") }

    /// The text cut at the spans (UTF-8 offsets, in order, not overlapping, as the export applies them). Control and
    /// direction characters are written out, as the CLI's preview does, so what is seen is the text's real order.
    static func segments(_ text: String, _ spans: [RedactionSpan]) -> [TextSegment] {
        let bytes = Array(text.utf8)
        func piece(_ range: Range<Int>) -> String { DisplayText.escaped(String(decoding: bytes[range], as: UTF8.self), keepingLineBreaks: true) }
        var out: [TextSegment] = []
        var position = 0
        for span in spans where span.start >= position && span.end <= bytes.count && span.start < span.end {
            if position < span.start { out.append(TextSegment(text: piece(position..<span.start), marked: false, kind: "")) }
            out.append(TextSegment(text: piece(span.start..<span.end), marked: true, kind: kindLabel(span.kind)))
            position = span.end
        }
        if position < bytes.count { out.append(TextSegment(text: piece(position..<bytes.count), marked: false, kind: "")) }
        return out
    }

    static func foundNames(_ text: String, _ spans: [RedactionSpan]) -> [FoundName] {
        let bytes = Array(text.utf8)
        var seen = Set<String>()
        var names: [FoundName] = []
        for span in spans where span.kind == .unregisteredName && span.start < span.end && span.end <= bytes.count {
            let found = String(decoding: bytes[span.start..<span.end], as: UTF8.self)
            // The forms send the name without control or direction characters (formatting, not part of anyone's
            // name: the redaction matches through them); the heading shows them written out.
            let name = String(String.UnicodeScalarView(found.unicodeScalars.filter { !DisplayText.needsEscape($0, keepingLineBreaks: false) }))
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, seen.insert(name.lowercased()).inserted else { continue }
            names.append(FoundName(index: names.count + 1, name: name, display: DisplayText.escaped(found.trimmingCharacters(in: .whitespacesAndNewlines))))
            if names.count == maxNames { break }
        }
        return names
    }

    /// "Register as a person on the case": `person add` then `case person add` (two core calls, as the CLI makes
    /// them; each checks its own permission).
    static func register(_ vault: Vault, caseID: String, name: String, role: String) throws {
        guard let role = Vault.CaseRole(rawValue: role) else {
            throw WebPageError(.badRequest, "Choose the person's role in the case, then press Register again.")
        }
        let personID = try vault.addPerson(.init(name: withoutTitle(try checkedTerm(name))))
        try vault.addCasePerson(caseID: CaseID(caseID), personID: personID, role: role, firstNameIsSafe: false)
    }

    /// "Allow": `redact allow add --case`, so bundles of this case leave the term as it is.
    static func allow(_ vault: Vault, caseID: String, term: String) throws {
        _ = try vault.addRedactionTerms(caseID: CaseID(caseID), organisationID: nil, terms: [], allow: [try checkedTerm(term)])
    }

    /// The finder reports "Dr Rupert Vance" whole; the person is Rupert Vance (their name is then found with any
    /// title, or none).
    static func withoutTitle(_ name: String) -> String {
        let titles: Set<String> = ["dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "nurse", "sister", "rev", "revd"]
        let words = name.split(separator: " ", maxSplits: 1)
        guard words.count == 2, titles.contains(words[0].lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))) else { return name }
        return String(words[1])
    }

    static func checkedTerm(_ text: String) throws -> String {
        let term = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !term.isEmpty, term.count <= 200 else {
            throw WebPageError(.badRequest, "That name was empty or too long. Go back to the preview and use its buttons.")
        }
        return term
    }
}
