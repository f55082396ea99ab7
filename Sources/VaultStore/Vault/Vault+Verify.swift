import Foundation
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

extension Vault {
    public struct VerifyProblem: Encodable, Sendable, Equatable {
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
    public func verify(readData: Bool, repair: Bool, record: Bool = true) throws -> VerifyReport {
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
            for person in people where person.erasedAt == nil {
                do { _ = try view(person, key: key); report.fieldsChecked += 1 } catch {
                    report.problems.append(VerifyProblem(kind: "person", id: person.id, message: Self.describe(error)))
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
                    do { _ = try caseDetails(record, in: tx); report.fieldsChecked += 1 } catch {
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
                        _ = try openConsent(record, as: ConsentPayloadProbe.self, in: tx)
                        report.fieldsChecked += 1
                    } catch {
                        report.problems.append(VerifyProblem(kind: "consent_record", id: record.id, message: Self.describe(error)))
                    }
                }
            }
        } catch {
            report.problems.append(VerifyProblem(kind: "wrapped_key", id: KeyHierarchy.vaultScope, message: Self.describe(error)))
        }

        let held = try store.read { tx in try heldCaseKeys(in: tx) }
        for document in documents {
            report.documentsChecked += 1
            do {
                if let held, !held.contains(document.caseID) {
                    // Not this identity's case: its ciphertext is checked (size and SHA-256), which needs no key.
                    try verifyCiphertext(document)
                    report.documentsCheckedWithoutKey += 1
                    continue
                }
                report.bytesDecrypted += try verifyDocument(document, readData: readData)
            } catch {
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

    /// Checks one document end to end; returns the bytes decrypted. With `readData` the ciphertext is read
    /// once: hashed as it streams into the decryptor.
    private func verifyDocument(_ document: DocumentRecord, readData: Bool) throws -> Int64 {
        _ = try store.read { tx in try view(document, tx: tx) }  // the sealed name opens
        let (_, key, fd) = try prepareRead(document.id)
        defer { close(fd) }
        let context = hierarchy.documentContext(documentID: document.id)
        let sha256: [UInt8]
        let decrypted: Int64
        do {
            // Opening checks the commitment and authenticates the final chunk (the length).
            _ = try CobblestoneReader(source: try FileDescriptorRandomAccess(fd: fd), key: key, context: context)
            if readData, document.ciphertextSize >= OverlappedPipeline.worthwhileSize {
                // Read and hashed on one thread, decrypted on another.
                let (read, produced) = try OverlappedPipeline.decrypting.run(
                    source: { try FileReadStage(fd: fd, hashing: .sha256) },
                    transform: { try CobblestoneDecryptStage(key: key, context: context) })
                sha256 = read.digest ?? []
                decrypted = produced
            } else {
                var source = HashingSource(FileDescriptorSource(fd: fd), digest: try StreamingHash(.sha256))
                var counter = CountingSink()
                if readData {
                    try Cobblestone256.decrypt(from: &source, to: &counter, key: key, context: context)
                } else {
                    try source.drain()
                }
                sha256 = try source.digest.finalize()
                decrypted = counter.count
            }
        } catch let error as VaultCryptoError {
            throw VaultError.blobDamaged(documentID: document.id, reason: error.description)
        }
        guard constantTimeEquals(sha256, Array(document.ciphertextSHA256)) else {
            throw VaultError.blobDamaged(documentID: document.id, reason: "its SHA-256 differs from the recorded one")
        }
        guard !readData || decrypted == document.size else {
            throw VaultError.blobDamaged(documentID: document.id, reason: "it decrypts to \(decrypted) bytes, expected \(document.size)")
        }
        return decrypted
    }
}

/// Hashes everything read through it.
struct HashingSource<Base: ByteSource>: ByteSource {
    var base: Base
    let digest: StreamingHash

    init(_ base: Base, digest: StreamingHash) {
        self.base = base
        self.digest = digest
    }

    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        try digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        return n
    }

    /// Reads (and hashes) to the end.
    mutating func drain() throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while try read(into: buffer) > 0 {}
    }
}

/// Counts and forgets (verification decrypts without keeping plaintext).
struct CountingSink: ByteSink {
    var count: Int64 = 0
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws { count += Int64(bytes.count) }
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
