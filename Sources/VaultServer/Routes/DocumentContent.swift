import Consent
import Dispatch
import Foundation
import Hummingbird
import NIOCore
import VaultCrypto
import VaultStore

/// GET /api/v1/documents/{id}/content: `casevault cat` over HTTP. The consent gate is asked first (a refusal is a 403
/// with the decision, before any header of a 200 is sent); then `Vault.decrypt` records the read (committed before
/// any plaintext leaves) and streams chunk by chunk, each only after it authenticates, with one chunk in flight: a
/// large document costs the server constant memory.
extension VaultServer {
    static func documentContent(_ request: Request, id: String, sessions: SessionService, metrics: ServerMetrics) async throws -> Response {
        try await documentContent(session: try await sessions.session(for: request), acknowledged: try acknowledgements(request), id: id,
                                  sessions: sessions, metrics: metrics)
    }

    /// The same for a session found by the web interface's cookie (its Download button).
    static func documentContent(session: SessionService.Session, acknowledged: [RuleID], id: String, sessions: SessionService,
                                metrics: ServerMetrics) async throws -> Response {
        let handle: VaultHandle
        let document: Vault.DocumentView
        do {
            handle = try await sessions.gateway.open(as: session.identity)
            document = try await handle.run { vault in
                _ = try vault.actingAccount()
                // As `cat` does: the gate with the document named, then the read under that decision.
                vault.acknowledged = acknowledged
                try vault.requireConsent(.viewDocuments, caseID: try vault.caseID(ofDocument: id), documentID: id)
                return try vault.document(id)
            }
        } catch let error as AccessError {
            try await sessions.endSessionsIfAccountGone(error, session: session)
            throw error
        }
        let logger = sessions.logger
        let body = ResponseBody(contentLength: Int(document.size)) { writer in
            let pipe = ChunkPipe()
            let producer = Task {
                try await handle.run { vault in
                    defer { vault.finishRequest() }
                    var sink = PipeSink(pipe: pipe)
                    do {
                        try vault.decrypt(documentID: id, to: &sink)
                        try sink.flush()
                        pipe.finish(nil)
                    } catch {
                        pipe.finish(error)
                        throw error
                    }
                }
            }
            do {
                for try await chunk in pipe.chunks {
                    try await writer.write(chunk)
                    pipe.consumed()
                }
            } catch {
                // The client went away, or the blob failed part-way (recorded by the core): stop the producer.
                pipe.cancel()
                _ = try? await producer.value
                metrics.streamAbandoned()
                logger.notice("document stream ended early: \(String(describing: error))", metadata: ["document": "\(id)"])
                throw error
            }
            try await producer.value
            try await writer.finish(nil)
        }
        // Saved, never rendered by a browser as this origin's page (a stored HTML letter must not run as the API's own).
        return Response(status: .ok, headers: [.contentType: document.mediaType, .cacheControl: "no-store", .contentDisposition: "attachment",
                                               .init("X-Content-Type-Options")!: "nosniff"], body: body)
    }
}

/// Hands decrypted chunks from the blocking core (a thread-pool thread) to the response writer (async), one at a time:
/// the producer waits until the writer has taken each chunk, so memory stays one chunk whatever the document's size.
final class ChunkPipe: @unchecked Sendable {
    let chunks: AsyncThrowingStream<ByteBuffer, any Error>
    private let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    private let taken = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cancelled = false

    struct Cancelled: Error {}

    init() {
        (chunks, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
    }

    /// Called on the producer's thread: blocks until the chunk is written or the stream is cancelled.
    func push(_ bytes: UnsafeRawBufferPointer) throws {
        if isCancelled { throw Cancelled() }
        continuation.yield(ByteBuffer(bytes: bytes))
        taken.wait()
        if isCancelled { throw Cancelled() }
    }

    func consumed() { taken.signal() }

    func cancel() {
        lock.withLock { cancelled = true }
        taken.signal()
    }

    func finish(_ error: (any Error)?) { continuation.finish(throwing: error) }

    private var isCancelled: Bool { lock.withLock { cancelled } }
}

/// Gathers the decryptor's 16 KB chunks into writes of about 64 KB: a quarter of the hand-offs between threads.
struct PipeSink: ByteSink {
    static let writeSize = 64 * 1024
    let pipe: ChunkPipe
    private var pending: [UInt8] = []

    init(pipe: ChunkPipe) {
        self.pipe = pipe
        pending.reserveCapacity(Self.writeSize)
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= Self.writeSize { try flush() }
    }

    mutating func flush() throws {
        guard !pending.isEmpty else { return }
        // The plaintext passes through this buffer on its way to TLS: wiped before it is reused.
        defer { secureZero(&pending); pending.removeAll(keepingCapacity: true) }
        try pending.withUnsafeBytes { try pipe.push($0) }
    }
}
