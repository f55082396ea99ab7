import Foundation

// The key rows: data keys and their wrappers (the key hierarchy is in VaultCore/Keys).

/// A data key (the vault metadata key, or a case key version). Its bytes exist only in wrappers.
public struct DataKeyRecord: Codable, Sendable, Equatable {
    public static let tableName = "data_keys"
    public var scope: String
    public var version: Int
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case scope, version
        case createdAt = "created_at"
    }

    public init(scope: String, version: Int, createdAt: String) {
        self.scope = scope
        self.version = version
        self.createdAt = createdAt
    }
}

/// One sealed copy of a data key. Several wrappers can hold the same key: today one per master key
/// version; later one per assigned advocate's X25519 key and an organisation recovery key.
public struct KeyWrapperRecord: Codable, Sendable, Equatable {
    public static let tableName = "key_wrappers"
    public var scope: String
    public var version: Int
    public var wrapperKind: String
    public var wrapperID: String
    public var sealed: Data
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case scope, version, sealed
        case wrapperKind = "wrapper_kind"
        case wrapperID = "wrapper_id"
        case createdAt = "created_at"
    }

    public init(scope: String, version: Int, wrapperKind: String, wrapperID: String, sealed: Data, createdAt: String) {
        self.scope = scope
        self.version = version
        self.wrapperKind = wrapperKind
        self.wrapperID = wrapperID
        self.sealed = sealed
        self.createdAt = createdAt
    }
}
