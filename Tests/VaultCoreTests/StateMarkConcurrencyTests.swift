import Foundation
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// The rollback mark only moves forward, however many writers end their work at once: a server's requests (each its
/// own `Vault`) and a second instance on one machine all move one mark file. Without a lock around read-compare-write,
/// a writer that read the old mark and holds an older checkpoint could write last and take the mark backwards.
final class StateMarkConcurrencyTests: XCTestCase {
    func testConcurrentWritersNeverMoveTheMarkBackwards() throws {
        let t = try TemporaryVault()
        let marks = StateMarks(directory: t.directory.appendingPathComponent("state/casevault").path)
        let markPath = try marks.path(vaultID: t.vault.info.vaultID, folder: t.paths.root)
        let (writers, rounds) = (8, 12)
        /// Each writer uses only its own vault, on its own thread.
        final class Writers: @unchecked Sendable {
            let vaults: [Vault]
            init(_ vaults: [Vault]) { self.vaults = vaults }
        }
        let all = Writers(try (0..<writers).map { _ in
            try Vault(try VaultSetup.open(paths: t.paths) { throw KeyFileError.passphraseRequired }, actor: t.administratorID, stateMarks: marks)
        })
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var sequences: [Int64] = []
            var checkpoints: [Int64] = []
            var errors: [String] = []
            var done = false
        }
        let seen = Seen()
        // A reader watches the mark file while the writers run: each value it sees must be at or past the last.
        let watcher = Thread {
            while !seen.lock.withLock({ seen.done }) {
                if let data = FileManager.default.contents(atPath: markPath), let mark = try? JSONDecoder().decode(StateMark.self, from: data) {
                    seen.lock.withLock { seen.sequences.append(mark.sequence) }
                }
            }
        }
        watcher.start()
        DispatchQueue.concurrentPerform(iterations: writers) { index in
            let vault = all.vaults[index]
            for round in 0..<rounds {
                do {
                    try vault.audit(vault.event("test.concurrent_mark", details: ["writer": "\(index)", "round": "\(round)"]))
                    if let checkpoint = try vault.writeCheckpoint() { seen.lock.withLock { seen.checkpoints.append(checkpoint.sequence) } }
                } catch {
                    seen.lock.withLock { seen.errors.append("\(error)") }
                }
            }
        }
        seen.lock.withLock { seen.done = true }
        while watcher.isExecuting { usleep(1000) }

        XCTAssertEqual(seen.errors, [])
        XCTAssertEqual(seen.checkpoints.count, writers * rounds, "every writer's round ended with a checkpoint, new or reused")
        XCTAssertGreaterThan(seen.sequences.count, writers, "the watcher saw the mark while it moved")
        for (earlier, later) in zip(seen.sequences, seen.sequences.dropFirst()) {
            XCTAssertLessThanOrEqual(earlier, later, "the mark moved backwards: \(seen.sequences)")
        }
        let final = try JSONDecoder().decode(StateMark.self, from: Data(contentsOf: URL(fileURLWithPath: markPath)))
        XCTAssertEqual(final.sequence, seen.checkpoints.max(), "the mark ends at the newest checkpoint any writer made")
        XCTAssertNoThrow(try Vault(try VaultSetup.open(paths: t.paths) { throw KeyFileError.passphraseRequired }, actor: t.administratorID,
                                   stateMarks: marks), "the vault opens against its mark")
    }

    /// A checkpoint of a head that is already signed is reused, not signed and stored again.
    func testACheckpointOfAnAlreadySignedHeadIsReused() throws {
        let t = try TemporaryVault()
        let first = try Vault(try VaultSetup.open(paths: t.paths) { throw KeyFileError.passphraseRequired }, actor: t.administratorID)
        let second = try Vault(try VaultSetup.open(paths: t.paths) { throw KeyFileError.passphraseRequired }, actor: t.administratorID)
        try first.audit(first.event("test.first"))
        try second.audit(second.event("test.second"))
        let count = { try t.vault.store.read { try $0.auditCheckpoints().count } }
        let before = try count()
        let made = try XCTUnwrap(try first.writeCheckpoint())
        let reused = try XCTUnwrap(try second.writeCheckpoint(), "the second writer's events are covered too")
        XCTAssertEqual(reused, made, "the head had not moved: the same checkpoint")
        XCTAssertEqual(try count(), before + 1, "one row for one head")
    }
}
