import VaultModel
import Audit
import Foundation
import VaultCrypto

/// Case references: people say "NCA-2026-0042", not `case-3f9…`. Each case gets PREFIX-YYYY-NNNN when it is opened
/// (the organisation's prefix, the year, the next free number for that prefix and year; unique in the vault), and
/// every command that takes a case id takes its reference too. The NHS body's own complaint reference is recorded
/// sealed: with the body's name it identifies the complaint.
extension Vault {
    /// The prefix of an organisation that has set none: the initials of its name, leaving out "NHS" and small words
    /// ("Norfolk NHS Complaints Advocacy" → NCA).
    static func defaultCasePrefix(_ name: String) -> String {
        let skipped: Set<String> = ["NHS", "AND", "OF", "THE", "FOR", "&"]
        let initials = name.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .filter { !skipped.contains($0.uppercased()) }
            .compactMap { $0.first.map { String($0).uppercased() } }
            .filter { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
            .joined()
        let prefix = String(initials.prefix(6))
        return prefix.count >= 2 && prefix.first?.isLetter == true ? prefix : "CASE"
    }

    /// 2 to 6 capital letters or digits, starting with a letter: short enough to say on the phone, safe in a file name.
    static func isValidCasePrefix(_ text: String) -> Bool {
        (2...6).contains(text.count) && text.first.map { $0.isASCII && $0.isUppercase } == true
            && text.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
    }

    func casePrefix(of organisationID: String, in tx: any VaultRecordReading) throws -> String {
        guard let organisation = try tx.organisation(organisationID) else { throw VaultError.notFound(kind: "organisation", id: organisationID) }
        return try organisation.casePrefix ?? Self.defaultCasePrefix(opened(organisation, in: tx).name)
    }

    /// The next free reference for `prefix` in `year`, read in the caller's write transaction (writes are serialised,
    /// and the unique index refuses a clash).
    func nextCaseReference(prefix: String, year: Substring, in tx: any VaultRecordReading) throws -> String {
        let start = "\(prefix)-\(year)-"
        let used = try tx.cases().compactMap(\.reference).filter { $0.hasPrefix(start) }.compactMap { Int($0.dropFirst(start.count)) }
        return start + String(format: "%04d", (used.max() ?? 0) + 1)
    }

    /// A case id, a case reference in any letter case, or its client's name, as the case id. A name is matched only
    /// against the clients of cases this account may read (as `person find` does), so it reveals no one else's case;
    /// a client with several such cases gets the list of their references to choose from. Access is checked by the
    /// operation that uses the id, as for an id typed directly.
    public func caseID(_ text: String) throws -> CaseID {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("case-") { return CaseID(trimmed) }
        let reference = trimmed.uppercased()
        let notFound = VaultError.invalidInput("no case has the id or reference '\(trimmed)', and no case you may read has a client of that name "
                                               + "('casevault case list' shows them)")
        return CaseID(try guarded { try store.read { tx in
            let cases = try tx.cases()
            if let record = cases.first(where: { $0.reference == reference }) { return record.id }
            guard !Self.searchable(trimmed).isEmpty else { throw notFound }
            let account = try account(in: tx)
            var candidates: [(record: CaseRecord, client: String)] = []
            for record in cases where try mayRead(record, as: account, in: tx) {
                // A client whose fields this account holds no key to cannot be found by name.
                guard let client = try tx.person(record.clientID), client.erasedAt == nil, let opened = try viewIfHeld(client, in: tx) else { continue }
                candidates.append((record, opened.name))
            }
            let found = Self.named(trimmed, in: candidates, name: \.client)
            switch found.count {
            case 0: throw notFound
            case 1: return found[0].record.id
            default:
                throw VaultError.ambiguousName(kind: "case", text: trimmed, candidates: found.map {
                    "\($0.record.reference ?? $0.record.id) (\($0.client), \($0.record.status))"
                }.sorted())
            }
        } })
    }

    /// The references of these cases (those without one are left out), for listings that show cases the caller
    /// has already been allowed to see.
    public func caseReferences(_ ids: Set<String>) throws -> [String: String] {
        try store.read { tx in
            var found: [String: String] = [:]
            for id in ids { if let reference = try tx.caseRecord(id)?.reference { found[id] = reference } }
            return found
        }
    }

    /// Sets an organisation's case prefix (new cases use it; existing references never change, since letters and
    /// files quote them) and gives a reference to each of its cases opened before references existed.
    public func setCasePrefix(organisationID: OrganisationID, prefix: String) throws -> (prefix: String, referenced: Int) {
        let organisationID = organisationID.rawValue
        let prefix = prefix.trimmingCharacters(in: .whitespaces).uppercased()
        guard Self.isValidCasePrefix(prefix) else {
            throw VaultError.invalidInput("a case prefix is 2 to 6 capital letters or digits, starting with a letter (e.g. NCA); nothing was changed")
        }
        return try guarded { try store.write { tx in
            let account = try require(.organisationChange, roles: [.admin, .manager], subject: organisationID, in: tx)
            guard var organisation = try tx.organisation(organisationID) else { throw VaultError.notFound(kind: "organisation", id: organisationID) }
            try requireOwnOrganisation(account, of: organisationID, .organisationChange, subject: organisationID,
                                       reason: "this needs \(VaultOperation.organisationChange.who)")
            organisation.casePrefix = prefix
            try tx.update(organisation)
            var referenced = 0
            for var record in try tx.cases() where record.organisationID == organisationID && record.reference == nil {
                record.reference = try nextCaseReference(prefix: prefix, year: record.openedAt.prefix(4), in: tx)
                try tx.update(record)
                referenced += 1
            }
            try audit(event("organisation.update", details: ["organisation": organisationID, "case_prefix": prefix,
                                                             "cases_referenced": String(referenced)]), in: tx)
            return (prefix, referenced)
        } }
    }

    /// Records the NHS body's own reference for the complaint (sealed; the audit log says only that it changed).
    public func setTheirReference(caseID: CaseID, reference: String) throws {
        let caseID = caseID.rawValue
        let reference = reference.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reference.isEmpty, reference.count <= 100 else {
            throw VaultError.invalidInput("the NHS body's reference must be 1 to 100 characters; nothing was changed")
        }
        try guarded { try store.write { tx in
            guard var record = try tx.caseRecord(caseID) else { throw VaultError.notFound(kind: "case", id: caseID) }
            try requireMember(.caseChange, of: record, in: tx)
            guard record.caseStatus != .erased else { throw VaultError.caseNotOpen(id: caseID, status: record.status) }
            record.theirReferenceSealed = try KeyHierarchy.seal(Array(reference.utf8), fieldKey: try metadataFieldKey(tx), table: CaseRecord.tableName,
                                                                column: "their_reference", rowID: caseID)
            try tx.update(record)
            try audit(event("case.update", caseID: caseID, details: ["fields": "their_reference"]), in: tx)
        } }
    }

    func theirReference(_ record: CaseRecord, in tx: any VaultRecordReading) throws -> String? {
        guard let sealed = record.theirReferenceSealed else { return nil }
        do {
            return String(decoding: try KeyHierarchy.open(sealed, fieldKey: try metadataFieldKey(tx), table: CaseRecord.tableName,
                                                          column: "their_reference", rowID: record.id), as: UTF8.self)
        } catch {
            throw VaultError.damagedField(table: CaseRecord.tableName, column: "their_reference", rowID: record.id)
        }
    }
}
