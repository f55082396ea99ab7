import ArgumentParser
import Consent
import Foundation
import VaultCore

/// Parsing for the consent options: dates and comma lists, with messages that name the option.
enum ConsentArguments {
    static func date(_ text: String?, _ option: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(iso: text) else { throw ValidationError("\(option) must be a date written YYYY-MM-DD (got '\(text)')") }
        return date
    }

    static func list(_ text: String?) -> [String]? {
        text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } }
    }

    static func actions(_ text: String?) throws -> [ConsentAction] {
        try (list(text) ?? []).map { name in
            guard let action = ConsentAction(rawValue: name) else {
                throw ValidationError("--actions: '\(name)' is not an action; use \(ConsentAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return action
        }
    }

    static func status(_ authority: Authority, on today: CivilDate) -> String {
        if let withdrawn = authority.withdrawnOn, withdrawn <= today { return "withdrawn \(withdrawn)" }
        if let from = authority.validFrom, today < from { return "from \(from)" }
        if let until = authority.validUntil, until < today { return "expired \(until)" }
        return "active"
    }
}
