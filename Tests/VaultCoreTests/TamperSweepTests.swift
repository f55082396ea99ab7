import Foundation
import GRDB
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Flip, cut or extend one random stored thing at a time; `verify --read-data` must name it and reading
/// must fail, never returning wrong plaintext. `CASEVAULT_TAMPER_FLIPS` sets the count (CI 300, soak 10 000).
final class TamperSweepTests: XCTestCase {
    enum Target: CaseIterable { case blob, wrappedDocumentKey, caseKeyWrapper, personField, documentName, documentClearColumn, keyFile, auditRow, consentRecord }

    func testTamperSweep() throws {
        let flips = Int(ProcessInfo.processInfo.environment["CASEVAULT_TAMPER_FLIPS"] ?? "") ?? 300
        let t = try TemporaryVault()
        // With a recorded consent (its form is a document of the case too), so consent records are in the sweep.
        let caseID = try t.openCase(withConsent: true)
        var originals: [String: [UInt8]] = [:]
        for (index, size) in [0, 1, 700, 16383, 16384, 16385, 50_000, 200_000].enumerated() {
            let bytes = pattern(size, seed: UInt64(100 + index))
            let id = t.storedID(try t.ingest(caseID, [try t.file("doc-\(index).bin", bytes)])[0])
            originals[id.rawValue] = bytes
        }
        let hartID = try t.vault.addPerson(.init(name: "Peter Hart", dob: "1950-02-03", nhsNumber: "9990000026", address: "14 Orchard Close")).rawValue
        try t.vault.writeCheckpoint()
        let ids = originals.keys.sorted()
        let database = t.paths.root + "/vault.db"
        let authorityRow = try XCTUnwrap(try DatabaseQueue(path: database).read {
            try String.fetchOne($0, sql: "SELECT id FROM consent_records WHERE record_type = 'authority'")
        })
        var generator = SystemRandomNumberGenerator()
        var detected = 0, silent: [String] = []

        var flip = 0
        while flip < flips {
            let target = Target.allCases.randomElement(using: &generator)!
            let documentID = ids.randomElement(using: &generator)!
            var undo: (() throws -> Void)?
            var what = "\(target)"
            switch target {
            case .blob:
                let path = t.vault.blobs.path(for: documentID)
                let before = try Data(contentsOf: URL(fileURLWithPath: path))
                try mutate(before, using: &generator).write(to: URL(fileURLWithPath: path))
                undo = { try before.write(to: URL(fileURLWithPath: path)) }
                what += " \(documentID)"
            case .wrappedDocumentKey, .documentName:
                let column = target == .wrappedDocumentKey ? "wrapped_key" : "original_name_sealed"
                undo = try mutateColumn(database, table: "documents", column: column, key: "id", value: documentID, using: &generator)
                what += " \(documentID)"
            case .documentClearColumn:
                let column = ["kind", "media_type", "size", "document_date", "ingested_at", "case_key_version", "ciphertext_size"]
                    .randomElement(using: &generator)!
                undo = try mutateColumn(database, table: "documents", column: column, key: "id", value: documentID, using: &generator)
                what += " \(documentID) \(column)"
            case .caseKeyWrapper:
                undo = try mutateColumn(database, table: "key_wrappers", column: "sealed", key: "scope", value: "case:" + caseID.rawValue, using: &generator)
            case .personField:
                let column = ["name_sealed", "nhs_number_sealed", "address_sealed", "dob_sealed"].randomElement(using: &generator)!
                undo = try mutateColumn(database, table: "people", column: column, key: "id", value: hartID, using: &generator)
                what += " \(column)"
            case .consentRecord:
                // The sealed payload, or a clear column it is bound to (moving a consent to another case or person).
                let column = ["sealed", "sealed", "case_id", "person_id", "record_type"].randomElement(using: &generator)!
                undo = try mutateColumn(database, table: "consent_records", column: column, key: "id", value: authorityRow, using: &generator)
                what += " \(column)"
            case .keyFile:
                undo = try mutateKeyFile(t.paths.keyFile, using: &generator)
            case .auditRow:
                let column = ["action", "actor", "details", "case_id", "entry_mac", "prev_mac", "time"].randomElement(using: &generator)!
                let sequence = Int.random(in: 1...10, using: &generator)
                undo = try mutateColumn(database, table: "audit_events", column: column, key: "seq", value: String(sequence), using: &generator)
                what += " \(column)"
            }

            // A column that holds nothing (e.g. an event without an actor) cannot be damaged: pick again.
            guard let undo else { continue }
            flip += 1
            // Detected means: the vault does not open, or verify names a problem; and no read returns wrong bytes.
            var caught = false
            var wrongPlaintext = false
            do {
                let vault = try t.reopen()
                let report = try vault.verify(readData: true, repair: false, record: false)
                caught = !report.ok
                for id in ids {
                    if let bytes = try? vault.plaintextWithoutAudit(id), bytes != originals[id] { wrongPlaintext = true }
                }
                if target == .blob || target == .wrappedDocumentKey {
                    caught = caught && (try? vault.plaintextWithoutAudit(documentID)) == nil && report.problems.contains { $0.id == documentID }
                }
            } catch {
                caught = true
            }
            if caught && !wrongPlaintext { detected += 1 } else { silent.append("flip \(flip): \(what)\(wrongPlaintext ? " (WRONG PLAINTEXT)" : "")") }
            try undo()
        }
        print("tamper sweep: \(flips) flips, \(detected) detected, \(silent.count) silent")
        XCTAssertEqual(silent, [])
        XCTAssertTrue(try t.reopen().verify(readData: true, repair: false).ok, "every change was undone")
    }

    /// Flip one bit, truncate, or append.
    func mutate(_ data: Data, using generator: inout SystemRandomNumberGenerator) -> Data {
        var bytes = [UInt8](data)
        switch Int.random(in: 0..<6, using: &generator) {
        case 0 where !bytes.isEmpty: bytes.removeLast(Int.random(in: 1...bytes.count, using: &generator))
        case 1: bytes.append(contentsOf: (0..<Int.random(in: 1...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        default:
            if bytes.isEmpty { bytes = [0] } else { bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator)) }
        }
        return Data(bytes)
    }

    func mutateColumn(_ database: String, table: String, column: String, key: String, value: String,
                      using generator: inout SystemRandomNumberGenerator) throws -> (() throws -> Void)? {
        let queue = try DatabaseQueue(path: database)
        let condition = key == "1" ? "rowid = (SELECT min(rowid) FROM \(table))" : "\(key) = ?"
        let arguments: StatementArguments = key == "1" ? [] : [value]
        let original = try queue.read { try DatabaseValue.fetchOne($0, sql: "SELECT \(column) FROM \(table) WHERE \(condition) LIMIT 1", arguments: arguments) }
        guard let original, !original.isNull else { return nil }
        let mutated: DatabaseValueConvertible
        if case .int64(let number) = original.storage {
            // A number is tampered with as a different number (SQLite would read mangled text as 0).
            mutated = number + Int64.random(in: 1...100_000, using: &generator) * (Bool.random(using: &generator) ? 1 : -1)
        } else if let data = Data.fromDatabaseValue(original) {
            mutated = mutate(data, using: &generator)
        } else {
            let text = String.fromDatabaseValue(original) ?? ""
            mutated = String(decoding: mutate(Data(text.utf8), using: &generator), as: UTF8.self) + (text.isEmpty ? "x" : "")
        }
        try queue.write { try $0.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(condition)", arguments: [mutated] + arguments) }
        // SQLite's type affinity can turn a mangled number back into the same number: that is no change.
        let stored = try queue.read { try DatabaseValue.fetchOne($0, sql: "SELECT \(column) FROM \(table) WHERE \(condition) LIMIT 1", arguments: arguments) }
        if stored == original { return nil }
        return {
            try queue.write { try $0.execute(sql: "UPDATE \(table) SET \(column) = ? WHERE \(condition)", arguments: [original] + arguments) }
        }
    }

    /// Changes key material in the key file (not its free-text dates, which carry no secret).
    func mutateKeyFile(_ path: String, using generator: inout SystemRandomNumberGenerator) throws -> (() throws -> Void)? {
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        var object = try JSONSerialization.jsonObject(with: original) as! [String: Any]
        var masters = object["master_keys"] as! [[String: Any]]
        var signing = object["signing_key"] as! [String: Any]
        var audit = object["audit_key"] as! [String: Any]
        let field = ["key", "check", "public_key"].randomElement(using: &generator)!
        func flipped(_ text: String) -> String {
            var bytes = [UInt8](Data(base64Encoded: text) ?? Data())
            if bytes.isEmpty { return "!" }
            bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= 1
            return Data(bytes).base64EncodedString()
        }
        if field == "public_key" {
            signing["public_key"] = flipped(signing["public_key"] as! String)
        } else {
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: masters[0][field] = flipped(masters[0][field] as! String)
            case 1: signing[field] = flipped(signing[field] as! String)
            default: audit[field] = flipped(audit[field] as! String)
            }
        }
        object["master_keys"] = masters
        object["signing_key"] = signing
        object["audit_key"] = audit
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return { try original.write(to: URL(fileURLWithPath: path)) }
    }
}
