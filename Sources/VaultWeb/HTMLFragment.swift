import Mustache
import VaultCore

/// A piece of HTML written by `HTMLWriter`, whose every stored value went through its escaping: the large tables
/// (a case's documents, the activity log) are written with it rather than by a template section, because
/// swift-mustache looks every value of every row up by reflection (`Mirror`), which made a 1 000-row page spend
/// most of its time there (issue 22: ≤ 100 ms per page).
///
/// Its text can only come from an `HTMLWriter`, so a template may write it with triple braces; `WebRenderingTests`
/// allows triple braces for the names in `WebTemplates.trustedFragments` only, and those properties are of this type.
/// Written with double braces by mistake it is escaped again: the page looks wrong, but nothing runs.
struct HTMLFragment: Sendable, MustacheCustomRenderable {
    let html: String

    fileprivate init(_ html: String) { self.html = html }

    static let empty = HTMLFragment("")

    var renderText: String { html }
    /// Empty: a template section over it (`{{#documentRows}}…{{/documentRows}}`) is left out.
    var isNull: Bool { html.isEmpty }
}

/// Writes HTML with markup given as literals only (`StaticString`, so never stored text) and every value escaped
/// as the templates escape theirs, after `DisplayText`: controls and direction overrides in a name (which can reorder
/// what a reader sees, or hide part of it) are shown as `\u{202E}`, as the CLI and the upload page show them.
struct HTMLWriter {
    private var out = ""

    init(reservingCapacity capacity: Int = 0) { out.reserveCapacity(capacity) }

    /// Markup: a literal in the code, never a value.
    mutating func markup(_ literal: StaticString) {
        literal.withUTF8Buffer { out += String(decoding: $0, as: UTF8.self) }
    }

    /// A value, in an element's text or inside a double-quoted attribute.
    mutating func text(_ value: String) {
        Self.appendEscaped(DisplayText.escaped(value), to: &out)
    }

    var fragment: HTMLFragment { HTMLFragment(out) }

    /// `<`, `>`, `&`, `"` and `'` as swift-mustache writes them (`&#39;` for the apostrophe), so a value reads the
    /// same in a template and in a fragment. A value with none of them (most cells) is appended whole.
    static func appendEscaped(_ value: String, to out: inout String) {
        let utf8 = value.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "&")
                                         || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) else {
            out += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
    }

    static func escaped(_ value: String) -> String {
        var out = ""
        appendEscaped(DisplayText.escaped(value), to: &out)
        return out
    }
}
