import Foundation
import PostgresNIO

// The plain records are Codable with their column names as coding keys (VaultStorage/Records.swift). These two small
// coders map them to and from PostgreSQL rows, so each record's columns are written once, in the record, and not
// again here for every table. They support exactly what the records use: text, bytes, integers and NULL.

/// One column value to bind.
enum ColumnValue: Equatable {
    case text(String)
    case bytes(Data)
    case integer(Int64)
    case null
}

/// Captures a record's columns by name.
struct ColumnEncoder: Encoder {
    final class Storage { var columns: [String: ColumnValue] = [:] }
    let storage = Storage()
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    static func columns(of record: some Encodable) throws -> [String: ColumnValue] {
        let encoder = ColumnEncoder()
        try record.encode(to: encoder)
        return encoder.storage.columns
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Container<Key>(storage: storage))
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { fatalError("a stored record is a flat row of columns") }
    func singleValueContainer() -> any SingleValueEncodingContainer { fatalError("a stored record is a flat row of columns") }

    struct Container<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let storage: Storage
        var codingPath: [any CodingKey] = []

        mutating func encodeNil(forKey key: Key) throws { storage.columns[key.stringValue] = .null }
        mutating func encode(_ value: String, forKey key: Key) throws { storage.columns[key.stringValue] = .text(value) }
        mutating func encode(_ value: Int, forKey key: Key) throws { storage.columns[key.stringValue] = .integer(Int64(value)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { storage.columns[key.stringValue] = .integer(value) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { storage.columns[key.stringValue] = .integer(value ? 1 : 0) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            if let data = value as? Data {
                storage.columns[key.stringValue] = .bytes(data)
            } else if let text = value as? String {
                storage.columns[key.stringValue] = .text(text)
            } else {
                throw EncodingError.invalidValue(value, .init(codingPath: codingPath + [key],
                                                              debugDescription: "a stored column holds text, bytes or an integer"))
            }
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            fatalError("a stored record is a flat row of columns")
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { fatalError("a stored record is a flat row of columns") }
        mutating func superEncoder() -> any Encoder { fatalError("a stored record is a flat row of columns") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { fatalError("a stored record is a flat row of columns") }
    }
}

/// Reads a record from a row by column name. A cell of an unexpected type throws (a value changed outside casevault
/// is reported, never crashed on).
struct RowDecoder: Decoder {
    let row: PostgresRandomAccessRow
    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]

    static func decode<T: Decodable>(_ type: T.Type, from row: PostgresRow) throws -> T {
        try T(from: RowDecoder(row: row.makeRandomAccess()))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container<Key>(row: row))
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is not a list"))
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw DecodingError.typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "a row is not one value"))
    }

    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: PostgresRandomAccessRow
        var codingPath: [any CodingKey] = []
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool { row.contains(key.stringValue) }
        func cell(_ key: Key) throws -> PostgresCell {
            guard row.contains(key.stringValue) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no column \(key.stringValue)"))
            }
            return row[key.stringValue]
        }
        func decodeNil(forKey key: Key) throws -> Bool { try cell(key).bytes == nil }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try cell(key).decode(String.self) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try cell(key).decode(Int.self) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try cell(key).decode(Int64.self) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try cell(key).decode(Int64.self) != 0 }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            if type == Data.self, let value = try cell(key).decode(Data.self) as? T { return value }
            if type == String.self, let value = try cell(key).decode(String.self) as? T { return value }
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath + [key], debugDescription: "a stored column holds text, bytes or an integer"))
        }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "a row is flat"))
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw DecodingError.typeMismatch([Any].self, .init(codingPath: codingPath, debugDescription: "a row is flat"))
        }
        func superDecoder() throws -> any Decoder { RowDecoder(row: row, codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { RowDecoder(row: row, codingPath: codingPath + [key]) }
    }
}
