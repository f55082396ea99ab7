import Foundation
import VaultStorage

/// Columns that earlier releases kept in clear and this one seals (SECURITY.md, "What vault.db holds in clear").
/// A schema migration runs without keys, so it can only add the sealed columns; the values are sealed here, the first
/// time the vault is opened with its key file, in one ledgered write transaction: the `state.change` lines record
/// every rewritten row, so `verify` stays clean, and the clear columns are emptied in the same commit.
extension Vault {
    /// vault_meta key: how far the clear columns of this vault have been sealed (absent: not at all).
    static let sealedColumnsMeta = "sealed_columns"
    /// 1: the cases' NHS body and dates. 2: the documents' date source. 3: the organisations' names. 4: every sealed
    /// record bound to its ledger version, and person records made opaque (Vault+SealedRecordUpgrade). 5: the forms'
    /// precise kind (consent form, evidence of authority) sealed, `form` in clear. 6: a case's own records sealed under
    /// its case key (Vault+CaseSealedRecords; with a key file at once, with identities at each case's next rotation).
    static let sealedColumnsLevel = 6

    /// Seals what an earlier release left in clear; does nothing (and takes no write lock) once done.
    func sealClearColumns(reads: OpenReads? = nil) throws {
        let level = try reads.map { $0.meta[Self.sealedColumnsMeta].flatMap(Int.init) ?? 0 } ?? store.read { try Self.sealedLevel($0) }
        guard level < Self.sealedColumnsLevel else { return }
        try store.write { tx in
            // Checked again under the write lock: another process may have done it meanwhile.
            let level = try Self.sealedLevel(tx)
            guard level < Self.sealedColumnsLevel else { return }
            // A level the ledger knows but that was deleted or edited outside casevault: `verify` reports that, and
            // setting it again here would record the change as casevault's own.
            if try tx.recordState(kind: RecordKind.meta.rawValue, id: Self.sealedColumnsMeta)?.hash != nil {
                guard let stored = try tx.meta(Self.sealedColumnsMeta),
                      try Self.matchesLedger(.meta, Self.sealedColumnsMeta, stored, in: tx) else { return }
            }
            var details: [String: String] = [:]
            if level < 1 {
                let (sealed, left) = try sealCaseDetails(in: tx)
                details["cases"] = String(sealed)
                if !left.isEmpty { details["cases_left"] = left.joined(separator: ",") }
            }
            if level < 2 {
                let (sealed, left) = try sealDocumentFields(in: tx) { $0.dateSourceSealed == nil }
                details["documents"] = String(sealed)
                if !left.isEmpty { details["documents_left"] = left.joined(separator: ",") }
            }
            if level < 3 {
                let (sealed, left) = try sealOrganisationNames(in: tx)
                details["organisations"] = String(sealed)
                if !left.isEmpty { details["organisations_left"] = left.joined(separator: ",") }
            }
            if level < 4 {
                let upgrade = try upgradeSealedRecords(in: tx)
                details["sealed_records"] = String(upgrade.resealed)
                details["person_records"] = String(upgrade.moved)
                if !upgrade.left.isEmpty { details["sealed_records_left"] = upgrade.left.joined(separator: ",") }
            }
            if level < 5 {
                let (sealed, left) = try sealDocumentFields(in: tx) { Self.clearKind(of: $0.kind) != $0.kind }
                details["forms"] = String(sealed)
                if !left.isEmpty { details["forms_left"] = left.joined(separator: ",") }
            }
            if level < 6 {
                let (moved, left) = try moveCaseRowsUnderCaseKeys(in: tx)
                details["case_records"] = String(moved)
                if !left.isEmpty { details["case_records_left"] = left.joined(separator: ",") }
            }
            try tx.setMeta(Self.sealedColumnsMeta, String(Self.sealedColumnsLevel))
            try audit(event("vault.seal_columns", details: details), in: tx)
        }
    }

    static func sealedLevel(_ tx: any VaultRecordReading) throws -> Int {
        try tx.meta(sealedColumnsMeta).flatMap(Int.init) ?? 0
    }

    /// Whether the row is the one the state ledger last recorded. A row changed outside casevault is left as it is:
    /// rewriting it would record the change as casevault's own, and `verify` could no longer report it.
    static func matchesLedger<T: Encodable>(_ kind: RecordKind, _ id: String, _ value: T, in tx: any VaultRecordReading) throws -> Bool {
        guard let recorded = try tx.recordState(kind: kind.rawValue, id: id)?.hash else { return false }
        return recorded == Data(try StateHash.of(RecordKey(kind: kind, id: id), value))
    }

    private func sealCaseDetails(in tx: any VaultRecordWriting) throws -> (sealed: Int, left: [String]) {
        var sealed = 0
        var left: [String] = []
        for var record in try tx.cases() where record.hasClearDetails && record.detailsSealed == nil {
            guard try Self.matchesLedger(.caseRecord, record.id, record, in: tx) else {
                left.append(record.id)
                continue
            }
            // Under the case key when this account holds it; else (or for an erased case, whose key is gone) under the
            // metadata key, moved under the case key when the case's key is next rotated.
            do {
                guard record.caseStatus != .erased else { throw VaultError.keyNotHeld(scope: KeyHierarchy.caseScope(record.id), account: actor ?? "") }
                try setCaseDetails(CaseDetails(clearColumnsOf: record), on: &record, in: tx)
            } catch VaultError.keyNotHeld, VaultError.keyUnavailable {
                try setCaseDetails(CaseDetails(clearColumnsOf: record), on: &record, under: .metadataKey, in: tx)
            }
            try tx.update(record)
            sealed += 1
        }
        return (sealed, left)
    }

    private func sealOrganisationNames(in tx: any VaultRecordWriting) throws -> (sealed: Int, left: [String]) {
        var sealed = 0
        var left: [String] = []
        for var record in try tx.organisations() where record.nameSealed == nil {
            guard try Self.matchesLedger(.organisation, record.id, record, in: tx) else {
                left.append(record.id)
                continue
            }
            try sealOrganisationName(record.name, into: &record, in: tx)
            try tx.update(record)
            sealed += 1
        }
        return (sealed, left)
    }

    /// Re-seals the name, date source and kind of each document `needs` picks, under the case key version it is under
    /// (its kind and date source then sealed as this release seals them). A document whose key cannot be opened (its
    /// master key version destroyed) or whose row does not match the ledger is left.
    private func sealDocumentFields(in tx: any VaultRecordWriting, needs: (DocumentRecord) -> Bool) throws -> (sealed: Int, left: [String]) {
        var sealed = 0
        var left: [String] = []
        for var record in try tx.documents(caseID: nil) where needs(record) {
            guard try Self.matchesLedger(.document, record.id, record, in: tx),
                  let caseKey = try? dataKey(scope: KeyHierarchy.caseScope(record.caseID), version: record.caseKeyVersion, in: tx) else {
                left.append(record.id)
                continue
            }
            let fieldKey = try KeyHierarchy.fieldKey(caseKey)
            guard let opened = try? Self.openDocumentFields(record, fieldKey: fieldKey) else {
                left.append(record.id)
                continue
            }
            try Self.sealDocumentFields(name: opened.name, dateSource: opened.dateSource, kind: opened.kind, into: &record, fieldKey: fieldKey)
            try tx.update(record)
            sealed += 1
        }
        return (sealed, left)
    }
}
