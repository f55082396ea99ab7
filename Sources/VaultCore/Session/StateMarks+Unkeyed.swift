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
        let (atMark, last) = try Self.withStore(paths: paths, info: info, compare)
        guard atMark else { throw VaultError.olderState(markTime: mark.time, markSequence: mark.sequence, vaultSequence: last) }
    }

    /// The vault's signing public key, for a process holding no key (the team server's public verify page, from its
    /// start rather than from the first sign-in): the key the database's checkpoint at this machine's mark names,
    /// taken only when that checkpoint and the mark are both signed with it. The mark lives in this machine's own
    /// private folder, written by a process that held the vault's key, so a checkpoint planted in the database with
    /// another key is not believed. nil when there is no mark yet or anything does not check out; the caller then
    /// learns the key when someone signs in, as before.
    public func signingKeyWithoutKeys(paths: VaultPaths, info: VaultInfo) -> Ed25519.PublicKey? {
        guard let path = try? path(vaultID: info.vaultID, folder: paths.root), let data = try? PrivateFiles.read(path, limit: 64 << 10),
              let mark = try? JSONDecoder().decode(StateMark.self, from: data), mark.vaultID == info.vaultID else { return nil }
        let checkpoints = try? Self.withStore(paths: paths, info: info) { store in
            try store.read { try $0.auditCheckpoints(sequence: mark.sequence) }
        }
        for checkpoint in checkpoints ?? [] where checkpoint.vaultID == info.vaultID && checkpoint.headMAC == mark.headMAC {
            guard let raw = StateMark.bytes(hex: checkpoint.publicKey), let key = try? Ed25519.PublicKey(rawRepresentation: raw) else { continue }
            if checkpoint.hasValidSignature(vaultPublicKey: key) && mark.hasValidSignature(key) { return key }
        }
        return nil
    }

    /// The vault's store, opened without any key for one look and closed again.
    private static func withStore<T>(paths: VaultPaths, info: VaultInfo, _ body: (any VaultRecordStore) throws -> T) throws -> T {
        if let location = info.database {
            let store = try PostgresRecordStore(endpoint: location.endpoint)
            defer { store.close() }
            return try body(store)
        }
        return try body(try SQLiteRecordStore(path: paths.root + "/vault.db"))
    }
}
