import VaultModel
import Consent
import Foundation

/// Case notes and reminders: an advocate's own record of the case (a call, a visit, what to chase and when). Sealed
/// like the consent records, one row each, erased with the case; written by members, read by whoever may read the case.
extension Vault {
    public struct CaseNote: Codable, Sendable, Equatable {
        public var id: String
        public var caseID: String
        public var text: String
        public var writtenAt: String
        public var writtenBy: String?
        /// The note's place on its case (1, 2, …): notes written in the same second keep their order.
        public var number: Int?

        enum CodingKeys: String, CodingKey { case id, text, number, caseID = "case_id", writtenAt = "written_at", writtenBy = "written_by" }
    }

    public struct Reminder: Codable, Sendable, Equatable {
        public var id: String
        public var caseID: String
        public var due: CivilDate
        public var text: String
        public var createdAt: String
        public var createdBy: String?
        public var doneAt: String?
        public var doneBy: String?

        enum CodingKeys: String, CodingKey {
            case id, due, text, caseID = "case_id", createdAt = "created_at", createdBy = "created_by", doneAt = "done_at", doneBy = "done_by"
        }
    }

    public func addNote(caseID: CaseID, text: String) throws -> CaseNote {
        let caseID = caseID.rawValue
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw VaultError.invalidInput("the note is empty") }
        guard trimmed.utf8.count <= 1 << 20 else { throw VaultError.invalidInput("the note is over 1 MB: store it as a document instead") }
        var note = CaseNote(id: try Self.newID("note"), caseID: caseID, text: trimmed, writtenAt: timestamp(), writtenBy: actor)
        try guarded { try store.write { tx in
            note.number = try tx.consentRecords(type: ConsentRecordType.caseNote.rawValue, caseID: caseID, personID: nil).count + 1
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: record, in: tx)
            guard record.caseStatus != .erased else { throw VaultError.caseNotOpen(id: caseID, status: record.status) }
            try tx.save(try sealConsent(note, id: note.id, type: .caseNote, caseID: caseID, personID: nil, in: tx))
            try audit(event("case.note", caseID: caseID, details: ["note": note.id]), in: tx)
        } }
        return note
    }

    /// Oldest first.
    public func notes(caseID: CaseID) throws -> [CaseNote] {
        let caseID = caseID.rawValue
        return try guarded { try store.read { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireRead(record, in: tx)
            return try tx.consentRecords(type: ConsentRecordType.caseNote.rawValue, caseID: caseID, personID: nil)
                .map { try openConsent($0, as: CaseNote.self, in: tx) }
                .sorted { ($0.writtenAt, $0.number ?? 0, $0.id) < ($1.writtenAt, $1.number ?? 0, $1.id) }
        } }
    }

    public func addReminder(caseID: CaseID, on due: CivilDate, text: String) throws -> Reminder {
        let caseID = caseID.rawValue
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw VaultError.invalidInput("the reminder says nothing: write what to do") }
        let reminder = Reminder(id: try Self.newID("rem"), caseID: caseID, due: due, text: trimmed, createdAt: timestamp(), createdBy: actor)
        try guarded { try store.write { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: record, in: tx)
            guard record.caseStatus == .open else { throw VaultError.caseNotOpen(id: caseID, status: record.status) }
            try tx.save(try sealConsent(reminder, id: reminder.id, type: .reminder, caseID: caseID, personID: nil, in: tx))
            try audit(event("case.reminder", caseID: caseID, details: ["reminder": reminder.id, "due": due.description]), in: tx)
        } }
        return reminder
    }

    /// A case's reminders, soonest first.
    public func reminders(caseID: CaseID) throws -> [Reminder] {
        let caseID = caseID.rawValue
        return try guarded { try store.read { tx in
            guard let record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireRead(record, in: tx)
            return try tx.consentRecords(type: ConsentRecordType.reminder.rawValue, caseID: caseID, personID: nil)
                .map { try openConsent($0, as: Reminder.self, in: tx) }.sorted { ($0.due, $0.id) < ($1.due, $1.id) }
        } }
    }

    /// For listings over several cases: someone the consent rules let check a case's deadlines but who holds no key
    /// to it (another organisation's advocate) sees its statutory deadlines, not its reminders, which are sealed under
    /// the case key (Vault+CaseSealedRecords).
    public func remindersIfKeyHeld(caseID: CaseID) throws -> [Reminder] {
        do {
            return try reminders(caseID: caseID)
        } catch VaultError.keyNotHeld {
            return []
        }
    }

    /// Marks a reminder done (it stays, marked, so the history shows what was chased and when).
    public func completeReminder(_ id: RecordID) throws -> Reminder {
        let id = id.rawValue
        return try guarded { try store.write { tx in
            guard let row = try tx.consentRecord(id), row.recordType == ConsentRecordType.reminder.rawValue else {
                throw VaultError.notFound(kind: "reminder", id: id)
            }
            try requireMember(.caseChange, of: try caseRecord(of: row, in: tx), in: tx)
            var reminder = try openConsent(row, as: Reminder.self, in: tx)
            guard reminder.doneAt == nil else { throw VaultError.invalidInput("reminder \(id) was already done on \(reminder.doneAt ?? "")") }
            reminder.doneAt = timestamp()
            reminder.doneBy = actor
            try tx.save(try sealConsent(reminder, id: id, type: .reminder, caseID: row.caseID, personID: nil, createdAt: row.createdAt, in: tx))
            try audit(event("case.reminder_done", caseID: row.caseID, details: ["reminder": id]), in: tx)
            return reminder
        } }
    }
}
