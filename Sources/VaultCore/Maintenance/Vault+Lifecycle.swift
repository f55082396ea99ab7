import VaultModel
import Foundation
import VaultCrypto
import VaultStorage
import VaultStoragePostgres
import VaultStorageSQLite
#if canImport(Glibc)
import Glibc
#endif

extension Vault {
    public struct ErasureReport: Encodable, Sendable {
        public let caseID: String
        public let documentsErased: Int
        /// The client and registered people who were on no other case, erased with it.
        public let peopleErased: [String]
        public let erasedAt: String

        enum CodingKeys: String, CodingKey {
            case caseID = "id"
            case documentsErased = "documents_erased"
            case peopleErased = "people_erased"
            case erasedAt = "erased_at"
        }
    }

    /// Crypto-shredding for an erasure request: the case key is destroyed (every wrapper and version), the
    /// document rows and blobs go, the case keeps only ids and a tombstone (when, who, sealed reason). The people who
    /// were on this case and no other are erased with it (see `peopleOnlyOn`).
    public func eraseCase(_ caseID: CaseID, reason: String?) throws -> ErasureReport {
        let caseID = caseID.rawValue
        let erasedAt = timestamp()
        guard let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else {
            throw VaultError.invalidInput("an erasure needs a reason (for example, the client's erasure request and its date)")
        }
        let (documentIDs, people) = try guarded { try store.write { tx -> ([String], [String]) in
            guard var record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            let account = try account(in: tx)
            guard account.role == .manager, account.organisationID == record.organisationID else {
                throw AccessError.refused(operation: .caseErase, actor: account.id, subject: caseID,
                                          reason: "this needs \(VaultOperation.caseErase.who)")
            }
            guard record.caseStatus != .erased else { throw VaultError.caseNotOpen(id: caseID, status: CaseStatus.erased.rawValue) }
            let documents = try tx.documents(caseID: caseID).map(\.id)
            // Read while the case key still exists: the body is kept, under the metadata key, once the key is destroyed.
            // A manager who holds no key to the case (one who joined after it was shared) may still erase it; the body
            // is then lost with the key (nil), rather than left sealed under a key that no longer exists.
            let nhsBody = try caseDetailsIfHeld(record, in: tx)?.nhsBody
            // Worked out before the case's records go: the list of its registered people is one of them.
            let people = try peopleOnlyOn(record, in: tx)
            let reasonSealed = try KeyHierarchy.seal(Array(reason.utf8), fieldKey: try metadataFieldKey(tx), table: "tombstones",
                                                     column: "reason", rowID: caseID)
            try tx.deleteDocuments(caseID: caseID)
            try tx.deleteCaseAdvocates(caseID: caseID)
            try tx.deleteConsentRecords(caseID: caseID)
            for version in try tx.dataKeyVersions(scope: KeyHierarchy.caseScope(caseID)) {
                try tx.deleteDataKey(scope: KeyHierarchy.caseScope(caseID), version: version)
            }
            record.status = CaseStatus.erased.rawValue
            // The NHS body stays (sealed), as before: an erased case still says which body it was about.
            try setCaseDetails(CaseDetails(nhsBody: nhsBody), on: &record, under: .metadataKey, in: tx)
            record.closedAt = erasedAt
            try tx.update(record)
            try tx.insert(TombstoneRecord(caseID: caseID, erasedAt: erasedAt, erasedBy: actor, reasonSealed: reasonSealed,
                                          documentCount: documents.count))
            for person in people { try erasePerson(person, at: erasedAt, in: tx) }
            // Audit rows name ids only, so the chain keeps every earlier entry about this case intact.
            try audit(event("case.erase", caseID: caseID, details: ["documents": String(documents.count),
                                                                  "people_erased": people.joined(separator: ",")]), in: tx)
            return (documents, people)
        } }
        forgetCaseKeys(caseID)
        // After the commit: without the case key these blobs are noise; a crash here leaves orphans that
        // `verify` reports and `verify --repair` quarantines.
        for id in documentIDs { blobs.remove(documentID: id) }
        return ErasureReport(caseID: caseID, documentsErased: documentIDs.count, peopleErased: people, erasedAt: erasedAt)
    }

    public struct BackupReport: Encodable, Sendable {
        public let destination: String
        public let documents: Int
        public let bytes: Int64
        public let includesKeyFile: Bool

        enum CodingKeys: String, CodingKey {
            case destination, documents, bytes
            case includesKeyFile = "includes_key_file"
        }
    }

    /// A consistent, still-encrypted copy: the database through `VACUUM INTO` (one snapshot), or a team database's
    /// records copied from one snapshot into a vault.db, then the blobs that snapshot lists, then vault.json last (its
    /// presence marks a complete backup). The key file is copied only when asked.
    public func backup(to destination: String, includeKeyFile: Bool) throws -> BackupReport {
        // With identities there is no vault key file to include: each person keeps their own identity file.
        if includeKeyFile && keyFile == nil { throw VaultError.noMasterKeys }
        try guarded { try store.read { tx in try require(.vaultMaintenance, roles: [.admin, .manager], in: tx) } }
        try Self.prepareEmptyFolder(destination)
        // Recorded first, so the backup carries the record of its own making.
        try audit(event("vault.backup", details: ["destination_hmac": try auditChain.pseudonym(destination),
                                                  "includes_key_file": String(includeKeyFile)]))
        let databaseCopy = destination + "/vault.db"
        let documentIDs: [String]
        if info.database != nil {
            // A team database: every record copied from one snapshot into a vault.db (RecordCopy says why not pg_dump).
            let copy = try SQLiteRecordStore(path: databaseCopy)
            documentIDs = try store.read { source in try copy.write { target in try RecordCopy.copy(from: source, to: target) }.documentIDs }
            // Into vault.db itself: a restore copies vault.db alone, not its write-ahead log.
            try copy.purgeFreedPages()
        } else {
            try store.backup(to: databaseCopy)
            documentIDs = try SQLiteRecordStore(path: databaseCopy).read { try $0.documents(caseID: nil) }.map(\.id)
        }
        chmod(databaseCopy, 0o600)
        let target = BlobStore(root: destination)
        try target.ensureLayout()
        var bytes: Int64 = 0
        for id in documentIDs {
            let shard = target.shard(for: id)
            if try PrivateFiles.status(shard) == nil { try PrivateFiles.createPrivateDirectory(shard) }
            do {
                bytes += try Self.copyFile(from: blobs.path(for: id), to: target.path(for: id))
            } catch let error as FileError {
                guard case .system(_, _, let code) = error, code == ENOENT, try store.read({ try $0.document(id) }) == nil else { throw error }
                // Removed on another instance after the snapshot was read, its body shredded: this copy would list a
                // document it cannot hold. vault.json is not written, so the folder is not a backup restore accepts.
                throw VaultError.invalidInput("a document was removed while the backup was being made, so this copy is incomplete: "
                                              + "delete \(destination) and make the backup again")
            }
        }
        for id in documentIDs { try PrivateFiles.syncDirectory(target.shard(for: id)) }
        try PrivateFiles.syncDirectory(target.objects)
        if includeKeyFile {
            guard let keyFile else { throw VaultError.noMasterKeys }
            try PrivateFiles.atomicWrite(try keyFile.encoded(), to: destination + "/keys.json", replacing: false)
        }
        try PrivateFiles.atomicWrite(try PrivateFiles.read(paths.infoFile), to: destination + "/vault.json", replacing: false)
        return BackupReport(destination: destination, documents: documentIDs.count, bytes: bytes, includesKeyFile: includeKeyFile)
    }

    /// Restores a backup into a new (absent or empty) vault folder: everything is copied to a staging folder
    /// beside it and renamed into place only when complete.
    ///
    /// `database`: an empty PostgreSQL database to put the records in (a team vault, or a vault.db vault moving to a
    /// team server); without it the records go into vault.db in the new folder, whichever kind of vault was backed up.
    public static func restore(from source: String, to paths: VaultPaths, database: DatabaseLocation? = nil) throws -> Int {
        guard try PrivateFiles.status(source + "/vault.json") != nil, try PrivateFiles.status(source + "/vault.db") != nil else {
            throw VaultError.invalidInput("\(source) is not a complete casevault backup (vault.json or vault.db missing)")
        }
        // Checked before anything is written: exactly the layout `backup` makes (no links, nothing extra).
        let stored = try BackupLayout.check(source)
        if let status = try PrivateFiles.status(paths.root) {
            guard status.isDirectory, try FileManager.default.contentsOfDirectory(atPath: paths.root).isEmpty else {
                throw VaultError.destinationExists(path: paths.root)
            }
            rmdir(paths.root)
        }
        let staging = paths.root + ".restoring-" + (try SystemRandom.bytes(count: 4)).hexString
        try PrivateFiles.createPrivateDirectory(staging)
        var count = 0
        do {
            for name in ["vault.json", "vault.db"] { _ = try copyFile(from: source + "/" + name, to: staging + "/" + name) }
            let target = BlobStore(root: staging)
            try target.ensureLayout()
            for (id, path) in stored {
                let shard = target.shard(for: id)
                if try PrivateFiles.status(shard) == nil { try PrivateFiles.createPrivateDirectory(shard) }
                _ = try copyFile(from: path, to: target.path(for: id))
                try PrivateFiles.syncDirectory(shard)
                count += 1
            }
            if try PrivateFiles.status(source + "/keys.json") != nil, try PrivateFiles.status(paths.keyFile) == nil,
               paths.keyFileIsInsideVault {
                _ = try copyFile(from: source + "/keys.json", to: staging + "/keys.json")
            }
            // Last before the rename: a database that took the records is the one step a failure cannot take back.
            try placeRecords(staging: staging, database: database)
            try PrivateFiles.syncDirectory(staging)
            guard rename(staging, paths.root) == 0 else { throw FileError.system(operation: "rename", path: paths.root, errno: errno) }
            try PrivateFiles.syncDirectory(PrivateFiles.parentDirectory(of: paths.root))
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        return count
    }

    /// Where the restored records go: they stay in the staged vault.db, or are copied into `database` (refused if it
    /// already holds a vault) in one transaction and the staged vault.db removed. vault.json then names the records'
    /// new home, and nothing else in it changes.
    static func placeRecords(staging: String, database: DatabaseLocation?) throws {
        let infoPath = staging + "/vault.json"
        guard var info = try? JSONDecoder().decode(VaultInfo.self, from: PrivateFiles.read(infoPath)), info.format == VaultInfo.formatName else {
            throw VaultError.invalidInput("the backup's vault.json is damaged; nothing was restored")
        }
        // A database named is always filled from the backup (the one it came from, emptied after a loss, included).
        guard database != nil || info.database != nil else { return }
        if let database {
            try VaultSetup.checkDatabaseIsFree(database)
            try copyRecords(from: staging + "/vault.db", to: database)
            for suffix in ["", "-wal", "-shm"] { unlink(staging + "/vault.db" + suffix) }
        }
        info.database = database
        unlink(infoPath)
        try PrivateFiles.atomicWrite(try VaultSetup.encode(info), to: infoPath, replacing: false)
    }

    /// In its own scope, so that both stores are closed before the staged vault.db is removed.
    private static func copyRecords(from path: String, to database: DatabaseLocation) throws {
        let records = try SQLiteRecordStore(path: path)
        let team = try PostgresRecordStore(endpoint: database.endpoint)
        defer { team.close() }
        _ = try team.write { target in try records.read { source in try RecordCopy.copy(from: source, to: target) } }
    }

    static func prepareEmptyFolder(_ path: String) throws {
        if let status = try PrivateFiles.status(path) {
            guard status.isDirectory, try FileManager.default.contentsOfDirectory(atPath: path).isEmpty else {
                throw VaultError.destinationExists(path: path)
            }
            chmod(path, 0o700)
        } else {
            try PrivateFiles.createPrivateDirectory(path)
        }
    }

    /// Copies a file durably (0600, fsync'd); returns its size.
    static func copyFile(from source: String, to destination: String) throws -> Int64 {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else { throw FileError.system(operation: "open", path: source, errno: errno) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw FileError.system(operation: "create", path: destination, errno: errno) }
        defer { close(output) }
        var source = FileDescriptorSource(fd: input)
        var sink = FileDescriptorSink(fd: output)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = try source.read(into: buffer)
            if n == 0 { break }
            try sink.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += Int64(n)
        }
        guard fsync(output) == 0 else { throw FileError.system(operation: "fsync", path: destination, errno: errno) }
        return total
    }
}
