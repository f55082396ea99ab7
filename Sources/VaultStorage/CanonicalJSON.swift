import Foundation

/// The one JSON spelling the audit table stores: no whitespace, keys sorted, only `"`, `\\` and control
/// characters escaped. Readers accept exactly this spelling.
public enum CanonicalJSON {
    public static func encode(_ values: [String]) -> String {
        "[" + values.map(quote).joined(separator: ",") + "]"
    }

    public static func encode(_ object: [String: String]) -> String {
        "{" + object.keys.sorted().map { quote($0) + ":" + quote(object[$0] ?? "") }.joined(separator: ",") + "}"
    }

    public static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{0}"..."\u{1F}", "\u{7F}": out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// An audit row's rule ids as stored. Only the exact bytes casevault writes count: anything else (unparsable, or
    /// parsable but not in the canonical spelling, e.g. with added whitespace) reads as a marker no MAC covers, so
    /// the damage is reported by the chain check instead of crashing or being read as something plausible.
    public static func ruleIDs(stored: String?) -> [String] {
        if let stored, let parsed = (try? JSONSerialization.jsonObject(with: Data(stored.utf8))) as? [String], encode(parsed) == stored {
            return parsed
        }
        return ["<unreadable>"]
    }

    /// An audit row's details as stored, read the same way as `ruleIDs(stored:)`.
    public static func details(stored: String?) -> [String: String] {
        if let stored, let parsed = (try? JSONSerialization.jsonObject(with: Data(stored.utf8))) as? [String: String], encode(parsed) == stored {
            return parsed
        }
        return ["<unreadable>": stored ?? ""]
    }
}
