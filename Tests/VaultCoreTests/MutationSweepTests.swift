import Consent
import Foundation
import GRDB
import XCTest
@testable import VaultCore

/// Like the tamper sweep, for whole rows: row deletions, replays of older stored values, column edits and row
/// insertions, made with SQLite directly (no key). Each must be detected (the vault refuses to open, or `verify` names
/// a problem); none may pass silently. First a systematic pass, then `CASEVAULT_MUTATIONS` random mutations (make test
/// 100, `make soak` 10 000). The systematic pass is what make test relies on: every row deleted, copied under a new
/// key and edited in one of its columns, every column of every table edited, every row with an older value replayed.
/// (make test ran 1 000 random mutations before, about 25 s of CPU, 110 s in make test: about 250 edits spread over
/// ~36 rows, so a given column of the one tombstone row went unedited in some runs. With the check of tombstone rows
/// turned off in the state hash, the systematic pass named all four of its editable columns; 1 000 random ones, three.)
final class MutationSweepTests: XCTestCase {
    static let tables = ["vault_meta", "organisations", "advocates", "people", "cases", "case_advocates", "data_keys", "key_wrappers",
                         "documents", "tombstones", "consent_records"]
    enum Mutation: CaseIterable { case delete, replay, edit, insert }

    struct Row: Equatable {
        let table: String
        let rowid: Int64
        let values: [String: DatabaseValue]
    }

    /// One mutation to make; `column` is the column an edit changes (nil: one chosen at random).
    struct Step {
        let mutation: Mutation
        let row: Row
        var column: String? = nil
    }

    func testMutationSweep() throws {
        let count = Int(ProcessInfo.processInfo.environment["CASEVAULT_MUTATIONS"] ?? "") ?? 100
        let t = try TemporaryVault()
        // The case to erase first: the vault then acts as the advocate of the last case opened.
        let doomed = try t.openCase(client: "Ivy Short")
        let caseID = try t.openCase(withConsent: true)
        let neighbour = try t.vault.addPerson(.init(name: "Brian Cole", address: "3 Mill Lane"))
        try t.vault.addCasePerson(caseID: caseID, personID: neighbour, role: .thirdParty, firstNameIsSafe: false)
        let document = t.storedID(try t.ingest(caseID, [try t.file("a.txt", Array("Dear Sir,\nOne.\n".utf8))])[0])
        _ = t.storedID(try t.ingest(caseID, [try t.file("b.txt", Array("Dear Sir,\nTwo.\n".utf8))])[0])
        // Person records (capacity, status: opaque `person_record` rows bound to their ledger version).
        let client = try t.vault.caseDetail(caseID).client
        _ = try t.vault.recordCapacity(personID: client, assessment: CapacityAssessment(decision: "conduct NHS complaint", date: t.vault.today(),
                                                                                         result: .hasCapacity, assessor: "Dr B"), caseID: caseID)
        _ = try t.vault.updatePersonStatus(client) { $0.objectsTo = ["daughter"] }
        let database = t.paths.root + "/vault.db"
        // Older values to replay: every row as it was before the changes below.
        let older = try rows(database)
        _ = try t.vault.editPerson(neighbour, changes: [.address: "5 Mill Lane"])
        _ = try t.vault.updatePersonStatus(client) { $0.objectsTo = ["daughter", "son"] }
        _ = try t.vault.retagDocument(document, date: "2025-02-01", kind: nil)
        // Case references (v7): a prefix, a reference and the NHS body's sealed reference, so their columns hold values.
        _ = try t.asManager().setCasePrefix(organisationID: OrganisationID(try t.vault.caseDetail(caseID).organisation), prefix: "NCA")
        try t.vault.setTheirReference(caseID: caseID, reference: "CMP/2025/0917")
        let consent = try XCTUnwrap(try t.vault.authorities(caseID: caseID).first)
        _ = try t.vault.withdrawAuthority(RecordID(consent.authority.id), on: t.vault.today(), receivedBy: .letter)
        _ = try t.vault.addNote(caseID: caseID, text: "Phoned the ward manager.")
        try t.asManager().eraseCase(doomed, reason: "Complaint withdrawn")
        try t.vault.writeCheckpoint()
        XCTAssertEqual(try t.reopen().verify(readData: false, repair: false, record: false).problems, [])
        let current = try rows(database)
        let replayable = current.filter { row in older.contains { $0.table == row.table && $0.rowid == row.rowid && $0.values != row.values } }
        XCTAssertGreaterThanOrEqual(replayable.count, 4, "the sweep has older values to put back")

        var generator = SystemRandomNumberGenerator()
        let systematic = systematicSteps(current, replayable: replayable, using: &generator)
        let random = (0..<count).map { _ in
            let mutation = Mutation.allCases.randomElement(using: &generator)!
            return Step(mutation: mutation, row: (mutation == .replay ? replayable : current).randomElement(using: &generator)!)
        }
        var counts: [String: Int] = [:], silent: [String] = []
        for (step, planned) in (systematic + random).enumerated() {
            let mutation = planned.mutation
            let (what, undo) = try apply(mutation, to: planned.row, column: planned.column, older: older, database: database, using: &generator)
            counts["\(mutation)", default: 0] += 1
            var caught: Bool
            do {
                caught = !(try t.reopen().verify(readData: false, repair: false, record: false).ok)
            } catch {
                caught = true
            }
            if !caught { silent.append("step \(step) (\(step < systematic.count ? "systematic" : "random")): \(mutation) \(what)") }
            try undo()
        }
        let total = systematic.count + random.count
        print("mutation sweep: \(total) mutations, \(systematic.count) systematic and \(random.count) random (\(counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))), \(total - silent.count) detected, \(silent.count) silent")
        XCTAssertEqual(silent, [])
        XCTAssertEqual(try t.reopen().verify(readData: false, repair: false, record: false).problems, [], "every mutation was undone")
    }

    /// Every row deleted, copied and edited (a random column), every table's every column edited (on a random row of
    /// it), every replayable row put back to its older value.
    func systematicSteps(_ rows: [Row], replayable: [Row], using generator: inout SystemRandomNumberGenerator) -> [Step] {
        var steps = rows.flatMap { row in [Step(mutation: .delete, row: row), Step(mutation: .insert, row: row), Step(mutation: .edit, row: row)] }
        for table in Self.tables {
            let tableRows = rows.filter { $0.table == table }
            XCTAssertFalse(tableRows.isEmpty, "the sweep's vault has a \(table) row")
            guard let columns = tableRows.first?.values.keys.sorted() else { continue }
            for column in columns { steps.append(Step(mutation: .edit, row: tableRows.randomElement(using: &generator)!, column: column)) }
        }
        return steps + replayable.map { Step(mutation: .replay, row: $0) }
    }

    func queue(_ database: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false  // as sqlite3 would
        return try DatabaseQueue(path: database, configuration: configuration)
    }

    func rows(_ database: String) throws -> [Row] {
        try queue(database).read { db in
            try Self.tables.flatMap { table in
                try GRDB.Row.fetchAll(db, sql: "SELECT rowid AS _rowid, * FROM \(table)").map { row in
                    var values: [String: DatabaseValue] = [:]
                    for column in row.columnNames where column != "_rowid" { values[column] = row[column] as DatabaseValue }
                    return Row(table: table, rowid: row["_rowid"], values: values)
                }
            }
        }
    }

    func insert(_ table: String, _ values: [String: DatabaseValue], rowid: Int64?, replace: Bool = true, in db: Database) throws {
        var columns = values.keys.sorted()
        var arguments: [DatabaseValueConvertible?] = columns.map { values[$0]! }
        if let rowid { columns.append("rowid"); arguments.append(rowid) }
        // OR REPLACE: putting a row back also removes whatever a mutation left under its key.
        try db.execute(sql: "INSERT\(replace ? " OR REPLACE" : "") INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                       arguments: StatementArguments(arguments))
    }

    func apply(_ mutation: Mutation, to row: Row, column chosen: String?, older: [Row], database: String,
               using generator: inout SystemRandomNumberGenerator) throws -> (String, () throws -> Void) {
        let queue = try queue(database)
        let restore = { try queue.write { db in
            try db.execute(sql: "DELETE FROM \(row.table) WHERE rowid = ?", arguments: [row.rowid])
            try self.insert(row.table, row.values, rowid: row.rowid, in: db)
        } }
        switch mutation {
        case .delete:
            try queue.write { try $0.execute(sql: "DELETE FROM \(row.table) WHERE rowid = ?", arguments: [row.rowid]) }
            return ("\(row.table) row \(row.rowid)", restore)
        case .replay:
            let old = try XCTUnwrap(older.first { $0.table == row.table && $0.rowid == row.rowid })
            try queue.write { db in
                try db.execute(sql: "DELETE FROM \(row.table) WHERE rowid = ?", arguments: [row.rowid])
                try self.insert(row.table, old.values, rowid: row.rowid, in: db)
            }
            return ("\(row.table) row \(row.rowid) back to its older value", restore)
        case .edit:
            let column = chosen ?? row.values.keys.sorted().randomElement(using: &generator)!
            let changed = changedValue(row.values[column]!, using: &generator)
            try queue.write { try $0.execute(sql: "UPDATE \(row.table) SET \(column) = ? WHERE rowid = ?", arguments: [changed, row.rowid]) }
            return ("\(row.table) row \(row.rowid) column \(column)", restore)
        case .insert:
            // A copy under another key: every text column of the key gets a suffix (an id nobody wrote).
            var values = row.values
            for (column, value) in values {
                // (and `name`, `reference`: an organisation's name and a case's reference are unique too)
                if let text = String.fromDatabaseValue(value),
                   ["id", "key", "case_id", "advocate_id", "scope", "wrapper_id", "name", "reference"].contains(column) {
                    values[column] = (text + "-copy").databaseValue
                }
                // An organisation's name index is unique too (a blob: one byte more).
                if row.table == "organisations", column == "name_index", let blob = Data.fromDatabaseValue(value) {
                    values[column] = (blob + [1]).databaseValue
                }
            }
            try queue.write { try self.insert(row.table, values, rowid: nil, replace: false, in: $0) }
            let key = values.filter { ["id", "key", "case_id", "scope"].contains($0.key) }.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",")
            return ("\(row.table) copy \(key)", { try queue.write { try $0.execute(sql: "DELETE FROM \(row.table) WHERE rowid = (SELECT max(rowid) FROM \(row.table))") } })
        }
    }

    /// A different value of the same storage class (NULL becomes text: a column filled in that was empty).
    func changedValue(_ value: DatabaseValue, using generator: inout SystemRandomNumberGenerator) -> DatabaseValue {
        switch value.storage {
        case .null: return "x".databaseValue
        case .int64(let number): return (number + Int64.random(in: 1...1000, using: &generator)).databaseValue
        case .double(let number): return (number + 1).databaseValue
        case .string(let text): return (text.isEmpty ? "x" : String(text.dropLast()) + (text.last == "x" ? "y" : "x")).databaseValue
        case .blob(let data):
            var bytes = [UInt8](data)
            if bytes.isEmpty { bytes = [1] } else { bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= 1 }
            return Data(bytes).databaseValue
        }
    }
}
