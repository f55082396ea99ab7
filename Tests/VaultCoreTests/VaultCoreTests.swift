import Foundation
import Consent
import GRDB
import XCTest
@testable import VaultCrypto
@testable import VaultCore

final class VaultCoreTests: XCTestCase {
    func testRoundTripsAtChunkBoundarySizes() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        for size in [0, 1, 16383, 16384, 16385, 32768, 1 << 20 + 7] {
            let bytes = pattern(size, seed: UInt64(size) + 3)
            let results = try t.ingest(caseID, [try t.file("size-\(size).bin", bytes)])
            let id = t.storedID(results[0])
            XCTAssertEqual(try t.vault.plaintext(documentID: id), bytes, "size \(size)")
            XCTAssertEqual(try t.reopen().plaintext(documentID: id), bytes, "size \(size) after reopening")
            XCTAssertEqual(try t.vault.document(id).size, Int64(size))
        }
        XCTAssertTrue(try t.vault.verify(readData: true, repair: false).ok)
    }

    func testNoPlaintextMarkerAnywhereInTheVault() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(client: "Zebedee Quartermaine")
        let marker = "UNIQUE-MARKER-7f3a9c-\(UUID().uuidString)"
        _ = try t.vault.addPerson(.init(name: "Marker \(marker)", nhsNumber: "9434765919", address: "1 \(marker) Street"))
        _ = try t.ingest(caseID, [try t.file("\(marker).txt", Array("Letter about \(marker)\n".utf8) + pattern(40000, seed: 1) + Array(marker.utf8))])
        let needles = [marker, Data(marker.utf8).base64EncodedString(), Data(marker.utf8).map { String(format: "%02x", $0) }.joined(),
                       "Zebedee", "9434765919"]
        let files = t.allVaultFiles()
        XCTAssertTrue(files.contains { $0.hasSuffix("vault.db") })
        for path in files {
            let contents = try Data(contentsOf: URL(fileURLWithPath: path))
            for needle in needles {
                XCTAssertNil(contents.range(of: Data(needle.utf8)), "\(needle) found in \(path)")
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.paths.root + "/tmp"), [], "no temp file left")
    }

    func testSwappedBlobsWrappedKeysAndFieldsAreRejected() throws {
        let t = try TemporaryVault()
        let caseA = try t.openCase(), caseB = try t.openCase(client: "Peter Hart")
        let a1 = t.storedID(try t.ingest(caseA, [try t.file("a1.txt", pattern(20000, seed: 1))])[0])
        let a2 = t.storedID(try t.ingest(caseA, [try t.file("a2.txt", pattern(20000, seed: 2))])[0])
        let b1 = t.storedID(try t.ingest(caseB, [try t.file("b1.txt", pattern(20000, seed: 3))])[0])

        // Blob of a1 copied over a2 (same size): the commitment binds the document id.
        try FileManager.default.removeItem(atPath: t.vault.blobs.path(for: a2.rawValue))
        try FileManager.default.copyItem(atPath: t.vault.blobs.path(for: a1.rawValue), toPath: t.vault.blobs.path(for: a2.rawValue))
        XCTAssertThrowsError(try t.vault.plaintext(documentID: a2)) { error in
            guard case VaultError.blobDamaged(let id, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(id, a2.rawValue)
        }
        XCTAssertEqual(try t.vault.plaintext(documentID: a1), pattern(20000, seed: 1))

        // Wrapped document key moved between documents of one case, and across cases.
        let store = t.vault.store
        func swapColumn(_ column: String, _ from: String, _ to: String) throws {
            let queue = try DatabaseQueue(path: t.paths.root + "/vault.db")
            try queue.write { db in
                let value = try Data.fetchOne(db, sql: "SELECT \(column) FROM documents WHERE id = ?", arguments: [from])
                try db.execute(sql: "UPDATE documents SET \(column) = ? WHERE id = ?", arguments: [value, to])
            }
        }
        _ = store
        try swapColumn("wrapped_key", b1.rawValue, a1.rawValue)
        XCTAssertThrowsError(try t.reopen().plaintext(documentID: a1)) { error in
            XCTAssertEqual(error as? VaultError, .damagedDocumentKey(documentID: a1.rawValue))
        }
        try swapColumn("original_name_sealed", a2.rawValue, b1.rawValue)
        XCTAssertThrowsError(try t.reopen().document(b1)) { error in
            XCTAssertEqual(error as? VaultError, .damagedField(table: "documents", column: "original_name", rowID: b1.rawValue))
        }
        // A case key wrapper moved to another case.
        let queue = try DatabaseQueue(path: t.paths.root + "/vault.db")
        try queue.write { db in
            let sealed = try Data.fetchOne(db, sql: "SELECT sealed FROM key_wrappers WHERE scope = ?", arguments: ["case:" + caseA.rawValue])
            try db.execute(sql: "UPDATE key_wrappers SET sealed = ? WHERE scope = ?", arguments: [sealed, "case:" + caseB.rawValue])
        }
        XCTAssertThrowsError(try t.reopen().plaintext(documentID: b1)) { error in
            XCTAssertEqual(error as? VaultError, .damagedKey(scope: "case:" + caseB.rawValue, version: 1))
        }
        let report = try t.reopen().verify(readData: true, repair: false)
        XCTAssertFalse(report.ok)
        XCTAssertTrue(report.problems.contains { $0.id == a2.rawValue })
        XCTAssertTrue(report.problems.contains { $0.id == a1.rawValue })
        XCTAssertTrue(report.problems.contains { $0.kind == "wrapped_key" && $0.id.hasPrefix("case:" + caseB.rawValue) })
    }

    func testPersonFieldsAreSealedAndFoundThroughBlindIndexes() throws {
        let t = try TemporaryVault()
        try t.actAsAdvocate()
        let id = try t.vault.addPerson(.init(name: "Joanne  Ellis", dob: "1975-06-01", nhsNumber: "943 476 5919", address: "4 Elm Road, NR1 3XX",
                                             phone: "07700 900123", email: "joanne@example.org")).rawValue
        XCTAssertEqual(try t.vault.findPeople(nhsNumber: "9434765919", name: nil).map(\.id), [id])
        XCTAssertEqual(try t.vault.findPeople(nhsNumber: nil, name: "joanne ellis").map(\.id), [id])
        XCTAssertEqual(try t.vault.findPeople(nhsNumber: nil, name: "Joanne Elliss").count, 0)
        let view = try t.reopen().person(PersonID(id))
        XCTAssertEqual(view.phone, "07700 900123")
        XCTAssertEqual(view.nhsNumber, "9434765919")
        XCTAssertThrowsError(try t.vault.addPerson(.init(name: "X", nhsNumber: "9434765918"))) { error in
            XCTAssertEqual(error as? VaultError, .invalidInput("that NHS number's check digit is wrong (a typo?)"))
        }
        XCTAssertThrowsError(try t.vault.addPerson(.init(name: "X", dob: "14/03/1946")))
    }

    func testRotationThenRetireThenEverythingStillDecrypts() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let ids = try t.ingest(caseID, [try t.file("a.txt", pattern(5000, seed: 9)), try t.file("b.txt", pattern(70000, seed: 8))]).map { t.storedID($0) }
        XCTAssertThrowsError(try t.asManager().retireMasterKey(version: 1)) { error in
            guard case VaultError.keyVersionInUse(1, _) = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try t.asManager().rotateMasterKey(), 2)
        XCTAssertEqual(try t.vault.masterKeyUsage().keys.sorted(), [2])
        try t.asManager().retireMasterKey(version: 1)
        let reopened = try t.reopen()
        XCTAssertEqual(reopened.keyFile?.masterKeys.first { $0.version == 1 }?.status, .destroyed)
        let destroyed = reopened.keyFile?.masterKeys.first { $0.version == 1 }
        XCTAssertNil(destroyed?.key)
        XCTAssertNil(destroyed?.sealedKey)
        XCTAssertTrue(try reopened.verifyAudit(external: nil).ok, "the audit key is not version 1: the log still verifies")
        XCTAssertEqual(try reopened.plaintext(documentID: ids[1]), pattern(70000, seed: 8))
        // New cases after rotation are wrapped under version 2 only.
        let second = try t.openCase(client: "Peter Hart")
        let doc = t.storedID(try t.ingest(second, [try t.file("c.txt", pattern(10, seed: 1))])[0])
        XCTAssertEqual(try t.reopen().plaintext(documentID: doc), pattern(10, seed: 1))
        XCTAssertTrue(try t.reopen().verify(readData: true, repair: false).ok)

        // Rekeying a case rewraps its documents and destroys the old case key version.
        XCTAssertEqual(try t.asManager().rekeyCase(caseID), 2)
        let afterRekey = try t.reopen()
        XCTAssertEqual(try afterRekey.plaintext(documentID: ids[0]), pattern(5000, seed: 9))
        XCTAssertEqual(try afterRekey.document(ids[0]).caseKeyVersion, 2)
        XCTAssertEqual(try afterRekey.store.read { try $0.dataKeyVersions(scope: "case:" + caseID.rawValue) }, [2])
    }

    func testEraseMakesTheCaseUndecryptableAndOthersStillVerify() throws {
        let t = try TemporaryVault()
        let erased = try t.openCase(), kept = try t.openCase(client: "Peter Hart")
        let gone = t.storedID(try t.ingest(erased, [try t.file("gone.txt", pattern(30000, seed: 4))])[0])
        let blob = try Data(contentsOf: URL(fileURLWithPath: t.vault.blobs.path(for: gone.rawValue)))
        let stays = t.storedID(try t.ingest(kept, [try t.file("stays.txt", pattern(30000, seed: 5))])[0])
        let wrappedBefore = try t.vault.store.read { try $0.wrappers(scope: "case:" + erased.rawValue, version: 1) }
        let report = try t.asManager().eraseCase(erased, reason: "erasure request")
        XCTAssertEqual(report.documentsErased, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.vault.blobs.path(for: gone.rawValue)))
        XCTAssertThrowsError(try t.vault.document(gone))
        XCTAssertEqual(try t.vault.store.read { try $0.wrappers(scope: "case:" + erased.rawValue, version: 1) }.count, 0)
        XCTAssertEqual(try t.vault.store.read { try $0.tombstone(erased.rawValue) }?.documentCount, 1)
        XCTAssertEqual(try t.asManager().caseDetail(erased).status, "erased")
        // Even with the old blob and the old wrapper put back, nothing in the vault can open the key now
        // that its data-key row is gone; the saved wrapper (as in an older backup) needs master version 1,
        // which opens it until `keys retire 1` destroys that version (SECURITY.md, "Erasure and backups").
        XCTAssertEqual(wrappedBefore.count, 1)
        XCTAssertGreaterThan(blob.count, 0)
        XCTAssertEqual(try t.reopen().plaintext(documentID: stays), pattern(30000, seed: 5))
        XCTAssertTrue(try t.reopen().verify(readData: true, repair: false).ok)
    }

    func testBackupRestoreVerifyReadDataIsClean() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let ids = try t.ingest(caseID, (0..<5).map { try t.file("f\($0).txt", pattern(9000 * $0 + 1, seed: UInt64($0))) }).map { t.storedID($0) }
        let backup = t.directory.appendingPathComponent("backup").path
        let report = try t.asManager().backup(to: backup, includeKeyFile: false)
        XCTAssertEqual(report.documents, 5)
        XCTAssertFalse(FileManager.default.fileExists(atPath: backup + "/keys.json"), "no key file unless asked")
        XCTAssertThrowsError(try t.asManager().backup(to: backup, includeKeyFile: false), "refuses a non-empty destination")

        // verify works on the backup itself (with the vault's key file).
        let onBackup = try Vault(try VaultSetup.open(paths: VaultPaths(root: backup, keyFile: t.paths.keyFile)) { throw KeyFileError.passphraseRequired })
        XCTAssertTrue(try onBackup.verify(readData: true, repair: false).ok)

        let restoredPaths = VaultPaths(root: t.directory.appendingPathComponent("restored").path, keyFile: t.paths.keyFile)
        XCTAssertEqual(try Vault.restore(from: backup, to: restoredPaths), 5)
        let restored = try Vault(try VaultSetup.open(paths: restoredPaths) { throw KeyFileError.passphraseRequired }, actor: t.advocateID)
        restored.acknowledged = RuleID.allCases
        let verified = try restored.verify(readData: true, repair: false)
        XCTAssertTrue(verified.ok, "\(verified.problems)")
        XCTAssertEqual(verified.documentsChecked, 5)
        XCTAssertEqual(try restored.plaintext(documentID: ids[4]), pattern(36001, seed: 4))
    }

    func testDuplicatesAreReportedNotStoredTwice() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase(), other = try t.openCase(client: "Peter Hart")
        let bytes = pattern(1234, seed: 77)
        let first = try t.ingest(caseID, [try t.file("one.txt", bytes), try t.file("two.txt", bytes)])
        let id = t.storedID(first[0])
        guard case .duplicate(let of) = first[1].outcome else { return XCTFail("\(first[1].outcome)") }
        XCTAssertEqual(of, id)
        guard case .duplicate = try t.ingest(caseID, [try t.file("three.txt", bytes)])[0].outcome else { return XCTFail() }
        if case .stored = try t.ingest(other, [try t.file("four.txt", bytes)])[0].outcome {} else { XCTFail("another case may hold the same content") }
        if case .stored = try t.ingest(caseID, [try t.file("five.txt", bytes)], allowDuplicate: true)[0].outcome {} else { XCTFail() }
        XCTAssertEqual(try t.vault.documents(caseID: caseID).count, 2)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.paths.root + "/tmp"), [])
    }

    func testOrphanBlobsAreReportedAndQuarantinedNeverDeleted() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        _ = try t.ingest(caseID, [try t.file("a.txt", pattern(100, seed: 1))])
        // A crash between the blob's rename and the row's commit leaves exactly this.
        let orphan = t.vault.blobs.path(for: "doc-00aa00aa00aa00aa")
        try FileManager.default.createDirectory(atPath: (orphan as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(pattern(500, seed: 2)).write(to: URL(fileURLWithPath: orphan))
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: t.paths.root + "/tmp/doc-11.tmp"))
        let report = try t.vault.verify(readData: false, repair: false)
        XCTAssertTrue(report.ok, "orphans are not damage")
        XCTAssertEqual(report.orphans.count, 2)
        let repaired = try t.asManager().verify(readData: false, repair: true)
        XCTAssertEqual(repaired.quarantined.count, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: t.paths.root + "/quarantine/doc-00aa00aa00aa00aa"))
        XCTAssertEqual(try t.vault.verify(readData: false, repair: false).orphans, [])
    }

    func testMissingTruncatedAndCorruptBlobsAreNamedAndNeverYieldPlaintext() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let ids = try t.ingest(caseID, (0..<3).map { try t.file("d\($0).txt", pattern(40000, seed: UInt64($0))) }).map { t.storedID($0) }
        try FileManager.default.removeItem(atPath: t.vault.blobs.path(for: ids[0].rawValue))
        let truncate = try FileHandle(forWritingTo: URL(fileURLWithPath: t.vault.blobs.path(for: ids[1].rawValue)))
        try truncate.truncate(atOffset: 16456)
        try truncate.close()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: t.vault.blobs.path(for: ids[2].rawValue)))
        bytes[30000] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: t.vault.blobs.path(for: ids[2].rawValue)))
        XCTAssertThrowsError(try t.vault.plaintext(documentID: ids[0])) { XCTAssertEqual($0 as? VaultError, .blobMissing(documentID: ids[0].rawValue)) }
        XCTAssertThrowsError(try t.vault.plaintext(documentID: ids[1])) { error in
            guard case VaultError.blobWrongSize(ids[1].rawValue, _, 16456) = error else { return XCTFail("\(error)") }
        }
        var partial = ArraySink()
        XCTAssertThrowsError(try t.vault.decrypt(documentID: ids[2], to: &partial))
        XCTAssertEqual(Array(partial.bytes), Array(pattern(40000, seed: 2).prefix(partial.bytes.count)), "only authentic chunks were released")
        let report = try t.vault.verify(readData: true, repair: false)
        XCTAssertEqual(Set(report.problems.map(\.id)), Set(ids.map(\.rawValue)))
    }

    func testNewerDatabaseFormatAndForeignDatabaseAreRefused() throws {
        let t = try TemporaryVault()
        let queue = try DatabaseQueue(path: t.paths.root + "/vault.db")
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('v99-from-the-future')") }
        XCTAssertThrowsError(try t.reopen()) { XCTAssertEqual($0 as? StoreError, .newerSchema) }

        try queue.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v99-from-the-future'") }

        // Another vault's database (a self-contained copy) put in place of this one's.
        let other = try TemporaryVault()
        let foreign = t.directory.appendingPathComponent("foreign.db").path
        try t.vault.store.backup(to: foreign)
        func replaceDatabase(of vault: TemporaryVault, with path: String) throws {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: vault.paths.root + "/vault.db" + suffix) }
            try FileManager.default.copyItem(atPath: path, toPath: vault.paths.root + "/vault.db")
            chmod(vault.paths.root + "/vault.db", 0o600)
        }
        try replaceDatabase(of: other, with: foreign)
        XCTAssertThrowsError(try other.reopen()) { error in
            guard case VaultError.invalidInput(let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("belongs to vault"))
        }
        let garbage = t.directory.appendingPathComponent("garbage.db").path
        try Data(pattern(8192, seed: 5)).write(to: URL(fileURLWithPath: garbage))
        try replaceDatabase(of: other, with: garbage)
        XCTAssertThrowsError(try other.reopen()) { error in
            XCTAssertEqual(error as? StoreError, .notADatabase(path: "vault.db"))
        }
    }

    func testDocumentDatesAndKindsAreClassified() {
        XCTAssertEqual(DocumentClassifier.documentDate(mediaType: "message/rfc822",
                                                      head: Array("From: a\nDate: Tue, 18 Feb 2025 09:14:00 +0000\n\nbody 1 March 2020".utf8))?.date,
                       "2025-02-18")
        XCTAssertEqual(DocumentClassifier.documentDate(mediaType: "text/plain", head: Array("Complaints Team\n\n2 March 2025\n".utf8))?.date, "2025-03-02")
        XCTAssertEqual(DocumentClassifier.documentDate(mediaType: "text/plain", head: Array("Ref 12/03/2024 visit".utf8))?.date, "2024-03-12")
        XCTAssertNil(DocumentClassifier.documentDate(mediaType: "text/plain", head: Array("31 February 2025".utf8)))
        XCTAssertEqual(DocumentClassifier.documentDate(mediaType: "text/plain",
                                                      head: Array("Date of birth: 14 March 1946\nValid until 31 March 2026\nDate: 20 February 2025".utf8))?.date,
                       "2025-02-20", "a date of birth or an expiry is not the document's date")
        XCTAssertEqual(DocumentClassifier.kind(fileName: "third-party-consent-form.txt", mediaType: "text/plain"), .consentForm)
        XCTAssertEqual(DocumentClassifier.kind(fileName: "pals.eml", mediaType: "message/rfc822"), .email)
        XCTAssertEqual(DocumentClassifier.kind(fileName: "lasting-power-of-attorney.pdf", mediaType: "application/pdf"), .authorityEvidence)
        XCTAssertEqual(DocumentClassifier.kind(fileName: "2025-04-10-meeting-notes.md", mediaType: "text/markdown"), .meetingNotes)
        XCTAssertEqual(DocumentClassifier.mediaType(fileName: "scan", head: Array("%PDF-1.7".utf8)), "application/pdf")
    }

    /// A file's name is believed only where its first bytes agree: a `.pdf` that is not a PDF is stored as what
    /// it is (or as unknown), with kind `other` and a sentence saying so.
    func testContentThatContradictsTheNameIsNotBelieved() {
        XCTAssertEqual(DocumentClassifier.mediaType(fileName: "letter.pdf", head: Array("oops\n".utf8)), "application/octet-stream")
        XCTAssertEqual(DocumentClassifier.kind(fileName: "letter.pdf", mediaType: "application/octet-stream"), .other)
        XCTAssertEqual(DocumentClassifier.kind(fileName: "consent.pdf", mediaType: "application/octet-stream"), .other, "not even by its name")
        XCTAssertEqual(DocumentClassifier.mismatch(fileName: "letter.pdf", mediaType: "application/octet-stream"),
                       "its name ends in .pdf but its content is not a .pdf file; it was stored as kind 'other'")
        XCTAssertEqual(DocumentClassifier.mediaType(fileName: "photo.PDF", head: [0x89, 0x50, 0x4E, 0x47, 0x0D]), "image/png")
        XCTAssertEqual(DocumentClassifier.mediaType(fileName: "scan.jpg", head: Array("%PDF-1.4".utf8)), "application/pdf")
        XCTAssertEqual(DocumentClassifier.mediaType(fileName: "empty.pdf", head: []), "application/octet-stream")
        // What readers accept stays accepted: a PDF header after some junk, a docx (a zip), text of any kind.
        XCTAssertEqual(DocumentClassifier.mediaType(fileName: "mail.pdf", head: Array("\r\n\r\n%PDF-1.3\n".utf8)), "application/pdf")
        XCTAssertEqual(DocumentClassifier.mediaType(fileName: "a.docx", head: [0x50, 0x4B, 0x03, 0x04, 0x14]),
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        XCTAssertEqual(DocumentClassifier.mediaType(fileName: "notes.txt", head: [0xFF, 0xFE, 0x00]), "text/plain")
        XCTAssertNil(DocumentClassifier.mismatch(fileName: "letter.pdf", mediaType: "application/pdf"))
        XCTAssertNil(DocumentClassifier.mismatch(fileName: "noname", mediaType: "application/octet-stream"))
    }

    /// A large sparse file streams through in constant memory (CASEVAULT_SPARSE_GIB: 1 in CI, 5 in soak).
    func testLargeSparseFileRoundTripsInConstantMemory() throws {
        let gib = Int(ProcessInfo.processInfo.environment["CASEVAULT_SPARSE_GIB"] ?? "") ?? 1
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        let path = try t.file("sparse.bin", [])
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: UInt64(gib) << 30)
        try handle.seek(toOffset: (UInt64(gib) << 30) - 5)
        handle.write(Data("tail!".utf8))
        try handle.close()
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakBefore = usage.ru_maxrss
        let id = t.storedID(try t.vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: path)], options: .init())[0])
        var sink = CountingSink()
        try t.vault.decrypt(documentID: id, to: &sink)
        getrusage(RUSAGE_SELF.rawValue, &usage)
        XCTAssertEqual(sink.count, Int64(gib) << 30)
        XCTAssertLessThan(usage.ru_maxrss - peakBefore, 64 * 1024, "peak RSS grew by \(usage.ru_maxrss - peakBefore) KiB")
        let reader = try CobblestoneReader(source: try FileDescriptorRandomAccess(fd: open(t.vault.blobs.path(for: id.rawValue), O_RDONLY)),
                                           key: try t.vault.store.read { tx in
                                               try t.vault.hierarchy.unwrapDocumentKey(try XCTUnwrap(try tx.document(id.rawValue)),
                                                   caseKey: try t.vault.dataKey(scope: KeyHierarchy.caseScope(caseID.rawValue), version: 1, in: tx)) },
                                           context: t.vault.hierarchy.documentContext(documentID: id.rawValue))
        XCTAssertEqual(try reader.read(offset: (UInt64(gib) << 30) - 5, count: 10), Array("tail!".utf8))
    }

    func testAFileThatChangesWhileReadIsRefused() throws {
        let t = try TemporaryVault()
        let caseID = try t.openCase()
        // /proc files claim size 0 but yield bytes: exactly what a file growing during the read looks like.
        let results = try t.vault.ingest(caseID: caseID, files: [Vault.IngestFile(path: "/proc/self/status")], options: .init())
        guard case .failed(let message) = results[0].outcome else { return XCTFail("\(results[0].outcome)") }
        XCTAssertTrue(message.contains("changed while it was being read"), message)
        XCTAssertEqual(try t.vault.documents(caseID: caseID).count, 0)
        XCTAssertEqual(try t.vault.blobs.storedDocumentIDs().count, 0, "its blob was not kept")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: t.paths.root + "/tmp"), [])
    }

    func testDisplayNamesEscapeControlCharactersAndInvalidUTF8() {
        XCTAssertEqual(DisplayText.escaped(bytes: Array("a\nb".utf8)), "a\\u{A}b")
        XCTAssertEqual(DisplayText.escaped(bytes: [0x66, 0xFF, 0x67]), "f\\xffg")
        XCTAssertEqual(DisplayText.escaped(bytes: Array("Zoë’s letter.txt".utf8)), "Zoë’s letter.txt")
        // The same routine for bytes and for text: a name reads the same in every message and listing.
        let name = "evil\u{1B}]0;x\u{7}\u{9B}31m\u{202E}txt.exe\r\n"
        XCTAssertEqual(DisplayText.escaped(bytes: Array(name.utf8)), DisplayText.escaped(name))
        XCTAssertEqual(DisplayText.escaped(name), "evil\\u{1B}]0;x\\u{7}\\u{9B}31m\\u{202E}txt.exe\\u{D}\\u{A}")
        XCTAssertEqual(DisplayText.escaped("line one\r\nline two\tend", keepingLineBreaks: true), "line one\r\nline two\tend")
        XCTAssertEqual(DisplayText.escaped(bytes: [0xE2, 0x82]), "\\xe2\\x82", "a cut-off sequence is bytes, not text")
    }
}
