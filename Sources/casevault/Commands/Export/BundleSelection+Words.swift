import Foundation
import BundleExport
import BundleModel
import VaultCore

/// The selection (BundleExport's `BundleSelection`) in this command's words: why each document is in or out, with
/// the option that would change it.
extension BundleSelection {
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
        entries.map { Row(document: $0.document.id.rawValue, kind: $0.kind?.rawValue ?? $0.document.kind, name: $0.document.name, included: $0.included,
                          reason: Self.explain($0)) }
    }
}
