import Foundation

/// The versioned envelope of every sealed JSON payload (consent records, case facts, people lists, redaction terms,
/// bundle logs): `{"format_version": N, "value": …}`. Readers accept the current version and the unversioned
/// payloads written before versions existed (version 0), so renaming or reshaping a field later is a new version
/// with a reader for the old one, never a silent break of an existing vault.
enum SealedFormat {
    static let current = 1

    private struct Envelope<T: Encodable>: Encodable {
        let formatVersion: Int
        let value: T
        enum CodingKeys: String, CodingKey { case value, formatVersion = "format_version" }
    }

    private struct Probe: Decodable {
        let formatVersion: Int?
        enum CodingKeys: String, CodingKey { case formatVersion = "format_version" }
    }

    private struct Opened<T: Decodable>: Decodable {
        let value: T
    }

    enum Failure: Error {
        case newer(Int)
        case unreadable
    }

    static func encode(_ value: some Encodable, with encoder: JSONEncoder) throws -> Data {
        try encoder.encode(Envelope(formatVersion: current, value: value))
    }

    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(Failure) -> T {
        let decoder = JSONDecoder()
        // A payload that is not an object with a version is one written before versions existed.
        let version = (try? decoder.decode(Probe.self, from: data))?.formatVersion ?? 0
        guard version <= current else { throw .newer(version) }
        do {
            return version == 0 ? try decoder.decode(T.self, from: data) : try decoder.decode(Opened<T>.self, from: data).value
        } catch {
            throw .unreadable
        }
    }
}
