import Audit
import Foundation
import VaultCrypto
import VaultStorage
import VaultStoragePostgres
import VaultStorageSQLite

extension StateMarks {
    /// The check a process holding no key can make: the team server at start, before anyone has logged in. The
    /// mark's signature needs the vault's key to check (every request does that check in full, `checkStateMark`), so
    /// here the mark is only compared with the database: the audit entry at its sequence must be there with its MAC,
    /// with a checkpoint of exactly that head. A forged mark can only refuse a start, never let an older state through.
    /// Throws `VaultError.olderState` when the database is behind the mark, `.stateMarkInvalid` when the mark does
    /// not decode or names another vault.
    public func checkWithoutKeys(paths: VaultPaths, info: VaultInfo) throws {
        let path = try path(vaultID: info.vaultID, folder: paths.root)
        guard try PrivateFiles.status(path) != nil else { return }
        guard let mark = try? JSONDecoder().decode(StateMark.self, from: PrivateFiles.read(path, limit: 64 << 10)), mark.vaultID == info.vaultID,
              StateMark.bytes(hex: mark.headMAC) != nil else {
            throw VaultError.stateMarkInvalid(path: path)
        }
        func compare(_ store: any VaultRecordStore) throws -> (Bool, Int64) {
            try store.read { tx -> (Bool, Int64) in
                let last = try tx.lastAuditEntry()?.event.sequence ?? 0
                guard let entry = try tx.auditEntry(sequence: mark.sequence), entry.entryMAC.hexString == mark.headMAC else { return (false, last) }
                return (try tx.auditCheckpoints(sequence: mark.sequence).contains { $0.vaultID == info.vaultID && $0.headMAC == mark.headMAC }, last)
            }
        }
        let atMark: Bool
        let last: Int64
        if let location = info.database {
            let store = try PostgresRecordStore(endpoint: location.endpoint)
            defer { store.close() }
            (atMark, last) = try compare(store)
        } else {
            (atMark, last) = try compare(try SQLiteRecordStore(path: paths.root + "/vault.db"))
        }
        guard atMark else { throw VaultError.olderState(markTime: mark.time, markSequence: mark.sequence, vaultSequence: last) }
    }
}
