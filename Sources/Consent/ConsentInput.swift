import Foundation

/// The JSON `casevault consent evaluate` reads: `{"facts": …, "request": …}` (other top-level keys,
/// such as a scenario's `expected`, are ignored so scenario files can be fed in directly).
public struct ConsentInput: Sendable, Decodable {
    public var facts: ConsentFacts
    public var request: ConsentRequest

    enum CodingKeys: String, CodingKey { case facts, request }

    public init(facts: ConsentFacts, request: ConsentRequest) {
        self.facts = facts
        self.request = request
    }

    /// Decodes and cross-checks the input; every error names the offending field by its JSON path.
    public static func decode(_ data: Data) throws(ConsentInputError) -> ConsentInput {
        let input: ConsentInput
        do {
            input = try JSONDecoder().decode(ConsentInput.self, from: data)
        } catch let error as DecodingError {
            throw ConsentInputError(decoding: error)
        } catch {
            throw ConsentInputError(field: "", problem: "is not valid JSON")
        }
        guard input.request.onBehalfOf == input.facts.person.id else {
            throw ConsentInputError(field: "request.on_behalf_of", problem: "names \(input.request.onBehalfOf), but facts.person.id is \(input.facts.person.id)")
        }
        if let caseID = input.request.caseID, let facts = input.facts.case, facts.id != caseID {
            throw ConsentInputError(field: "request.case_id", problem: "names \(caseID), but facts.case.id is \(facts.id)")
        }
        var seen: Set<String> = []
        for (index, authority) in input.facts.authorities.enumerated() where !seen.insert(authority.id).inserted {
            throw ConsentInputError(field: "facts.authorities[\(index)].id", problem: "repeats the id \(authority.id)")
        }
        return input
    }
}

public struct ConsentInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// JSON path such as `facts.authorities[0].valid_from`.
    public var field: String
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { field.isEmpty ? "the input \(problem)" : "\(field) \(problem)" }

    init(decoding error: DecodingError) {
        func path(_ keys: [any CodingKey]) -> String {
            var text = ""
            for key in keys {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: path(context.codingPath + [key]), problem: "is required but missing")
        case .typeMismatch(let type, let context):
            self.init(field: path(context.codingPath), problem: "has the wrong type (expected \(Self.describe(type)))")
        case .valueNotFound(let type, let context):
            self.init(field: path(context.codingPath), problem: "is null but must be \(Self.describe(type))")
        case .dataCorrupted(let context):
            let problem = context.debugDescription.hasPrefix("Cannot initialize")
                ? "has a value outside the vocabulary (\(context.debugDescription.replacingOccurrences(of: "Cannot initialize ", with: "")))"
                : context.codingPath.isEmpty ? "is not valid JSON" : context.debugDescription
            self.init(field: path(context.codingPath), problem: problem)
        @unknown default:
            self.init(field: "", problem: "could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is [Any].Type: "a list"
        case is [String: Any].Type: "an object"
        default: "\(type)"
        }
    }
}

/// JSON renderings shared by the CLI and tests, so `consent evaluate` output is stable.
extension Decision {
    public func json(pretty: Bool = false) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self), let text = String(data: data, encoding: .utf8) else { return "{}" }
        return text
    }
}
