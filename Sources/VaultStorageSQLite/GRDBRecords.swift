import Foundation
import GRDB
import VaultStorage

// The GRDB side of the plain records: table names and row decoding live here, so no GRDB type reaches the storage
// protocols or the core (a PostgreSQL store maps the same records its own way).

extension OrganisationRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}

extension AdvocateRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}

extension PersonRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}

extension CaseRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}

extension CaseAdvocateRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}

extension DataKeyRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}

extension KeyWrapperRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}

extension DocumentRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }

    /// Decoded by hand: listings read every row, and Codable decoding cost more than decrypting the names.
    /// A value of the wrong type throws (it never crashes, as a typed row subscript would).
    public init(row: Row) throws {
        func value<T: DatabaseValueConvertible>(_ column: String, _ type: T.Type = T.self) throws -> T {
            guard let value = T.fromDatabaseValue(row[column] as DatabaseValue) else {
                throw StoreError.failed("documents.\(column) holds an unexpected value")
            }
            return value
        }
        func optional<T: DatabaseValueConvertible>(_ column: String, _ type: T.Type = T.self) throws -> T? {
            let stored = row[column] as DatabaseValue
            if stored.isNull { return nil }
            return try value(column, type)
        }
        self.init(id: try value("id"), caseID: try value("case_id"), kind: try value("kind"), mediaType: try value("media_type"),
                  size: try value("size"), documentDate: try optional("document_date"), documentDateSource: try value("document_date_source"),
                  ingestedAt: try value("ingested_at"), ingestedBy: try optional("ingested_by"), caseKeyVersion: try value("case_key_version"),
                  wrappedKey: try value("wrapped_key"), originalNameSealed: try value("original_name_sealed"),
                  ciphertextSize: try value("ciphertext_size"), ciphertextSHA256: try value("ciphertext_sha256"),
                  contentMAC: try value("content_mac"), dateSourceSealed: try optional("date_source_sealed"),
                  kindSealed: try optional("kind_sealed"))
    }
}

extension TombstoneRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}

extension ConsentRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}

extension RecordStateRecord: FetchableRecord, PersistableRecord {
    public static var databaseTableName: String { tableName }
}
