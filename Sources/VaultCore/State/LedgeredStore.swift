import Audit
import Foundation
import VaultStorage

/// The record store as the core uses it: every write transaction goes through a `LedgerTransaction`, and its
/// `state.change` events are chained into the audit log before the transaction commits.
final class LedgeredStore: VaultRecordStore, @unchecked Sendable {
    let base: any VaultRecordStore
    private let chain: AuditChain
    private let makeEvent: (String, [String: String]) -> AuditEvent
    private let lock = NSLock()
    private var appended = 0
    /// Called in every write transaction that wrote documents, before its ledger lines are written, so what it writes
    /// (each changed case's sealed listing) commits with the change and is in the ledger too. Set once by `Vault`.
    var beforeFinish: ((LedgerTransaction) throws -> Void)?
    /// Called first in every write transaction (the vault's decisions held for its next write, `deferAllowedDecisions`),
    /// and `committed` once it has committed: what the first wrote is forgotten only when it is durable.
    var prelude: ((LedgerTransaction) throws -> Void)?
    /// Called last in every write transaction, after the ledger's lines (how many it wrote is given).
    var closing: ((LedgerTransaction, Int) throws -> Void)?
    var committed: (() -> Void)?

    init(base: any VaultRecordStore, chain: AuditChain, makeEvent: @escaping (String, [String: String]) -> AuditEvent) {
        self.base = base
        self.chain = chain
        self.makeEvent = makeEvent
    }

    /// Ledger events this process appended (a command that wrote any ends with a signed checkpoint).
    var eventsAppended: Int { lock.withLock { appended } }
    func resetEventsAppended() { lock.withLock { appended = 0 } }

    func read<T>(_ body: (any VaultRecordReading) throws -> T) throws -> T { try base.read(body) }

    func write<T>(_ body: (any VaultRecordWriting) throws -> T) throws -> T {
        try write(action: StateHash.changeAction, body)
    }

    /// `action` names the events: `state.change`, or `state.baseline` when a vault of an earlier release is first
    /// brought under the ledger.
    func write<T>(action: String, _ body: (any VaultRecordWriting) throws -> T) throws -> T {
        var count = 0
        let result = try base.write { tx -> T in
            let ledger = LedgerTransaction(tx)
            try prelude?(ledger)
            let result = try body(ledger)
            if !ledger.documentChanges.isEmpty, let beforeFinish { try beforeFinish(ledger) }
            count = try ledger.finish(action: action, append: { try tx.appendChained($0, using: chain) }, makeEvent: makeEvent)
            try closing?(ledger, count)
            return result
        }
        if count > 0 { lock.withLock { appended += count } }
        committed?()
        return result
    }

    func integrityProblems() throws -> [String] { try base.integrityProblems() }
    func backup(to path: String) throws { try base.backup(to: path) }
    func purgeFreedPages() throws { try base.purgeFreedPages() }
}
