import Foundation
import GRDB
import XCTest
@testable import VaultCrypto
@testable import VaultCore

/// Issue 18: `documents.kind = authority_evidence` said that a case holds an LPA, a deputyship order or a grant of
/// probate. Forms behind records are now `form` in clear, their precise kind sealed under the case key.
final class SealedDocumentKindTests: XCTestCase {
    func value(_ t: TemporaryVault, _ query: String) throws -> String? {
        try DatabaseQueue(path: t.paths.root + "/vault.db").read { try String.fetchOne($0, sql: query) }
    }

    func ingest(_ t: TemporaryVault, _ caseID: CaseID, _ name: String, kind: DocumentKind) throws -> DocumentID {
        let path = try t.file(name, Array("Lasting power of attorney for health and welfare.\n".utf8))
        return t.storedID(try t.vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: path)], options: .init(kind: kind))[0])
    }

    func testAFormsKindIsSealedAndEveryReaderSeesThePreciseKind() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(withConsent: true)
        let lpa = try ingest(t, caseID, "lpa.txt", kind: .authorityEvidence)
        XCTAssertEqual(try value(t, "SELECT kind FROM documents WHERE id = '\(lpa)'"), "form")
        XCTAssertEqual(try value(t, "SELECT count(*) FROM documents WHERE kind_sealed IS NOT NULL"), "2", "the consent form too")
        XCTAssertEqual(try value(t, "SELECT count(*) FROM documents WHERE kind IN ('consent_form', 'authority_evidence')"), "0")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: t.paths.root + "/vault.db"))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: t.paths.root + "/vault.db-wal")) { bytes += wal }
        XCTAssertNil(bytes.range(of: Data("authority_evidence".utf8)))
        XCTAssertEqual(Set(try t.vault.documents(caseID: caseID).map(\.kind)), ["consent_form", "authority_evidence"])
        XCTAssertEqual(try t.vault.documents(caseID: caseID, filter: .init(kinds: [.authorityEvidence])).map(\.id), [lpa])

        // Retagged to an ordinary kind the kind is in clear again, and the sealed one gone; back to a form, sealed again.
        _ = try t.vault.retagDocument(lpa, date: nil, kind: .letter)
        XCTAssertEqual(try value(t, "SELECT kind || '/' || (kind_sealed IS NULL) FROM documents WHERE id = '\(lpa)'"), "letter/1")
        _ = try t.vault.retagDocument(lpa, date: nil, kind: .authorityEvidence)
        XCTAssertEqual(try value(t, "SELECT kind || '/' || (kind_sealed IS NULL) FROM documents WHERE id = '\(lpa)'"), "form/0")
        let retags = try t.vault.store.read { try $0.auditEntries(caseID: caseID.rawValue, since: nil, actor: nil) }
            .filter { $0.event.action == "document.retag" }.compactMap { $0.event.details["kind"] }
        XCTAssertEqual(retags, ["form -> letter", "letter -> form"])

        // A new case key re-seals it; verify reads it; removal keeps the precise kind in the sealed tombstone only.
        _ = try t.vault.rekeyCase(caseID)
        XCTAssertEqual(try t.vault.documents(caseID: caseID, filter: .init(kinds: [.authorityEvidence])).map(\.id), [lpa])
        XCTAssertEqual(try t.reopen().verify(readData: true, repair: false, record: false).problems, [])
        XCTAssertEqual(try t.vault.removeDocument(lpa, reason: "filed on the wrong case").kind, "authority_evidence")
        let removed = try t.vault.store.read { try $0.auditEntries(caseID: caseID.rawValue, since: nil, actor: nil) }.last { $0.event.action == "document.remove" }
        XCTAssertEqual(removed?.event.details["kind"], "form")
    }

    /// A sealed kind deleted with sqlite3 leaves `form`, which no reader takes for a kind it knows; verify names it.
    func testALostSealedKindIsAnUnknownKindAndNamed() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let lpa = try ingest(t, caseID, "lpa.txt", kind: .authorityEvidence)
        try t.vault.writeCheckpoint()
        try DatabaseQueue(path: t.paths.root + "/vault.db").write { try $0.execute(sql: "UPDATE documents SET kind_sealed = NULL WHERE id = ?", arguments: [lpa.rawValue]) }
        let vault = try t.reopen()
        XCTAssertEqual(try vault.store.read { tx in try vault.view(try XCTUnwrap(try tx.document(lpa.rawValue)), tx: tx).kind }, "form")
        XCTAssertNil(DocumentKind(rawValue: "form"))
        let problems = try vault.verify(readData: false, repair: false, record: false).problems
        XCTAssertEqual(problems.map(\.id), ["document \(lpa)"], "\(problems)")
    }

    /// A form stored by an earlier release (its kind in clear) is sealed by the upgrade, once.
    func testTheUpgradeSealsAnEarlierFormsKind() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let lpa = try ingest(t, caseID, "lpa.txt", kind: .authorityEvidence)
        let vault = t.vault
        try vault.store.write { tx in
            var record = try XCTUnwrap(try tx.document(lpa.rawValue))
            let fieldKey = try KeyHierarchy.fieldKey(try vault.dataKey(scope: KeyHierarchy.caseScope(caseID.rawValue), version: record.caseKeyVersion, in: tx))
            let opened = try Vault.openDocumentFields(record, fieldKey: fieldKey)
            // As an earlier release sealed it: the clear kind in the binding, no sealed kind.
            record.kind = "authority_evidence"
            record.kindSealed = nil
            record.dateSourceSealed = try KeyHierarchy.seal(Array(opened.dateSource.utf8), fieldKey: fieldKey, table: "documents",
                                                            column: Vault.dateSourceColumn, rowID: lpa.rawValue, binding: record.clearFieldsBinding)
            record.originalNameSealed = try KeyHierarchy.seal(opened.name, fieldKey: fieldKey, table: "documents", column: "original_name",
                                                              rowID: lpa.rawValue, binding: record.clearFieldsBinding)
            try tx.update(record)
            try tx.setMeta(Vault.sealedColumnsMeta, "4")
        }
        try vault.writeCheckpoint()
        XCTAssertEqual(try value(t, "SELECT kind FROM documents WHERE id = '\(lpa)'"), "authority_evidence")

        let opened = try t.reopen()
        let events = try opened.store.read { try $0.auditEntries(caseID: nil, since: nil, actor: nil) }.filter { $0.event.action == "vault.seal_columns" }
        XCTAssertEqual(events.map { $0.event.details["forms"] }, ["1"])
        XCTAssertEqual(try value(t, "SELECT kind || '/' || (kind_sealed IS NULL) FROM documents WHERE id = '\(lpa)'"), "form/0")
        XCTAssertEqual(try opened.documents(caseID: caseID, filter: .init(kinds: [.authorityEvidence])).map(\.id), [lpa])
        XCTAssertEqual(try opened.verify(readData: true, repair: false, record: false).problems, [])
    }
}
