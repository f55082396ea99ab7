import XCTest
@testable import Audit
@testable import VaultCrypto

final class AuditVerifierTests: XCTestCase {
    let signing = try! Ed25519.PrivateKey.generate()
    let chain = try! AuditChain(auditKey: SecureBytes(copying: [UInt8](repeating: 7, count: 32)), vaultID: "vault-a")

    func makeLog(_ count: Int) throws -> [ChainedEvent] {
        var entries: [ChainedEvent] = []
        for index in 0..<count {
            let event = AuditEvent(time: "2026-01-01T00:00:\(String(format: "%02d", index % 60))Z", actor: "adv-\(index % 3)",
                                   action: index % 2 == 0 ? "document.read" : "document.ingest", caseID: "case-1", documentID: "doc-\(index)",
                                   details: ["bytes": String(index * 10)])
            entries.append(try chain.append(event, after: entries.last))
        }
        return entries
    }

    func verify(_ entries: [ChainedEvent], _ checkpoints: [AuditCheckpoint] = []) throws -> AuditBreak? {
        try AuditVerifier(chain: chain).verify(entries, checkpoints: checkpoints, vaultPublicKey: signing.publicKey)
    }

    func checkpoint(_ entries: [ChainedEvent], at index: Int, vault: String = "vault-a", key: Ed25519.PrivateKey? = nil) throws -> AuditCheckpoint {
        try AuditCheckpoint.sign(vaultID: vault, sequence: entries[index].event.sequence, headMAC: entries[index].entryMAC,
                                 time: "2026-01-02T00:00:00Z", key: key ?? signing)
    }

    func testIntactLogVerifies() throws {
        let log = try makeLog(20)
        XCTAssertNil(try verify(log, [try checkpoint(log, at: 19), try checkpoint(log, at: 4)]))
        XCTAssertEqual(log.map(\.event.sequence), Array(1...20))
    }

    func testEditingAnyFieldOfAnyRowIsAModifiedEntry() throws {
        let log = try makeLog(8)
        let edits: [(String, (inout AuditEvent) -> Void)] = [
            ("time", { $0.time = "2027-01-01T00:00:00Z" }), ("actor", { $0.actor = "adv-9" }), ("actor nil", { $0.actor = nil }),
            ("action", { $0.action = "case.erase" }), ("case", { $0.caseID = "case-2" }), ("document", { $0.documentID = nil }),
            ("decision", { $0.decision = "allow" }), ("rules", { $0.ruleIDs = ["R-CON-1"] }), ("outcome", { $0.outcome = "failure" }),
            ("details", { $0.details["bytes"] = "999999" }), ("sequence", { $0.sequence += 100 }),
        ]
        for row in 0..<log.count {
            for (name, edit) in edits {
                var tampered = log
                edit(&tampered[row].event)
                XCTAssertEqual(try verify(tampered), .modifiedEntry(sequence: tampered[row].event.sequence), "\(name) of row \(row)")
            }
            var macTampered = log
            macTampered[row].entryMAC[0] ^= 1
            XCTAssertNotNil(try verify(macTampered), "entry MAC of row \(row)")
        }
    }

    func testDeletingARowIsADeletedEntryEvenWhenRenumbered() throws {
        let log = try makeLog(10)
        var gap = log
        gap.remove(at: 4)
        XCTAssertEqual(try verify(gap), .deletedEntry(before: 6))
        var renumbered = gap
        for index in 4..<renumbered.count { renumbered[index].event.sequence -= 1 }
        XCTAssertEqual(try verify(renumbered), .deletedEntry(before: 5))
        XCTAssertEqual(try verify(Array(log.dropFirst())), .deletedEntry(before: 2))
    }

    func testSwappingTwoRowsIsReordered() throws {
        let log = try makeLog(10)
        var swapped = log
        swapped.swapAt(3, 6)
        // Sequence numbers are the rows' positions (the column that orders them).
        for index in swapped.indices { swapped[index].event.sequence = Int64(index + 1) }
        XCTAssertEqual(try verify(swapped), .reorderedEntries(at: 4))
        var adjacent = log
        adjacent.swapAt(0, 1)
        for index in adjacent.indices { adjacent[index].event.sequence = Int64(index + 1) }
        XCTAssertEqual(try verify(adjacent), .reorderedEntries(at: 1))
    }

    func testTruncatingTheTailIsCaughtOnlyByACheckpoint() throws {
        let log = try makeLog(12)
        let head = try checkpoint(log, at: 11)
        let truncated = Array(log.prefix(9))
        XCTAssertNil(try verify(truncated), "a cut tail is a valid shorter chain: only a checkpoint reveals it")
        XCTAssertEqual(try verify(truncated, [head]), .truncatedAfterCheckpoint(checkpointSequence: 12, lastSequence: 9))
    }

    func testCheckpointSignatureAndVaultAreChecked() throws {
        let log = try makeLog(5)
        var forged = try checkpoint(log, at: 4)
        forged.sequence = 3
        XCTAssertEqual(try verify(log, [forged]), .checkpointSignatureInvalid)
        let otherKey = try checkpoint(log, at: 4, key: try Ed25519.PrivateKey.generate())
        XCTAssertEqual(try verify(log, [otherKey]), .checkpointSignatureInvalid)
        XCTAssertEqual(try verify(log, [try checkpoint(log, at: 4, vault: "vault-b")]), .checkpointFromAnotherVault("vault-b"))
        // A checkpoint over a head that the log no longer has (history rewritten under the key).
        var rewritten = try checkpoint(log, at: 2)
        rewritten = try AuditCheckpoint.sign(vaultID: "vault-a", sequence: 3, headMAC: [UInt8](repeating: 1, count: 32), time: rewritten.time, key: signing)
        XCTAssertEqual(try verify(log, [rewritten]), .checkpointMismatch(sequence: 3))
    }

    func testAnotherVaultsChainDoesNotVerify() throws {
        let other = try AuditChain(auditKey: SecureBytes(copying: [UInt8](repeating: 7, count: 32)), vaultID: "vault-b")
        let foreign = try other.append(AuditEvent(time: "t", actor: nil, action: "vault.init"), after: nil)
        XCTAssertNotNil(try verify([foreign]), "the genesis binds the vault id")
    }

    func testCanonicalEncodingSeparatesAbsentFromEmptyAndFieldBoundaries() {
        let a = AuditEvent(time: "t", actor: nil, action: "x")
        let b = AuditEvent(time: "t", actor: "", action: "x")
        XCTAssertNotEqual(a.canonicalEncoding, b.canonicalEncoding)
        let c = AuditEvent(time: "t", actor: "ab", action: "c")
        let d = AuditEvent(time: "t", actor: "a", action: "bc")
        XCTAssertNotEqual(c.canonicalEncoding, d.canonicalEncoding)
        XCTAssertEqual(AuditEvent(time: "t", actor: nil, action: "x", details: ["a": "1", "b": "2"]).canonicalEncoding,
                       AuditEvent(time: "t", actor: nil, action: "x", details: ["b": "2", "a": "1"]).canonicalEncoding)
    }
}
