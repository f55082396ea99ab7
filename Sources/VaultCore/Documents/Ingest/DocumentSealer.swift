import VaultModel
import CProcessShims
import Foundation
import VaultCrypto
#if canImport(Glibc)
import Glibc
#endif

/// Encrypts one file into a case as plain values, so an ingest's worker threads can run it side by side: it reads
/// nothing of the `Vault` (no clock, no cache, no database). It writes the blob to its temp file and returns the row
/// without its time and sealed fields; the calling thread completes those (`Vault.completeRow`), in the files' order,
/// with the vault's clock.
struct DocumentSealer: Sendable {
    let blobs: BlobStore
    let hierarchy: KeyHierarchy
    let caseID: String
    let caseKey: SecureBytes
    let caseKeyVersion: Int
    let macKey: SecureBytes
    let options: Vault.IngestOptions
    /// Who ingests: `options.actor`, else the vault's.
    let actor: String?

    /// A file encrypted to its temp blob (`blobs.temporary/<id>.tmp`), its row not yet complete.
    struct Sealed: Sendable {
        /// `ingestedAt` empty and no sealed fields yet.
        var record: DocumentRecord
        let name: [UInt8]
        let dateSource: DateSource
        let kind: DocumentKind
    }

    enum Outcome: Sendable {
        case sealed(Sealed)
        case duplicate(of: String)
        case failed(String)
    }

    /// `encrypt` with a file's failure as its outcome (the other files still go in).
    func outcome(_ file: Vault.IngestFile, writer: BodyWriter, firstIDByte: UInt8? = nil, duplicateOf: (Data) throws -> String?) -> Outcome {
        do {
            return try encrypt(file, writer: writer, firstIDByte: firstIDByte, duplicateOf: duplicateOf)
        } catch {
            return .failed(Vault.describe(error))
        }
    }

    /// Encrypts one file to a temp blob, or finds that `duplicateOf` already holds its content (then no temp file is
    /// left). The batch that commits the row makes the blob durable and moves it into place first. `firstIDByte`, when
    /// given, is the first byte of the document's id (and so its blob folder's name).
    func encrypt(_ file: Vault.IngestFile, writer: BodyWriter, firstIDByte: UInt8? = nil, duplicateOf: (Data) throws -> String?) throws -> Outcome {
        let input: Int32
        if let descriptor = file.descriptor {
            // Our own descriptor (closed below), read from the start: the upload left the shared offset at its end.
            input = CProcessShims_duplicate(descriptor)
            if input >= 0 && lseek(input, 0, SEEK_SET) != 0 {
                close(input)
                throw FileError.system(operation: "seek", path: file.path, errno: errno)
            }
        } else {
            input = (file.pathBytes + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
            }
        }
        guard input >= 0 else { throw FileError.system(operation: "open", path: file.path, errno: errno) }
        defer { close(input) }
        var before = stat()
        guard fstat(input, &before) == 0 else { throw FileError.system(operation: "stat", path: file.path, errno: errno) }
        guard before.st_mode & S_IFMT == S_IFREG else { throw VaultError.invalidInput("\(file.path) is not a regular file") }

        let documentID = try firstIDByte.map { try Vault.newID("doc", firstByte: $0) } ?? Vault.newID("doc")
        let documentKey = try SecureBytes.random(count: 32)
        let (output, temporaryPath) = try blobs.createTemporary(for: documentID)
        var keepTemporary = false
        defer {
            if !keepTemporary { unlink(temporaryPath) }
        }
        let body: EncryptedBody
        do {
            defer { close(output) }
            let context = hierarchy.documentContext(documentID: documentID)
            // A large file is read, sealed and written on three threads at once; a small one on this thread,
            // where starting threads would cost more than overlapping saves. Same blob either way.
            body = Int64(before.st_size) >= OverlappedPipeline.worthwhileSize
                ? try BodyWriter.encryptOverlapped(input: input, output: output, key: documentKey, context: context, macKey: macKey)
                : try writer.encrypt(input: input, output: output, key: documentKey, context: context, macKey: macKey)
            var after = stat()
            guard fstat(input, &after) == 0 else { throw FileError.system(operation: "stat", path: file.path, errno: errno) }
            guard after.st_size == before.st_size, after.st_mtim.tv_sec == before.st_mtim.tv_sec,
                  after.st_mtim.tv_nsec == before.st_mtim.tv_nsec, body.plaintextSize == Int64(before.st_size) else {
                throw VaultError.fileChanged(path: file.path)
            }
            if let existing = try duplicateOf(Data(body.contentMAC)) { return .duplicate(of: existing) }
        }
        // The temp file stays until its batch is made durable and moved into place (the ingest's `flush`).
        keepTemporary = true

        let name = String(decoding: file.originalName, as: UTF8.self)
        let mediaType = DocumentClassifier.mediaType(fileName: name, head: body.head)
        let dated = Vault.dateAndKind(name: name, mediaType: mediaType, head: body.head, input: input, size: Int(before.st_size),
                                      modified: before.st_mtim.tv_sec, options: options)
        let record = DocumentRecord(
            id: documentID, caseID: caseID, kind: dated.kind.rawValue,
            mediaType: mediaType, size: body.plaintextSize, documentDate: dated.date, documentDateSource: dated.source.rawValue,
            ingestedAt: "", ingestedBy: actor, caseKeyVersion: caseKeyVersion,
            wrappedKey: try hierarchy.wrapDocumentKey(documentKey, documentID: documentID, caseID: caseID, caseKey: caseKey,
                                                      caseKeyVersion: caseKeyVersion),
            originalNameSealed: Data(), ciphertextSize: body.ciphertextSize, ciphertextSHA256: Data(body.ciphertextSHA256),
            contentMAC: Data(body.contentMAC))
        return .sealed(Sealed(record: record, name: file.originalName, dateSource: dated.source, kind: dated.kind))
    }
}

extension Vault {
    /// The row of a sealed file, complete: the time it is recorded as ingested (the vault's clock, on the calling
    /// thread), then its name, date source and kind sealed, bound to the row's clear columns.
    func completeRow(_ sealed: DocumentSealer.Sealed, fieldKey: SecureBytes) throws -> DocumentRecord {
        var record = sealed.record
        record.ingestedAt = timestamp()
        try Self.sealDocumentFields(name: sealed.name, dateSource: sealed.dateSource.rawValue, kind: sealed.kind.rawValue, into: &record,
                                    fieldKey: fieldKey)
        return record
    }
}
