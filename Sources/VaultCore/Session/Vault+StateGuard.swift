import Audit
import Foundation
import VaultModel
import VaultCrypto

/// How a caller accepts opening a vault that is behind its state mark (or whose mark is unreadable).
public enum OlderStateAcceptance: Sendable, Equatable {
    /// `restore` has just put a backup in place: the mark follows the restored vault, whatever it said before.
    case restore
    /// The person acting knows why the vault is older and says so; the reason goes into the audit log.
    case accepted(reason: String)
}

/// What an open accepted, for the front end to say.
public struct AcceptedOlderState: Sendable, Equatable {
    /// The mark that was passed over (nil when it was unreadable).
    public let mark: StateMark?
    public let vaultSequence: Int64
}

extension Vault {
    /// How far behind the newest audit event the clock may be: clocks drift, and NTP corrects them in steps.
    static let clockTolerance: TimeInterval = 5 * 60

    /// Refuses to act on a clock that reads earlier than the newest audit event (beyond the tolerance): consent
    /// validity, deadlines and the audit log's order all depend on today's date being at least what it was.
    func checkClock(reads: OpenReads? = nil) throws {
        guard let newest = try reads.map({ $0.newestEntry }) ?? store.read({ try $0.lastAuditEntry() }) else { return }
        // An unparseable time is tampering, which `audit verify` reports by entry; it cannot date the clock.
        guard let newestDate = InternetTime.date(from: newest.event.time) else { return }
        let current = now()
        if current < newestDate.addingTimeInterval(-Self.clockTolerance) {
            throw VaultError.clockBehind(now: InternetTime.string(from: current), newest: newest.event.time)
        }
    }

    /// Compares the vault's audit log with the mark kept outside it. The vault is at or past the mark when it holds
    /// the entry at the mark's sequence with the mark's MAC and a signed checkpoint of exactly that head; anything
    /// else means entries were removed or an older copy was put in place.
    /// `reads`: the open's reads, made after the mark was loaded (`loaded`), so they hold the rows any mark on disk
    /// then named (a mark moves only after its checkpoint commits). Without them the mark and the rows are read here.
    func checkStateMark(_ acceptance: OlderStateAcceptance?, loaded: StateMarks.Loaded? = nil, reads: OpenReads? = nil) throws {
        guard let stateMarks else { return }
        let publicKey = secrets.signingKey.publicKey
        let (behind, vaultSequence): (StateMark?, Int64)
        let found = if let loaded, reads != nil { loaded.checked(vaultID: info.vaultID, publicKey: publicKey) } else {
            try stateMarks.read(vaultID: info.vaultID, folder: paths.root, publicKey: publicKey)
        }
        switch found {
        case .none:
            if acceptance == .restore { moveMarkOnCheckpoint = true }
            return
        case .invalid(let path):
            guard acceptance != nil else { throw VaultError.stateMarkInvalid(path: path) }
            (behind, vaultSequence) = (nil, try store.read { try $0.lastAuditEntry()?.event.sequence ?? 0 })
        case .valid(let mark):
            func vouched(_ entry: ChainedEvent?, _ checkpoints: () throws -> [AuditCheckpoint]) rethrows -> Bool {
                guard let entry, entry.entryMAC.hexString == mark.headMAC else { return false }
                return try checkpoints().contains {
                    $0.vaultID == info.vaultID && $0.headMAC == mark.headMAC && $0.hasValidSignature(vaultPublicKey: publicKey)
                        && (mark.stateDigest == nil || $0.stateDigest == mark.stateDigest)
                }
            }
            let (atMark, last) = if let reads, reads.markSequence == mark.sequence {
                (vouched(reads.markEntry) { reads.markCheckpoints }, reads.newestEntry?.event.sequence ?? 0)
            } else {
                try store.read { tx -> (Bool, Int64) in
                    (try vouched(try tx.auditEntry(sequence: mark.sequence)) { try tx.auditCheckpoints(sequence: mark.sequence) },
                     try tx.lastAuditEntry()?.event.sequence ?? 0)
                }
            }
            if atMark {
                if acceptance == .restore { moveMarkOnCheckpoint = true }
                return
            }
            guard acceptance != nil else {
                throw VaultError.olderState(markTime: mark.time, markSequence: mark.sequence, vaultSequence: last)
            }
            (behind, vaultSequence) = (mark, last)
        }
        var details = ["vault_sequence": String(vaultSequence), "mark": behind == nil ? "unreadable" : "behind"]
        if let behind {
            details["mark_sequence"] = String(behind.sequence)
            details["mark_time"] = behind.time
        }
        switch acceptance {
        case .restore: details["by"] = "restore"
        case .accepted(let reason): details["reason"] = String(reason.prefix(200))
        case nil: break
        }
        try audit(event("vault.accept_older_state", details: details))
        moveMarkOnCheckpoint = true
        acceptedOlderState = AcceptedOlderState(mark: behind, vaultSequence: vaultSequence)
    }

    /// Called after a checkpoint has committed. The order matters: checkpoint first, mark second, each atomic, so a
    /// kill between the two leaves the mark behind the vault (harmless: the next checkpoint moves it), never ahead
    /// of it (which would refuse a sound vault). The mark only moves forward, unless a restore or an accepted older
    /// state moved it on purpose: `advance` compares and writes under a lock, so writers racing (a server's requests,
    /// two processes) leave it at the newest of their checkpoints, never an older one.
    func moveStateMark(to checkpoint: AuditCheckpoint) throws {
        guard let stateMarks else { return }
        let (key, vaultID) = (secrets.signingKey, info.vaultID)
        try stateMarks.advance(vaultID: vaultID, folder: paths.root, to: checkpoint.sequence, publicKey: key.publicKey,
                               force: moveMarkOnCheckpoint) {
            try StateMark.sign(vaultID: vaultID, sequence: checkpoint.sequence, headMAC: checkpoint.headMAC, time: checkpoint.time,
                               stateDigest: checkpoint.stateDigest, key: key)
        }
        moveMarkOnCheckpoint = false
    }
}
