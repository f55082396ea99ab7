import Foundation
import Hummingbird
import NIOCore
import VaultModel
import VaultCore
#if canImport(Glibc)
import Glibc
#endif

/// POST /api/v1/cases/{case}/documents: `casevault ingest` of one file over HTTP. The body is the file's bytes; it is
/// streamed into a sealed memory file (`UploadSpool`: never a file on disk in clear), capped at the configured size
/// while it is read, and then handed to the same `Vault.ingest` the CLI calls, so consent, duplicate detection,
/// durability (blob before row) and audit are the core's. The memory file is freed on every path.
extension VaultServer {
    struct UploadResult: Encodable, Sendable {
        /// "stored" or "duplicate", as `casevault ingest --json` reports each file.
        let status: String
        let id: String?
        let duplicateOf: String?
        let size: Int64?
        let warning: String?
        let message: String
        enum CodingKeys: String, CodingKey {
            case status, id, size, warning, message
            case duplicateOf = "duplicate_of"
        }
    }

    /// The document's name travels in this header, percent-encoded UTF-8, rather than in the URL: names often hold a
    /// client's name, and URLs end up in proxies' access logs.
    static let documentNameHeader = "X-Document-Name"

    static func documentUpload(_ request: Request, caseText: String, sessions: SessionService, maxBytes: Int64) async throws -> Response {
        let acknowledged = try acknowledgements(request)
        let name = try UploadName.parse(request.headers[.init(documentNameHeader)!])
        let query = request.uri.queryParameters
        var kind: DocumentKind?
        if let text = query["kind"] {
            guard let parsed = DocumentKind(rawValue: String(text)) else {
                throw APIError(.badRequest, "invalid_request", "kind=\(text) is not a document kind (one of "
                               + DocumentKind.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            kind = parsed
        }
        let date = query["date"].map(String.init)
        let allowDuplicate = query["allow_duplicate"].map { $0 == "true" || $0 == "1" } ?? false
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > maxBytes { throw APIError.tooLarge(maxBytes) }

        let session = try await sessions.session(for: request)
        let handle: VaultHandle
        let caseID: String
        do {
            // The consent gate first, as `ingest` asks it before reading any file: a refused upload is not stored anywhere.
            (handle, caseID) = try await sessions.gateway.open(as: session.identity) { vault in
                _ = try vault.actingAccount()
                let caseID = try vault.caseID(caseText)
                vault.acknowledged = acknowledged
                // Recorded with the ingest's events, in its write transaction (a refusal at once).
                vault.deferAllowedDecisions = true
                defer { vault.deferAllowedDecisions = false }
                try vault.requireConsent(.ingestDocument, caseID: caseID)
                return caseID.rawValue
            }
        } catch let error as AccessError {
            try await sessions.endSessionsIfAccountGone(error, session: session)
            throw error
        }

        let spool = try UploadSpool()
        defer { spool.remove() }
        let file: Vault.IngestFile
        do {
            try await spool.receive(request.body, maxBytes: maxBytes, gateway: sessions.gateway)
            file = try spool.ingestFile(name: name)
        } catch {
            // No ingest follows (the body was too large, cut off or slow): the decision held for it is recorded now.
            _ = try? await handle.run { vault in vault.finishRequest() }
            throw error
        }

        let options = Vault.IngestOptions(kind: kind, date: date, allowDuplicate: allowDuplicate, actor: session.row.accountID)
        let result: Vault.IngestResult
        do {
            result = try await handle.run { vault in
                defer { vault.finishRequest() }
                // The ingest's write signs the request's checkpoint too: one write transaction fewer.
                vault.checkpointWithNextWrite = true
                guard let result = try vault.ingest(caseID: CaseID(caseID), files: [file], options: options).first else {
                    throw ServerError.vault("ingest returned no result")
                }
                return result
            }
        } catch let error as AccessError {
            try await sessions.endSessionsIfAccountGone(error, session: session)
            throw error
        }
        switch result.outcome {
        case .stored(let id, let size):
            sessions.logger.info("document uploaded", metadata: ["document": "\(id)", "case": "\(caseID)", "account": "\(session.row.accountID)"])
            return try jsonResponse(UploadResult(status: "stored", id: id.rawValue, duplicateOf: nil, size: size, warning: result.warning,
                                                 message: "stored as \(id)"), status: .created)
        case .duplicate(let of):
            return try jsonResponse(UploadResult(status: "duplicate", id: nil, duplicateOf: of.rawValue, size: nil, warning: nil,
                                                 message: "not stored: same content as \(of) (repeat with allow_duplicate=true to store it again)"))
        case .failed(let message):
            // The core's message names the temp file: it goes to the log, and the caller gets the request id.
            throw ServerError.vault("upload to \(caseID) failed: \(message)")
        }
    }
}

/// The document's name as the client sent it: any UTF-8, percent-encoded. It is only ever sealed as the document's
/// original name (never used as a path), but a name with a path separator or a control character is refused
/// rather than stored: it would mislead whoever later exports or reads the list.
enum UploadName {
    static let maxBytes = 255

    static func parse(_ header: String?) throws -> [UInt8] {
        guard let header, !header.isEmpty else {
            throw APIError(.badRequest, "invalid_request", "name the document in the X-Document-Name header (percent-encoded UTF-8)")
        }
        guard let name = header.removingPercentEncoding else {
            throw APIError(.badRequest, "invalid_name", "the X-Document-Name header is not valid percent-encoded UTF-8")
        }
        return try check(name)
    }

    /// The same rules for a name given in a JSON body (a consent's signed form).
    static func check(_ name: String) throws -> [UInt8] {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maxBytes, name != ".", name != ".." else {
            throw APIError(.badRequest, "invalid_name", "the document name must be 1 to \(maxBytes) bytes and not . or ..")
        }
        guard !name.unicodeScalars.contains(where: { $0 == "/" || $0 == "\\" || $0.properties.generalCategory == .control }) else {
            throw APIError(.badRequest, "invalid_name", "the document name may not contain / or \\ or control characters such as a "
                           + "line break: send the file's own name without its folder")
        }
        return bytes
    }
}

/// One upload, received into a sealed anonymous memory file (`IngestBuffer`, memfd) and never into a file on disk:
/// the brief's rule that a document's plaintext is written to disk only where the user asked. (Earlier releases
/// spooled to `uploads/` in the vault folder; `removeStale` still sweeps what a killed server left there.)
final class UploadSpool: @unchecked Sendable {
    static let folderName = "uploads"
    private let buffer: IngestBuffer

    init() throws { buffer = try IngestBuffer() }

    /// Spool files an earlier release's server killed mid-upload left behind. Only those older than a day: another
    /// instance of that release serving the same folder may be receiving one now. Returns how many.
    static func removeStale(vaultFolder: String, now: Date, olderThan age: TimeInterval = 24 * 3600) -> Int {
        let folder = vaultFolder + "/" + folderName
        var removed = 0
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix("upload-") {
            let path = folder + "/" + name
            guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                  now.timeIntervalSince(modified) > age, unlink(path) == 0 else { continue }
            removed += 1
        }
        return removed
    }

    /// Reads the body into the memory file about 1 MB at a time on the blocking pool; throws 413 as soon as more than
    /// `maxBytes` arrived (whatever Content-Length said), leaving the rest unread.
    func receive(_ body: RequestBody, maxBytes: Int64, gateway: VaultGateway) async throws {
        var pending = ByteBuffer()
        var total: Int64 = 0
        for try await buffer in body {
            total += Int64(buffer.readableBytes)
            guard total <= maxBytes else { throw APIError.tooLarge(maxBytes) }
            var buffer = buffer
            pending.writeBuffer(&buffer)
            if pending.readableBytes >= 1 << 20 {
                let chunk = pending
                pending = ByteBuffer()
                try await gateway.blocking { try self.write(chunk) }
            }
        }
        let chunk = pending
        try await gateway.blocking { try self.write(chunk) }
    }

    /// A body already in memory (a consent's signed form, sent as base64 in JSON).
    func writeAll(_ data: Data) throws {
        try write(ByteBuffer(bytes: data))
    }

    /// The upload frozen (nothing can change it while the core reads it), as the file to ingest under `name`.
    func ingestFile(name: [UInt8]) throws -> Vault.IngestFile {
        try buffer.sealed(name: name)
    }

    private func write(_ chunk: ByteBuffer) throws {
        try chunk.withUnsafeReadableBytes { try buffer.append($0) }
    }

    /// Every path ends here: the core has read (and encrypted) the file, or the upload was refused.
    func remove() {
        buffer.close()
    }
}

extension APIError {
    static func tooLarge(_ maxBytes: Int64) -> APIError {
        APIError(.contentTooLarge, "too_large", "the document is larger than this server accepts (\(maxBytes) bytes): "
                 + "ask the administrator to raise max_upload_bytes, or ingest it with the casevault command")
    }
}
