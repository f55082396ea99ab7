import Foundation
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

extension Vault {
    public struct VerifyProblem: Codable, Sendable, Equatable {
        public let kind: String
        public let id: String
        public let message: String
    }

    public struct VerifyReport: Encodable, Sendable {
        public var problems: [VerifyProblem] = []
        public var orphans: [String] = []
        public var quarantined: [String] = []
        public var documentsChecked = 0
        public var wrappedKeysChecked = 0
        public var fieldsChecked = 0
        public var bytesDecrypted: Int64 = 0
        /// With identities: documents of cases the person holds no key to, checked from their ciphertext only.
        public var documentsCheckedWithoutKey = 0
        public var readData = false
        public var ok: Bool { problems.isEmpty }

        enum CodingKeys: String, CodingKey {
            case problems, orphans, quarantined, ok
            case documentsChecked = "documents_checked"
            case wrappedKeysChecked = "wrapped_keys_checked"
            case fieldsChecked = "fields_checked"
            case bytesDecrypted = "bytes_decrypted"
            case documentsCheckedWithoutKey = "documents_checked_without_key"
            case readData = "read_data"
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(problems, forKey: .problems)
            try c.encode(orphans, forKey: .orphans)
            try c.encode(quarantined, forKey: .quarantined)
            try c.encode(ok, forKey: .ok)
            try c.encode(documentsChecked, forKey: .documentsChecked)
            try c.encode(wrappedKeysChecked, forKey: .wrappedKeysChecked)
            try c.encode(fieldsChecked, forKey: .fieldsChecked)
            try c.encode(bytesDecrypted, forKey: .bytesDecrypted)
            if documentsCheckedWithoutKey > 0 { try c.encode(documentsCheckedWithoutKey, forKey: .documentsCheckedWithoutKey) }
            try c.encode(readData, forKey: .readData)
        }
    }

    /// Like `restic check`: the database checks itself; every wrapped key unwraps; every personal field
    /// opens; the audit chain holds; every document has its blob with the recorded size and SHA-256, its key
    /// unwraps and its commitment and final chunk check. With `readData`, every chunk decrypts. Blobs and temp files
    /// without a row are reported as orphans, and with `repair` moved to `quarantine/`.
    /// `record: false` leaves no audit event: for the reliability sweeps, which verify after every one of
    /// thousands of changes and would otherwise make the chain (and each verify) grow with every step.
    /// Blobs are checked on `blobWorkers` threads (nil: both cores); 0 checks them all on the calling thread, in turn.
    public func verify(readData: Bool, repair: Bool, record: Bool = true, blobWorkers: Int? = nil) throws -> VerifyReport {
        // Checking shows no personal data, so the key alone is enough; repairing moves files and needs an administrator.
        if repair { try requireMaintenance() }
        var report = VerifyReport()
        report.readData = readData
        for problem in try store.integrityProblems() {
            report.problems.append(VerifyProblem(kind: "database", id: "vault.db", message: problem))
        }
        let (documents, wrappers, people, advocates) = try store.read { tx in
            (try tx.documents(caseID: nil), try tx.wrappers(), try tx.people(), try tx.advocates())
        }
        let holders = try store.read { tx in try Self.wrapperHolders(in: tx) }
        for wrapper in wrappers {
            report.wrappedKeysChecked += 1
            do {
                // With identities only one's own wrappers open; anyone else's is checked for shape and a known holder.
                if let own = hierarchy.unlock.identity, wrapper.wrapperKind != KeyRecipient.Kind.identity.rawValue || wrapper.wrapperID != own.accountID {
                    try Self.checkForeignWrapper(wrapper, holders: holders)
                } else {
                    _ = try hierarchy.unwrap([wrapper])
                }
            } catch {
                report.problems.append(VerifyProblem(kind: "wrapped_key", id: "\(wrapper.scope)#\(wrapper.version)@\(wrapper.wrapperKind):\(wrapper.wrapperID)",
                                                     message: Self.describe(error)))
            }
        }
        do {
            let key = try store.read { try metadataFieldKey($0) }
            try store.read { tx in
                for person in people where person.erasedAt == nil {
                    // Someone kept under a key this identity does not hold (another organisation's, or a case's it is not
                    // on) is checked by the state ledger's hash only, as other cases' records are.
                    do { _ = try view(person, in: tx); report.fieldsChecked += 1 } catch VaultError.keyNotHeld {
                        continue
                    } catch {
                        report.problems.append(VerifyProblem(kind: "person", id: person.id, message: Self.describe(error)))
                    }
                }
            }
            for advocate in advocates {
                do {
                    _ = try KeyHierarchy.open(advocate.nameSealed, fieldKey: key, table: "advocates", column: "name", rowID: advocate.id)
                    report.fieldsChecked += 1
                } catch {
                    report.problems.append(VerifyProblem(kind: "advocate", id: advocate.id, message: Self.describe(error)))
                }
            }
            // Consent records: each sealed payload must open under its own row id, type, case and person.
            try store.read { tx in
                for record in try tx.organisations() where record.nameSealed != nil {
                    do { _ = try opened(record, in: tx); report.fieldsChecked += 1 } catch {
                        report.problems.append(VerifyProblem(kind: "organisation", id: record.id, message: Self.describe(error)))
                    }
                }
                for record in try tx.cases() where record.detailsSealed != nil {
                    do { _ = try caseDetails(record, in: tx); report.fieldsChecked += 1 } catch VaultError.keyNotHeld {
                        continue
                    } catch {
                        report.problems.append(VerifyProblem(kind: "case", id: record.id, message: Self.describe(error)))
                    }
                }
                let heldCases = try heldCaseKeys(in: tx)
                for record in try tx.consentRecords(type: nil, caseID: nil, personID: nil) {
                    if let heldCases, let caseID = record.caseID, !heldCases.contains(caseID), record.sealed.starts(with: Self.caseKeyTag) {
                        // Another case's record, under a key this identity does not hold: its shape only (the state
                        // ledger's hash, checked above, covers its bytes).
                        if record.sealed.count < Self.caseKeyTag.count + 4 + 28 {
                            report.problems.append(VerifyProblem(kind: "consent_record", id: record.id, message: "the sealed value is too short"))
                        }
                        continue
                    }
                    do {
                        if record.recordType == ConsentRecordType.documentListing.rawValue {
                            // Binary, not JSON (Vault+DocumentListing): it must open and decode as a head or a segment.
                            let payload = Array(try openUnderCaseKey(record, type: .documentListing, in: tx))
                            if record.id == Self.listingHeadID(record.caseID ?? "") {
                                _ = try DocumentListingFormat.decodeHead(payload)
                            } else {
                                _ = try DocumentListingFormat.decodeSegment(payload)
                            }
                        } else {
                            _ = try openConsent(record, as: ConsentPayloadProbe.self, in: tx)
                        }
                        report.fieldsChecked += 1
                    } catch VaultError.keyNotHeld where record.sealed.starts(with: Self.personKeyTag) || record.sealed.starts(with: Self.caseKeyTag) {
                        // A person of another organisation, or a case's record under a version this identity lacks:
                        // the state ledger's hash, checked above, covers its bytes.
                        continue
                    } catch {
                        report.problems.append(VerifyProblem(kind: "consent_record", id: record.id, message: Self.describe(error)))
                    }
                }
            }
        } catch {
            report.problems.append(VerifyProblem(kind: "wrapped_key", id: KeyHierarchy.vaultScope, message: Self.describe(error)))
        }

        // Blobs are read, hashed and decrypted on worker threads while this one reads each row and unwraps its key; the
        // problems are reported in the documents' order, as one thread would find them.
        let held = try store.read { tx in try heldCaseKeys(in: tx) }
        let checks = BlobCheckPool(workers: blobWorkers ?? BlobCheckPool.defaultWorkers)
        var unprepared: [Int: any Error] = [:]
        for (index, document) in documents.enumerated() {
            report.documentsChecked += 1
            do {
                checks.add(try blobCheck(document, readData: readData, keyHeld: held?.contains(document.caseID) ?? true), at: index)
            } catch {
                unprepared[index] = error
            }
        }
        let checked = checks.finish()
        report.bytesDecrypted += checked.bytesDecrypted
        report.documentsCheckedWithoutKey += checked.checkedWithoutKey
        for (index, document) in documents.enumerated() {
            if let error = unprepared[index] ?? checked.failures[index] {
                report.problems.append(VerifyProblem(kind: "document", id: document.id, message: Self.describe(error)))
            }
        }

        let chainCheck = try verifyAudit(external: nil)
        if !chainCheck.ok {
            report.problems.append(VerifyProblem(kind: "audit_log", id: chainCheck.breakKind ?? "audit", message: chainCheck.message ?? "audit log broken"))
        }
        report.problems += try stateProblems()

        let known = Set(documents.map(\.id))
        let stored = try blobs.storedDocumentIDs()
        var orphanPaths = stored.filter { !known.contains($0.key) }.map(\.value).sorted()
        orphanPaths += blobs.temporaryLeftovers().sorted()
        report.orphans = orphanPaths
        if repair {
            for path in orphanPaths {
                try blobs.quarantine(path)
                report.quarantined.append(path)
            }
        }
        guard record || repair else { return report }
        try audit(event("vault.verify", outcome: report.ok ? .success : .failure,
                        details: ["problems": String(report.problems.count), "orphans": String(report.orphans.count),
                                  "quarantined": String(report.quarantined.count), "documents": String(report.documentsChecked),
                                  "read_data": String(readData)]))
        return report
    }

    /// What needs the database and keys: the sealed name opens and the document key unwraps. Then what is left to
    /// check in the blob. Without the case's key (another case's document, with identities) only the ciphertext is
    /// checked: its size and SHA-256.
    private func blobCheck(_ document: DocumentRecord, readData: Bool, keyHeld: Bool) throws -> BlobCheck {
        let key = keyHeld ? try store.read { tx in
            _ = try view(document, tx: tx)
            let caseKey = try dataKey(scope: KeyHierarchy.caseScope(document.caseID), version: document.caseKeyVersion, in: tx)
            return try hierarchy.unwrapDocumentKey(document, caseKey: caseKey)
        } : nil
        return BlobCheck(documentID: document.id, path: blobs.path(for: document.id), ciphertextSize: document.ciphertextSize,
                         ciphertextSHA256: Array(document.ciphertextSHA256), plaintextSize: document.size, key: key,
                         context: keyHeld ? hierarchy.documentContext(documentID: document.id) : [],
                         depth: readData ? .everyChunk : .ends)
    }
}

/// Decodes any JSON object: verify only needs to know that a consent payload opens and parses.
struct ConsentPayloadProbe: Decodable {
    init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: AnyCodingKey.self)
    }

    struct AnyCodingKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
