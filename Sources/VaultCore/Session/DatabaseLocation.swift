import Foundation
import VaultStorage
import VaultStoragePostgres
import VaultStorageSQLite

/// Where a vault's records live: vault.db in the vault folder (the default), or a PostgreSQL database a team shares
/// (issue 21). Kept in vault.json; the document bodies stay encrypted files in the vault folder either way.
public struct DatabaseLocation: Codable, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable { case postgresql }

    public var kind: Kind
    /// A host name, or the folder of the server's Unix socket (a path starting with "/").
    public var host: String
    public var port: Int
    public var user: String
    public var database: String

    /// `postgresql://USER@HOST:PORT/NAME`, or with the socket folder as libpq writes it:
    /// `postgresql://USER@/NAME?host=/run/postgresql&port=5432`. A password in the address is refused: it would be
    /// written into vault.json; it comes from `$PGPASSWORD` when the server asks for one.
    public init(url text: String) throws {
        let usage = "a database address looks like postgresql://USER@HOST:PORT/NAME (or postgresql://USER@/NAME?host=/socket/folder)"
        guard let components = URLComponents(string: text), ["postgresql", "postgres"].contains(components.scheme ?? "") else {
            throw VaultError.invalidInput(usage)
        }
        guard components.password == nil else {
            throw VaultError.invalidInput("the database address holds a password, which would be written into vault.json: "
                                          + "leave it out and set PGPASSWORD when the server asks for one")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let host = query["host"] ?? components.host ?? ""
        let name = String(components.path.drop { $0 == "/" })
        guard let user = components.user, !user.isEmpty, !host.isEmpty, !name.isEmpty, !name.contains("/") else {
            throw VaultError.invalidInput(usage)
        }
        guard let port = query["port"].map({ Int($0) }) ?? components.port ?? 5432, (1...65535).contains(port) else {
            throw VaultError.invalidInput(usage)
        }
        self.init(kind: .postgresql, host: host, port: port, user: user, database: name)
    }

    public init(kind: Kind, host: String, port: Int, user: String, database: String) {
        self.kind = kind
        self.host = host
        self.port = port
        self.user = user
        self.database = database
    }

    /// The address without a password (there is none to show).
    public var description: String {
        host.hasPrefix("/") ? "postgresql://\(user)@/\(database)?host=\(host)&port=\(port)" : "postgresql://\(user)@\(host):\(port)/\(database)"
    }

    /// Where to connect (a team server's own tables live in the same database).
    public var endpoint: PostgresRecordStore.Endpoint {
        let address: PostgresRecordStore.Endpoint.Address = host.hasPrefix("/")
            ? .unixSocket(path: (host as NSString).appendingPathComponent(".s.PGSQL.\(port)")) : .tcp(host: host, port: port)
        // PostgreSQL's own convention for a password kept out of files and command lines.
        return PostgresRecordStore.Endpoint(address: address, username: user, password: ProcessInfo.processInfo.environment["PGPASSWORD"],
                                            database: database)
    }
}

extension Vault {
    /// The store behind a vault: vault.db (refused when group or others could read it), or the PostgreSQL database
    /// vault.json names.
    static func openStore(_ opened: OpenedVault) throws -> any VaultRecordStore {
        if let shared = opened.sharedStore { return shared }
        if let location = opened.info.database {
            return try PostgresRecordStore(endpoint: location.endpoint)
        }
        let databasePath = opened.paths.root + "/vault.db"
        if let status = try PrivateFiles.status(databasePath), status.mode & 0o077 != 0 {
            throw FileError.insecurePermissions(subject: .vaultFile, path: databasePath, mode: status.mode)
        }
        return try SQLiteRecordStore(path: databasePath)
    }
}

extension VaultSetup {
    /// A team server's store for every request it serves: `readers` connections read in parallel, and one writer
    /// commits concurrent requests' write transactions (their audit events above all) together (PostgresStorePool).
    /// The caller closes it when it stops serving.
    public static func sharedStore(_ location: DatabaseLocation, readers: Int) -> PostgresStorePool {
        PostgresStorePool(endpoint: location.endpoint, readers: readers)
    }

    /// A new vault's database must be reachable and hold no vault yet (two vaults in one database would mix their
    /// records and audit chains).
    public static func checkDatabaseIsFree(_ location: DatabaseLocation) throws {
        let store = try PostgresRecordStore(endpoint: location.endpoint)
        defer { store.close() }
        if let other = try store.read({ try $0.meta("vault_id") }) {
            throw VaultError.invalidInput("the database \(location) already holds vault \(other): give each vault its own database")
        }
    }
}
