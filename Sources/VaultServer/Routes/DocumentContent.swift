import Consent
import Dispatch
import Foundation
import Hummingbird
import Logging
import NIOCore
import VaultCrypto
import VaultCore

/// GET /api/v1/documents/{id}/content: `casevault cat` over HTTP. The consent gate is asked first (a refusal is a 403
/// with the decision, before any header of a 200 is sent); then `Vault.decrypt` records the read and streams chunk by
/// chunk, each only after it authenticates, with one chunk in flight: a large document costs the server constant
/// memory. The 200 head goes out only once the first chunk exists, that is once the read's audit event has committed
/// (in a group commit it may share its COMMIT with other requests): a read that cannot be recorded is a 500 with no
/// byte of the document, not a 200 cut short. A document no larger than one of the stream's writes (64 KB, most letters)
/// is read whole in the same trip to the thread pool as the gate, under the same rules: recorded before any byte leaves.
extension VaultServer {
    static func documentContent(_ request: Request, id: String, sessions: SessionService, metrics: ServerMetrics) async throws -> Response {
        try await documentContent(session: try await sessions.session(for: request), acknowledged: try acknowledgements(request), id: id,
                                  sessions: sessions, metrics: metrics)
    }

    /// The same for a session found by the web interface's cookie (its Download button).
    static func documentContent(session: SessionService.Session, acknowledged: [RuleID], id: String, sessions: SessionService,
                                metrics: ServerMetrics) async throws -> Response {
        let handle: VaultHandle
        let first: FirstPart
        do {
            (handle, first) = try await sessions.gateway.open(as: session.identity) { vault in
                _ = try vault.actingAccount()
                // As `cat` does: the gate with the document named, then the read under that decision.
                vault.acknowledged = acknowledged
                // The decision is recorded with the read's event, in one write transaction (a refusal at once).
                vault.deferAllowedDecisions = true
                try vault.requireConsent(.viewDocuments, ofDocument: DocumentID(id))
                vault.deferAllowedDecisions = false
                let document = try vault.document(DocumentID(id))
                guard document.size <= Self.wholeReadSize else {
                    // The body streams in a later trip, which a client that leaves may never start: recorded now.
                    try vault.recordDeferredDecisions()
                    return FirstPart(document: document, whole: nil)
                }
                // A letter smaller than one of the stream's writes is read whole in this same trip to the thread pool:
                // the stream would hold all of it in one chunk anyway, and sends its head only once that chunk exists.
                defer { vault.finishRequest() }
                var sink = WholeSink(capacity: Int(document.size))
                defer { secureZero(&sink.bytes) }
                // The read's event is the request's last: it commits with the checkpoint the end would write.
                vault.checkpointWithNextWrite = true
                try vault.decrypt(documentID: DocumentID(id), to: &sink)
                return FirstPart(document: document, whole: sink.bytes.withUnsafeBytes { ByteBuffer(bytes: $0) })
            }
        } catch let error as AccessError {
            try await sessions.endSessionsIfAccountGone(error, session: session)
            throw error
        }
        if let whole = first.whole {
            return Response(status: .ok, headers: downloadHeaders(first.document), body: ResponseBody(byteBuffer: whole))
        }
        let pipe = ChunkPipe()
        let producer = Task {
            try await handle.run { vault in
                defer { vault.finishRequest() }
                var sink = PipeSink(pipe: pipe)
                vault.checkpointWithNextWrite = true
                do {
                    try vault.decrypt(documentID: DocumentID(id), to: &sink)
                    try sink.flush()
                    pipe.finish(nil)
                } catch {
                    pipe.finish(error)
                    throw error
                }
            }
        }
        let stream = DocumentStream(pipe: pipe, producer: producer, documentID: id, metrics: metrics, logger: sessions.logger)
        do {
            for try await _ in pipe.ready {}
        } catch {
            await stream.stop()
            throw error
        }
        let body = ResponseBody(contentLength: Int(first.document.size)) { writer in
            try await stream.write(to: &writer)
        }
        return Response(status: .ok, headers: downloadHeaders(first.document), body: body)
    }

    /// Documents up to this size are read whole rather than streamed: one write of the stream (`PipeSink`).
    static let wholeReadSize = Int64(PipeSink.writeSize)

    /// What the first trip to the pool found: the document's view and, for a small one, all of it.
    struct FirstPart: Sendable {
        let document: Vault.DocumentView
        let whole: ByteBuffer?
    }

    /// Saved, never rendered by a browser as this origin's page (a stored HTML letter must not run as the API's own).
    static func downloadHeaders(_ document: Vault.DocumentView) -> HTTPFields {
        [.contentType: document.mediaType, .cacheControl: "no-store", .contentDisposition: "attachment", .init("X-Content-Type-Options")!: "nosniff"]
    }
}

/// A download between its first chunk and its last: the producer already runs (it recorded the read and holds a
/// worker thread, waiting for its first chunk to be taken) when the response is handed to the server. The server
/// calls the body only if it could write the head: a client that left while the read was being recorded (or a
/// connection closed meanwhile) never gets its body called, and the response is simply dropped. So whoever ends the
/// download, the response body or the drop (deinit), stops the producer and counts it as abandoned; otherwise such a
/// download held its thread until the pipe's timeout and went uncounted.
final class DocumentStream: @unchecked Sendable {
    let pipe: ChunkPipe
    let producer: Task<Void, any Error>
    let documentID: String
    let metrics: ServerMetrics
    let logger: Logger
    private let lock = NSLock()
    private var started = false

    init(pipe: ChunkPipe, producer: Task<Void, any Error>, documentID: String, metrics: ServerMetrics, logger: Logger) {
        self.pipe = pipe
        self.producer = producer
        self.documentID = documentID
        self.metrics = metrics
        self.logger = logger
    }

    deinit {
        guard !lock.withLock({ started }) else { return }
        // The response was dropped before its body ran: the head could not be written.
        pipe.cancel()
        metrics.streamAbandoned()
        logger.notice("document stream ended before its first byte: the connection closed", metadata: ["document": "\(documentID)"])
    }

    /// Stops the producer without counting a download (no 200 was sent: the request's error answer says why).
    func stop() async {
        lock.withLock { started = true }
        pipe.cancel()
        _ = try? await producer.value
    }

    func write(to writer: inout any ResponseBodyWriter) async throws {
        lock.withLock { started = true }
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
            logger.notice("document stream ended early: \(String(describing: error))", metadata: ["document": "\(documentID)"])
            throw error
        }
        try await producer.value
        try await writer.finish(nil)
    }
}

/// Hands decrypted chunks from the blocking core (a thread-pool thread) to the response writer (async), one at a time:
/// the producer waits until the writer has taken each chunk, so memory stays one chunk whatever the document's size.
final class ChunkPipe: @unchecked Sendable {
    let chunks: AsyncThrowingStream<ByteBuffer, any Error>
    private let continuation: AsyncThrowingStream<ByteBuffer, any Error>.Continuation
    /// Ends when the first chunk is there or the producer has ended; throws the producer's error if it failed first.
    let ready: AsyncThrowingStream<Void, any Error>
    private let readyContinuation: AsyncThrowingStream<Void, any Error>.Continuation
    private let taken = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var cancelled = false

    struct Cancelled: Error {}
    /// A backstop only (DocumentStream stops the producer on every path): longer than any write the server's
    /// slow-reader limit lets stall (60 s by default).
    static let takeTimeout = DispatchTimeInterval.seconds(300)

    init() {
        (chunks, continuation) = AsyncThrowingStream.makeStream(of: ByteBuffer.self)
        (ready, readyContinuation) = AsyncThrowingStream.makeStream(of: Void.self)
    }

    /// Called on the producer's thread: blocks until the chunk is written or the stream is cancelled.
    func push(_ bytes: UnsafeRawBufferPointer) throws {
        if isCancelled { throw Cancelled() }
        continuation.yield(ByteBuffer(bytes: bytes))
        readyContinuation.finish()
        guard taken.wait(timeout: .now() + Self.takeTimeout) == .success else { throw Cancelled() }
        if isCancelled { throw Cancelled() }
    }

    func consumed() { taken.signal() }

    func cancel() {
        lock.withLock { cancelled = true }
        taken.signal()
        readyContinuation.finish(throwing: Cancelled())
    }

    func finish(_ error: (any Error)?) {
        readyContinuation.finish(throwing: error)
        continuation.finish(throwing: error)
    }

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

/// A small document's plaintext on its way to TLS, wiped after it is copied out (as `PipeSink` wipes its buffer). Its
/// room is reserved at the document's size, so growing it leaves no unwiped copy behind.
struct WholeSink: ByteSink {
    var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    mutating func write(_ chunk: UnsafeRawBufferPointer) throws { bytes.append(contentsOf: chunk) }
}
