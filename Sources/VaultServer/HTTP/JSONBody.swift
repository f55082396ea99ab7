import Foundation
import Hummingbird
import NIOCore

/// A request's JSON body, read up to a limit and decoded into a typed value. A body that does not decode is a 400
/// saying which field is wrong and what the request should look like, never the decoder's own text.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int, shape: String) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, "too_large", "the request body is larger than this route accepts (\(limit) bytes)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(.badRequest, "invalid_json", "the request body is not valid: \(reason(error)); send JSON like \(shape)")
        }
    }

    /// Which field, and what is wrong with it, in words.
    static func reason(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "'\(path(context.codingPath + [key]))' is missing"
        case DecodingError.typeMismatch(let type, let context):
            return "'\(path(context.codingPath))' has the wrong type (expected \(describe(type)))"
        case DecodingError.valueNotFound(_, let context):
            return "'\(path(context.codingPath))' is null"
        case DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty:
            return "'\(path(context.codingPath))' has a value this server does not accept: \(context.debugDescription)"
        case let error as FieldError:
            return error.text
        default:
            return "it is not JSON"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type: "a number"
        case is [String].Type, is [Any].Type: "a list"
        default: "\(type)"
        }
    }

    /// A field that decoded but means nothing (an unknown enum value, a malformed date): thrown by a body's own
    /// `init(from:)` as a `DecodingError.dataCorrupted` with this text.
    struct FieldError: Error {
        let text: String
    }

    /// An enum field, with the accepted values listed when the value is not one of them.
    static func enumValue<E: RawRepresentable & CaseIterable>(_ type: E.Type, _ text: String, field: String,
                                                              in container: some KeyedDecodingContainerProtocol) throws -> E where E.RawValue == String {
        guard let value = E(rawValue: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath + [AnyKey(field)],
                                                    debugDescription: "'\(text)' is not one of " + E.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        return value
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
